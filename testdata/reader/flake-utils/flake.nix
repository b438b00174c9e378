{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
  };
  inputs.flake-utils.url = "github:numtide/flake-utils";
  outputs = { nixpkgs, impermanence, flake-utils, ... }:
    flake-utils.lib.eachDefaultSystem (system: { formatter = nixpkgs.legacyPackages.${system}.nixfmt; })
    // {
      nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
        modules = [ impermanence.nixosModules.impermanence ./base.nix ];
      };
    };
}
