{ lib, ... }:
{
  imports = [ ../baseline.nix ];
  users.mutableUsers = lib.mkForce true;
  users.users.bob = { # expect: IMP301
    isNormalUser = true;
    extraGroups = [ "wheel" ];
  };
}
