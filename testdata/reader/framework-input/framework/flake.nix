# A host framework written for this case in the style of nixos-unified: its lib.mkFlake calls the
# configuration's flake-parts with the flake modules found under `root` (a path plus a path), and
# its flake module builds a host from configurations/nixos/<name> with `flake` as a module
# argument. Its functions are read from its source (given as the input), not modelled.
{
  outputs = _: {
    flakeModules.default = ./nix/modules/flake-parts;
    lib.mkFlake = { inputs, root, specialArgs ? { } }:
      inputs.flake-parts.lib.mkFlake { inherit inputs specialArgs; } {
        _module.args = { inherit root; };
        imports = map (fn: "${root}/modules/flake-parts/${fn}")
          (builtins.attrNames (builtins.readDir (root + /modules/flake-parts)));
      };
  };
}
