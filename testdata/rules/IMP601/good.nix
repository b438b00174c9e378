{ ... }:
{
  imports = [ ../baseline.nix ];
  programs.fuse.userAllowOther = true;
  home-manager.users.alice.home.persistence."/persist/home/alice" = {
    directories = [ "Documents" ];
    allowOther = true;
  };
}
