{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=1G" ]; }; # expect: IMP402
  fileSystems."/tmp" = { device = "none"; fsType = "tmpfs"; options = [ "size=1G" "mode=777" ]; }; # expect: IMP402
  fileSystems."/srv" = { device = "none"; fsType = "tmpfs"; options = [ "size=1G" "mode=0775" ]; };
}
