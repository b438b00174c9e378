{ ... }:
{
  imports = [ ../baseline.nix ];
  # A recursive home.file links the files inside the folder one by one: the persisted folder is
  # a real directory home-manager writes into (the warning, not the error).
  environment.persistence."/persist".users.alice.directories = [
    ".local/share/nvim" # expect: IMP102
  ];
  home-manager.users.alice = { ... }: {
    home.file.".local/share/nvim" = { source = ./nvim; recursive = true; };
  };
}
