{ ... }:
{
  imports = [ ../baseline.nix ];
  fileSystems."/data" = {
    device = "tank/data";
    fsType = "zfs";
    neededForBoot = true;
  };
  environment.persistence."/data/persist".directories = [ "/var/lib/postgresql" ];
  # /nix is mounted in the initrd by NixOS whatever neededForBoot says.
  environment.persistence."/nix/persist".directories = [ "/var/lib/bluetooth" ];
}
