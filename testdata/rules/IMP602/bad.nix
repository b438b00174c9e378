{ ... }:
{
  imports = [ ../baseline.nix ];
  programs.fuse.userAllowOther = true;
  home-manager.users.alice = {
    imports = [ (builtins.getFlake "github:nix-community/impermanence").homeManagerModules.impermanence ]; # expect: IMP602
    home.persistence."/persist/home/alice" = {
      directories = [ "Documents" ];
      allowOther = true; # expect: IMP602
      removePrefixDirectory = false; # expect: IMP602
    };
  };
}
