{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".users.alice.files = [
    ".gitconfig" # expect: IMP102
  ];
  home-manager.users.alice = { ... }: {
    home.file.".gitconfig".text = "[user]\n  name = alice\n";
  };
}
