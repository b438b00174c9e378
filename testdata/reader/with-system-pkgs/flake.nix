{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-parts.url = "github:hercules-ci/flake-parts";
    impermanence.url = "github:nix-community/impermanence";
  };
  # `withSystem`'s `pkgs` is nixpkgs' package set: `pkgs.lib` given as the modules' lib is lib.
  outputs = inputs@{ flake-parts, nixpkgs, impermanence, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } ({ withSystem, ... }: {
      systems = [ "x86_64-linux" ];
      flake.nixosConfigurations.alpha = withSystem "x86_64-linux" ({ pkgs, system, ... }:
        nixpkgs.lib.nixosSystem {
          specialArgs = { inherit (pkgs) lib; };
          modules = [
            impermanence.nixosModules.impermanence
            ./base.nix
            ({ lib, ... }: {
              config = lib.mkMerge [
                { environment.persistence."/persist".directories = [ "/var/log" ]; }
                (lib.mkIf (system == "x86_64-linux") {
                  environment.persistence."/persist".directories = [ "/var/lib/x86" ];
                })
              ];
            })
          ];
        });
    });
}
