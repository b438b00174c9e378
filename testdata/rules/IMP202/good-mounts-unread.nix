# Some filesystems could not be read (their mount points come from data the reader cannot see):
# /state may be one of them, so it is not reported as lying on the ephemeral root.
{ lib, ... }:
{
  imports = [ ../baseline.nix ];
  fileSystems = lib.listToAttrs (map (m: lib.nameValuePair m.at { device = m.dev; fsType = "ext4"; })
    (import <site-mounts>));
  environment.persistence."/state" = {
    directories = [ "/var/lib/bluetooth" ];
  };
}
