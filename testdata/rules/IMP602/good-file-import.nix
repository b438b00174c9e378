{ ... }:
{
  imports = [ ../baseline.nix ];
  # Importing the module file itself: needed before impermanence f868c97, and deduplicated with
  # the NixOS module's own import of the same file since.
  home-manager.users.alice = {
    imports = [ <impermanence/home-manager.nix> ];
    home.persistence."/persist/home/alice".directories = [ "Documents" ];
  };
}
