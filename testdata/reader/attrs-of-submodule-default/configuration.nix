# A wrapper option whose default is a set of submodule entries: with nothing defining the
# option, the default's entries are its elements, each with its own options' defaults
# (`persist` is true unless an entry says otherwise).
{ lib, config, ... }:
{
  options.app.dirs = lib.mkOption {
    type = lib.types.attrsOf (lib.types.submodule {
      options.persist = lib.mkOption { type = lib.types.bool; default = true; };
      options.path = lib.mkOption { type = lib.types.str; };
    });
    default = {
      cache = { path = "/var/cache/app"; persist = false; };
      state = { path = "/var/lib/app"; };
    };
  };
  config = {
    fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "mode=755" "size=1G" ]; };
    fileSystems."/persist" = { device = "/dev/sda2"; fsType = "ext4"; neededForBoot = true; };
    environment.persistence."/persist".directories =
      lib.mapAttrsToList (_: d: d.path) (lib.filterAttrs (_: d: d.persist) config.app.dirs);
  };
}
