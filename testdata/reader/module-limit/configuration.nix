{ lib, ... }:
{ imports = [ ./base.nix ] ++ lib.genList (i: { environment.etc."f${toString i}".text = ""; }) 10001; }
