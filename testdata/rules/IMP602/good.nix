{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".users.alice.directories = [ "Documents" ];
  home-manager.users.alice.home.persistence."/persist/home/alice".directories = [ "Music" ];
}
