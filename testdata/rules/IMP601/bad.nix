{ ... }:
{
  imports = [ ../baseline.nix ];
  home-manager.users.alice.home.persistence."/persist/home/alice" = {
    directories = [ "Documents" ];
    allowOther = true; # expect: IMP601
  };
}
