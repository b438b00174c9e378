{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=2G" "mode=755" ]; };
  fileSystems."/persist" = { device = "/dev/disk/by-label/persist"; fsType = "ext4"; neededForBoot = true; };
  boot.initrd.systemd.enable = true;
  preservation.enable = true;
  preservation.preserveAt."/persist" = {
    directories = [ "/var/log" "/var/lib/nixos" ];
    files = [ "/etc/machine-id" ]; # expect: IMP203
  };
}
