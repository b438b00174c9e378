# A module shared between classes tests `_class`; a flake read through flake-compat.
{ lib, _class, sources, ... }:
{
  imports = [ (import sources.compat { src = sources.tool; }).defaultNix.nixosModules.default ];
  config = lib.optionalAttrs (_class == "nixos") {
    environment.persistence."/persist".directories = [ "/var/log" ];
  };
}
