{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
  };
  outputs = { nixpkgs, impermanence, ... }:
    let
      lib = nixpkgs.lib.extend (final: prev: { my.dirs = [ "/var/log" ]; });
      pkgs = import nixpkgs { system = "x86_64-linux"; };
    in {
      nixosConfigurations.alpha = lib.nixosSystem {
        specialArgs = { inherit lib; };
        modules = [
          impermanence.nixosModules.impermanence
          ./base.nix
          ({ lib, ... }: { environment.persistence."/persist".directories = lib.my.dirs ++ pkgs.lib.optional true "/var/lib/nixos"; })
        ];
      };
    };
}
