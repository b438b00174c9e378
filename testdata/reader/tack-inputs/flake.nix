{
  # Inputs pinned by tack (no flake inputs, no flake.lock); a package set's callPackage; an
  # input's flake.nix loaded by hand (as input patchers do) is that input.
  outputs = args:
    let
      inputs = import ./.tack { overrides = args.tackOverrides or { }; };
      helper = inputs.nixpkgs.legacyPackages.x86_64-linux.callPackage ./helper.nix { };
      nixpkgs = (import "${inputs.nixpkgs}/flake.nix").outputs { self = nixpkgs; };
    in {
      nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
        modules = [
          inputs.impermanence.nixosModules.impermanence
          ./base.nix
          { environment.persistence."/persist".directories = helper.dirs; }
        ];
      };
    };
}
