{ inputs, config, ... }:
{
  flake.nixosConfigurations.alpha = inputs.nixpkgs.lib.nixosSystem {
    modules = [ inputs.impermanence.nixosModules.impermanence config.flake.modules.nixos.base ];
  };
}
