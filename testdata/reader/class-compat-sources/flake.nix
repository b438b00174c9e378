{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
    home-manager.url = "github:nix-community/home-manager";
  };
  outputs = { nixpkgs, impermanence, home-manager, ... }:
    let
      sources = {
        compat = builtins.fetchTarball "https://github.com/edolstra/flake-compat/archive/v1.1.0.tar.gz";
        # A set with outPath, as npins and niv give.
        tool = { outPath = ./vendor/tool; rev = "0"; };
      };
    in {
      nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
        specialArgs = { inherit sources; };
        modules = [
          impermanence.nixosModules.impermanence
          home-manager.nixosModules.home-manager
          ./base.nix
          ./shared.nix
          ./home.nix
        ];
      };
    };
}
