# A name an attrsOf entry does not define is not there (`? mountpoint` is false, `or` takes
# its default), also when the set is read through another option (`x = config.y;`) and merged
# with `//`.
{ lib, config, ... }:
{
  imports = [ ./base.nix <impermanence/nixos.nix> ];
  options.extraDirs = lib.mkOption {
    type = lib.types.attrsOf (lib.types.attrsOf lib.types.str);
    default = { };
  };
  config = {
    extraDirs = {
      cache = { path = "/var/cache/app"; };
      data = { path = "/var/lib/app"; persist = "yes"; };
    };
    environment.persistence."/persist".directories =
      [ "/var/log" ]
      ++ lib.mapAttrsToList (_: d: d.path)
        (lib.filterAttrs (_: d: (d.persist or "no") == "yes" && !(d ? skip))
          ({ base = { path = "/var/lib/base"; persist = "yes"; }; } // config.extraDirs));
  };
}
