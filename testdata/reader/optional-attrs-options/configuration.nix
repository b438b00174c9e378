{ lib, options, ... }:
# A module that configures whichever of two options exists: only those paths are in doubt.
{
  imports = [ ./persist.nix ];
  config = lib.mkMerge [
    (lib.optionalAttrs (options ? programs.shell-a.plugins) { programs.shell-a.plugins = { }; })
    (lib.optionalAttrs (options ? programs.shell-b.plugins) { programs.shell-b.plugins = { }; })
  ];
}
