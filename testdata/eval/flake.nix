{
  description = "A flake with no inputs whose host is a configuration-shaped attribute set";
  outputs = { self }: {
    nixosConfigurations.alpha = import ./system.nix;
  };
}
