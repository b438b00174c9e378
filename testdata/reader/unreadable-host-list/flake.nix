# A host list that cannot be read and no machine entry file to fall back on: one host, not read,
# never a bare "no findings".
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  outputs = { nixpkgs, ... }: { nixosConfigurations = nixpkgs.lib.mysteryBuilder ./hosts; };
}
