{ lib, config, inputs, ... }:
{
  options.hosts = lib.mkOption { type = lib.types.attrsOf lib.types.deferredModule; default = { }; };
  options.nixosConfigurations = lib.mkOption { type = lib.types.attrsOf lib.types.raw; default = { }; };
  config.nixosConfigurations = lib.mapAttrs (name: module: inputs.nixpkgs.lib.nixosSystem {
    modules = [ inputs.impermanence.nixosModules.impermanence ./base.nix module ];
  }) config.hosts;
}
