{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=25%" "mode=755" ]; };
  fileSystems."/tmp" = { device = "none"; fsType = "tmpfs"; options = [ "nr_blocks=1000" ]; };
  fileSystems."/data" = { device = "/dev/sda3"; fsType = "ext4"; options = [ "noatime" ]; };
}
