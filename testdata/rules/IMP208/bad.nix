{ ... }:
{
  fileSystems."/" = { device = "/dev/sda1"; fsType = "ext4"; }; # expect: IMP208
  fileSystems."/persist" = { device = "/dev/sda2"; fsType = "ext4"; neededForBoot = true; };
  environment.persistence."/persist".directories = [ "/var/log" ];
}
