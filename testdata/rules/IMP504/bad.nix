{ ... }:
{
  imports = [ ../baseline.nix ];
  networking.networkmanager.enable = true; # expect: IMP504
}
