{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "mode=755" ]; }; # expect: IMP401
  fileSystems."/tmp" = { device = "none"; fsType = "tmpfs"; }; # expect: IMP401
}
