# `builtins.pathExists` of an absolute path written as a string (ez-configs looks for
# "${dir}/default.nix" this way).
{ lib, ... }:
let
  dir = toString ./.;
in
{
  imports = [ ./base.nix <impermanence/nixos.nix> ]
    ++ lib.optional (builtins.pathExists "${dir}/extra.nix") ./extra.nix
    ++ lib.optional (builtins.pathExists "${dir}/missing.nix") ./missing.nix;
  environment.persistence."/persist".directories = [ "/var/log" ];
}
