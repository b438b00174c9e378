# mkAliasOptionModule whose target path reads `config`: made when it is read, after the
# modules are collected (reading config while collecting would be infinite recursion in Nix).
{ config, lib, ... }:
let
  inherit (config.my) storage;
in
{
  imports = [
    ./base.nix
    <impermanence/nixos.nix>
    (lib.mkAliasOptionModule [ "persistDirs" ] [ "environment" "persistence" storage "directories" ])
  ];
  options.my.storage = lib.mkOption { type = lib.types.str; };
  config = {
    my.storage = "/persist";
    persistDirs = [ "/var/log" "/var/lib/nixos" ];
  };
}
