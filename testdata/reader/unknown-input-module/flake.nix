{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
  };
  inputs.mymodules.url = "github:someone/mymodules";
  outputs = { nixpkgs, impermanence, mymodules, ... }: {
    nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
      modules = [ impermanence.nixosModules.impermanence mymodules.nixosModules.default ./base.nix ];
    };
  };
}
