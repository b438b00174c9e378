{ inputs, ... }: {
  imports = [ inputs.nixos-unified.flakeModules.default ];
  flake.nixosModules.default = ../nixos/common.nix;
}
