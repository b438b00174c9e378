{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=2G" "mode=755" ]; };
  fileSystems."/persist" = { device = "/dev/disk/by-label/persist"; fsType = "ext4"; neededForBoot = true; };
  environment.persistence."/persist" = { # expect: IMP502
    directories = [ "/var/log" ];
    files = [ "/etc/machine-id" ];
  };
}
