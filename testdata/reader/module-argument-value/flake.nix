{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    home-manager.url = "github:nix-community/home-manager";
    other.url = "github:someone/other";
  };
  # A value passed to modules (home-manager's extraSpecialArgs, _module.args) is that value: a
  # module that is not read (`other`) cannot add names to it, so the home modules are all known.
  outputs = { self, nixpkgs, home-manager, other, ... }: {
    homeModules = { a = ./a.nix; };
    nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
      modules = [
        home-manager.nixosModules.home-manager
        other.nixosModules.default
        ./base.nix
        {
          users.users.alice = { isNormalUser = true; hashedPasswordFile = "/persist/pw"; };
          home-manager.extraSpecialArgs = { mods = self.homeModules; };
          home-manager.users.alice = { mods, ... }: {
            imports = builtins.attrValues mods;
            home.stateVersion = "25.05";
          };
        }
      ];
    };
  };
}
