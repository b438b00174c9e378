{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
    impermanence.url = "github:nix-community/impermanence";
  };
  # `lib.version` is the pinned nixpkgs' (release from the branch, date and commit from the lock).
  outputs = { nixpkgs, impermanence, ... }: {
    nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
      modules = [
        impermanence.nixosModules.impermanence
        ./base.nix
        ({ lib, ... }: {
          imports = [
            (if lib.versionOlder lib.version "26.05"
             then { environment.persistence."/persist".directories = [ "/var/lib/old" ]; }
             else { environment.persistence."/persist".directories = [ "/var/lib/new" ]; })
          ];
          environment.persistence."/persist".directories =
            lib.optional (lib.trivial.release == "26.05") "/var/log";
        })
      ];
    };
  };
}
