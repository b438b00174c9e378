{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  outputs = { nixpkgs, impermanence, ... }: {
    nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
      modules = [ impermanence.nixosModules.impermanence ./base.nix ./persist.nix ];
    };
  };
}
