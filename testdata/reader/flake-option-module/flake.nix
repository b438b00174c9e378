{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-parts.url = "github:hercules-ci/flake-parts";
    impermanence.url = "github:nix-community/impermanence";
  };
  # flake-parts' `flake` is a submodule: a definition of it is a module (an options/config
  # pair, or a function of the flake module's arguments).
  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } {
      systems = [ "x86_64-linux" ];
      imports = [ ./lib.nix ./hosts.nix ];
    };
}
