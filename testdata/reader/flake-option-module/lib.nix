{ lib, ... }:
{
  flake = {
    options.lib = lib.mkOption { type = lib.types.lazyAttrsOf lib.types.raw; default = { }; };
    config.lib.persisted = [ "/var/log" ];
  };
}
