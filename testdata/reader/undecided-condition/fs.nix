{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; };
  fileSystems."/persistent" = { device = "/dev/sda"; fsType = "ext4"; neededForBoot = true; };
}
