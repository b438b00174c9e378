{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
  };
  # Hosts built by a top-level module system of the flake's own (`lib.evalModules`), as
  # flake-parts does without flake-parts.
  outputs = inputs@{ nixpkgs, ... }:
    let
      inherit (nixpkgs.lib.evalModules {
        modules = [ ./builders.nix ./hosts.nix ];
        specialArgs = { inherit inputs; };
      }) config;
    in {
      inherit (config) nixosConfigurations;
    };
}
