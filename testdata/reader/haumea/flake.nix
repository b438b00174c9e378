{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
  };
  inputs.haumea.url = "github:nix-community/haumea";
  outputs = { nixpkgs, impermanence, haumea, ... }:
    let modules = haumea.lib.load { src = ./modules; loader = nixpkgs.lib.const nixpkgs.lib.id; }; in {
      nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
        modules = [ impermanence.nixosModules.impermanence modules.base modules.state.logs ];
      };
    };
}
