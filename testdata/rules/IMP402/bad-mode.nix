{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=1G" "mode=777" ]; }; # expect: IMP402
}
