{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
  };
  # Inputs patched before use: `pkgs.applyPatches { src = nixpkgs; ... }` is still nixpkgs.
  outputs = inputs':
    let
      pkgs = import inputs'.nixpkgs { system = "x86_64-linux"; };
      inputs = builtins.mapAttrs (name: value:
        if name == "nixpkgs"
        then pkgs.applyPatches { name = "source"; src = value; patches = [ ./fix.patch ]; }
        else value) inputs';
      inherit (inputs) nixpkgs impermanence;
      hostPkgs = import nixpkgs { system = "x86_64-linux"; };
    in {
      nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
        modules = [
          impermanence.nixosModules.impermanence
          { imports = hostPkgs.lib.optional (builtins.pathExists ./hw.nix) ./hw.nix; }
        ];
      };
    };
}
