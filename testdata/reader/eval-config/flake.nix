{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
  };
  outputs = { nixpkgs, impermanence, ... }: {
    nixosConfigurations.alpha = import "${nixpkgs}/nixos/lib/eval-config.nix" {
      system = "x86_64-linux";
      modules = [ impermanence.nixosModules.impermanence ./base.nix ./persist.nix ];
    };
  };
}
