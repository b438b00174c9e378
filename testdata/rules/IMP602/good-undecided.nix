{ lib, pkgs, ... }:
{
  imports = [ ../baseline.nix ];
  # A block whose condition is not known: nothing in it is known to be set.
  home-manager.users.alice.home.persistence."/persist/home/alice" = lib.optionalAttrs pkgs.stdenv.hostPlatform.isx86_64 {
    directories = [ "Documents" ];
    allowOther = true;
  };
}
