{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
  };
  outputs = { self, nixpkgs, impermanence }: {
    nixosModules.base = import ./base.nix;
    nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
      modules = [ impermanence.nixosModules.impermanence self.nixosModules.base "${self}/hosts/alpha.nix" ];
    };
  };
}
