{
  description = "impermalint: a linter for NixOS configurations with an ephemeral root";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      package = pkgs: pkgs.callPackage ./nix/package.nix { };
    in
    {
      packages = forAllSystems (pkgs: rec {
        impermalint = package pkgs;
        default = impermalint;
      });

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = "${self.packages.${pkgs.stdenv.hostPlatform.system}.default}/bin/impermalint";
        };
      });

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages = [ pkgs.cargo pkgs.rustc pkgs.clippy pkgs.rustfmt pkgs.rust-analyzer pkgs.cargo-insta pkgs.python3 ];
        };
      });

      overlays.default = final: _prev: { impermalint = package final; };

      # The NixOS module: `impermalint.enable = true;` makes `nixos-rebuild build/switch` fail
      # on findings, from the facts of the configuration being built (no second evaluation).
      nixosModules.default = import ./nix/module.nix { impermalintFlake = self; };

      lib = {
        # A host's lint as a derivation, for a flake's `checks` (`nix flake check` does not build
        # system.checks):
        #   checks.x86_64-linux.lint-alpha = impermalint.lib.check { nixosConfiguration = self.nixosConfigurations.alpha; };
        check = { nixosConfiguration, failOn ? "warning", ignore ? [ ] }:
          let
            inherit (nixosConfiguration) config options pkgs;
            lint = import ./nix/lint.nix;
          in
          lint {
            inherit config options pkgs failOn ignore;
            package = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
          };
      };

      checks = forAllSystems (pkgs:
        let impermalint = self.packages.${pkgs.stdenv.hostPlatform.system}.default; in
        {
          package = impermalint;
          # The bundled example has findings: the check passes when they are reported.
          example = pkgs.runCommand "impermalint-example" { } ''
            status=0
            ${impermalint}/bin/impermalint check ${./testdata/example} --format json > $out || status=$?
            [ "$status" -eq 1 ]
          '';
        });
    };
}
