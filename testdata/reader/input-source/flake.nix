{
  # The input's source is named in expect.json ("inputs"), as `--input mymodules=DIR` does.
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
    mymodules.url = "github:someone/mymodules";
    mymodules.inputs.nixpkgs.follows = "nixpkgs";
  };
  outputs = { nixpkgs, impermanence, mymodules, ... }: {
    nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
      modules = [
        impermanence.nixosModules.impermanence
        mymodules.nixosModules.default
        "${mymodules}/extra.nix"
        { my.state.enable = true; }
      ];
    };
  };
}
