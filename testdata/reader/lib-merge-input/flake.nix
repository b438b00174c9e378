{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    home-manager.url = "github:nix-community/home-manager";
    impermanence.url = "github:nix-community/impermanence";
  };
  outputs = { nixpkgs, home-manager, impermanence, ... }:
    let lib = nixpkgs.lib // home-manager.lib; in {
      nixosConfigurations.alpha = lib.nixosSystem {
        modules = [ impermanence.nixosModules.impermanence ./base.nix ./opt.nix ];
      };
    };
}
