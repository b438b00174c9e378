{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    # Inputs named after something else are still recognised by their repository.
    home.url = "github:nix-community/home-manager/master";
    persist.url = "github:nix-community/impermanence";
  };
  outputs = { nixpkgs, home, persist, ... }: {
    nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
      modules = [
        persist.nixosModules.impermanence
        home.nixosModule
        ./base.nix
        { environment.persistence."/persist".directories = [ "/var/log" ]; }
      ];
    };
  };
}
