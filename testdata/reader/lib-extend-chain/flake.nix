{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
  };
  # An extended lib's nixosSystem gives modules that lib; extensions see each other through
  # `final`; a lib of one's own made with makeExtensible can be extended too.
  outputs = { nixpkgs, impermanence, ... }:
    let
      lib = (nixpkgs.lib.extend (final: prev: { ns = "my"; }))
        .extend (final: prev: { ${prev.ns}.dir = name: "/var/lib/${name}"; });
      tlib = (nixpkgs.lib.makeExtensible (self: { base = "/var"; }))
        .extend (final: prev: { log = "${prev.base}/log"; });
    in {
      nixosConfigurations.alpha = lib.nixosSystem {
        modules = [
          impermanence.nixosModules.impermanence
          ./base.nix
          ({ lib, ... }: {
            environment.persistence."/persist".directories = [ (lib.${lib.ns}.dir "app") tlib.log ];
          })
        ];
      };
    };
}
