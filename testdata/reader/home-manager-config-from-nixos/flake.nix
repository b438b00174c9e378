{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
    home-manager.url = "github:nix-community/home-manager";
  };
  # NixOS reads a user's home-manager configuration (`config.home-manager.users.<name>.x`):
  # the value of x in that user's configuration. An option `home.persistence` of the
  # configuration's own is not impermanence's.
  outputs = { nixpkgs, impermanence, home-manager, ... }: {
    nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
      modules = [
        impermanence.nixosModules.impermanence
        home-manager.nixosModules.home-manager
        ./base.nix
        ./persist-homes.nix
        {
          users.users.alice = { isNormalUser = true; hashedPasswordFile = "/persist/pw"; };
          environment.persistence."/persist".directories = [ "/var/log" ];
          home-manager.sharedModules = [ ./home-options.nix ];
          home-manager.users.alice = { config, ... }: {
            home.persistence."/persist".directories = [ "Documents" ];
            home.stateVersion = "25.05";
          };
        }
      ];
    };
  };
}
