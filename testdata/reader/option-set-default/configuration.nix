# An option whose default is a set, read when nothing defines it (ez-configs' specialArgs,
# whose default is the flake's globalArgs): the names come from the default.
{ config, lib, ... }:
{
  imports = [ ./base.nix ];
  options.my.args = lib.mkOption {
    type = lib.types.attrsOf lib.types.anything;
    default = { dir = "/var/lib/a"; };
  };
  options.my.untyped = lib.mkOption { default = { dir = "/var/lib/b"; }; };
  config.environment.persistence."/persist".directories = [
    config.my.args.dir
    config.my.untyped.dir
  ];
}
