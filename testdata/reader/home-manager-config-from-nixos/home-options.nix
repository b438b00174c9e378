{ lib, ... }:
{
  options.home.persistence = lib.mkOption {
    type = lib.types.attrsOf (lib.types.submodule {
      options.directories = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
    });
    default = { };
  };
}
