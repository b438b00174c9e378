{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=2G" "mode=755" ]; };
  fileSystems."/persist" = { device = "/dev/disk/by-label/persist"; fsType = "ext4"; neededForBoot = true; };
  fileSystems."/var/log" = { device = "/dev/disk/by-label/log"; fsType = "ext4"; };
  environment.persistence."/persist" = {
    directories = [ "/var/lib/nixos" ];
    files = [ "/etc/machine-id" ];
  };
}
