{ self, inputs, config, ... }: {
  flake.nixos-unified.lib.mkLinuxSystem = mod: inputs.nixpkgs.lib.nixosSystem {
    specialArgs = { flake = { inherit self inputs config; }; };
    modules = [ mod ];
  };
  flake.nixosConfigurations.foo =
    self.nixos-unified.lib.mkLinuxSystem "${self}/configurations/nixos/foo";
}
