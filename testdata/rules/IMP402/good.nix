{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=1G" "mode=0755" ]; };
  fileSystems."/tmp" = { device = "none"; fsType = "tmpfs"; options = [ "size=1G" "mode=1777" ]; };
  fileSystems."/var/tmp" = { device = "none"; fsType = "tmpfs"; options = [ "size=1G" ]; };
}
