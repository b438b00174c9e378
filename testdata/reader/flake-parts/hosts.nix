{ inputs, withSystem, ... }:
{
  flake.nixosConfigurations.alpha = withSystem "x86_64-linux" ({ pkgs, ... }:
    inputs.nixpkgs.lib.nixosSystem {
      modules = [ inputs.impermanence.nixosModules.impermanence ./base.nix ./persist.nix ];
    });
}
