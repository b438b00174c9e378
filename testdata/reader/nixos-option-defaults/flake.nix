{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
    impermanence.url = "github:nix-community/impermanence";
  };
  # Options of NixOS modules that nothing in the configuration sets have the values NixOS gives
  # them: their defaults, or true where another module that is on sets them.
  outputs = { nixpkgs, impermanence, ... }:
    let
      host = modules: nixpkgs.lib.nixosSystem {
        modules = [ impermanence.nixosModules.impermanence ./base.nix ./persist.nix ] ++ modules;
      };
    in {
      # Plasma turns upower on; a display manager makes the host graphical.
      nixosConfigurations.desktop = host [{
        services.desktopManager.plasma6.enable = true;
        services.displayManager.sddm.enable = true;
      }];
      # The LXC container profile, imported by hand, makes the host a container.
      nixosConfigurations.lxc = host [
        ({ modulesPath, ... }: { imports = [ "${modulesPath}/virtualisation/lxc-container.nix" ]; })
      ];
      # Nothing set: defaults only.
      nixosConfigurations.server = host [ ];
      # Whether Plasma is on is not known: neither is whether upower is.
      nixosConfigurations.unknown = host [
        ({ config, ... }: { services.desktopManager.plasma6.enable = import <desktop-flag>; })
      ];
    };
}
