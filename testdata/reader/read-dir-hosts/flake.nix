{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
  };
  outputs = { nixpkgs, impermanence, ... }: {
    nixosConfigurations = builtins.mapAttrs (name: _: nixpkgs.lib.nixosSystem {
      specialArgs = { hostName = name; };
      modules = [ impermanence.nixosModules.impermanence ./base.nix ./hosts/${name} ];
    }) (nixpkgs.lib.filterAttrs (_: t: t == "directory") (builtins.readDir ./hosts));
  };
}
