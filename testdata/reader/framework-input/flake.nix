{
  inputs.nixpkgs.url = "github:nixos/nixpkgs/nixpkgs-unstable";
  inputs.flake-parts.url = "github:hercules-ci/flake-parts";
  # A repository named nixos-*: not a nixpkgs channel.
  inputs.nixos-unified.url = "github:srid/nixos-unified";
  outputs = inputs: inputs.nixos-unified.lib.mkFlake { inherit inputs; root = ./.; };
}
