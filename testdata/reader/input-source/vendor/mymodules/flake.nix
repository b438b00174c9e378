{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  outputs = { self, nixpkgs }: {
    nixosModules.default = nixpkgs.lib.modules.importApply ./module.nix { inherit self; };
  };
}
