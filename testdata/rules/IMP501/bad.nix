{ ... }:
{
  imports = [ ../baseline.nix ];
  services.openssh.enable = true; # expect: IMP501
}
