{ ... }:
{
  fileSystems."/" = { device = "/dev/disk/by-label/root"; fsType = "btrfs"; options = [ "subvol=root" ]; };
  fileSystems."/persist" = { device = "/dev/disk/by-label/root"; fsType = "btrfs"; options = [ "subvol=persist" ]; neededForBoot = true; };
  boot.initrd.systemd.enable = true;
  boot.initrd.systemd.services.wipe-root.script = ''
    btrfs subvolume delete /mnt/root
    btrfs subvolume snapshot /mnt/root-blank /mnt/root
  '';
  environment.persistence."/persist".directories = [ "/var/log" ];
}
