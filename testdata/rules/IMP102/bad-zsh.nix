# home-manager's zsh writes ~/.zshrc: persisting that file is in the way.
{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".users.alice.files = [
    ".zshrc" # expect: IMP102
  ];
  home-manager.users.alice = { ... }: {
    programs.zsh.enable = true;
  };
}
