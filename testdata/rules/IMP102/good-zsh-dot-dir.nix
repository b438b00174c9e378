# With programs.zsh.dotDir, home-manager writes .zshrc there (~/.zshenv only sources it), so a
# persisted ~/.zshrc is in no one's way.
{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".users.alice.files = [ ".zshrc" ];
  home-manager.users.alice = { ... }: {
    programs.zsh.enable = true;
    programs.zsh.dotDir = ".config/zsh";
  };
}
