{ lib, ... }:
let
  state = {
    "/var/log" = { };
    "/var/lib/nixos" = { };
  };
  extra = lib.listToAttrs [
    { name = "/var/lib/systemd"; value = { }; }
  ];
in
{
  imports = [ ./base.nix ];
  environment.persistence."/persist".directories =
    lib.attrNames state ++ lib.mapAttrsToList (name: _: name) extra;
}
