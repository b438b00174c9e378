{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
    impermanence.url = "github:nix-community/impermanence";
  };
  # A host rebuilt from another system's modules and special arguments (clan's machines):
  # `_module.args.modules` and `_module.specialArgs` of a nixosSystem are what it was given.
  outputs = { nixpkgs, impermanence, ... }:
    let
      base = nixpkgs.lib.nixosSystem {
        modules = [ impermanence.nixosModules.impermanence ./base.nix ./configuration.nix ];
        specialArgs = { stateDir = "/var/lib/app"; };
      };
    in
    {
      nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
        modules = [
          {
            imports = base._module.args.modules;
            config._module.args = base._module.specialArgs;
          }
        ];
      };
    };
}
