{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=2G" "mode=755" ]; };
  fileSystems."/persist" = { device = "/dev/disk/by-label/persist"; fsType = "ext4"; neededForBoot = true; };
  environment.persistence."/persist" = {
    directories = [ "/var/log" "/var/lib/nixos" ];
    files = [ "/etc/machine-id" ];
  };
}
