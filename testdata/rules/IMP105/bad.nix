{ ... }:
{
  imports = [ ../baseline.nix ];
  fileSystems."/var/lib/docker" = { device = "/dev/vg/docker"; fsType = "ext4"; };
  environment.persistence."/persist".directories = [
    "/var/lib/docker" # expect: IMP105
    "/boot" # expect: IMP105
  ];
}
