{ inputs, self, ... }:
{
  flake = { config, ... }: {
    nixosConfigurations.alpha = inputs.nixpkgs.lib.nixosSystem {
      modules = [
        inputs.impermanence.nixosModules.impermanence
        ./base.nix
        { environment.persistence."/persist".directories = self.lib.persisted; }
      ];
    };
  };
}
