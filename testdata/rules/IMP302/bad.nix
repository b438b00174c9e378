{ ... }:
{
  imports = [ ../baseline.nix ];
  users.users.dana.isNormalUser = true; # expect: IMP302
}
