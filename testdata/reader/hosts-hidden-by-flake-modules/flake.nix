{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-parts.url = "github:hercules-ci/flake-parts";
    treefmt-nix.url = "github:numtide/treefmt-nix";
    ez-configs.url = "github:ehllie/ez-configs";
    hostlib.url = "github:someone/hostlib";
  };
  # Hosts the static check cannot list are reported as unread, once: a flake module of an input
  # that may define hosts (ez-configs; treefmt does not), and a definition of nixosConfigurations
  # that cannot be evaluated next to one that can.
  outputs = inputs@{ flake-parts, nixpkgs, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } {
      systems = [ "x86_64-linux" ];
      imports = [
        inputs.treefmt-nix.flakeModule
        inputs.ez-configs.flakeModule
        { flake.nixosConfigurations = inputs.hostlib.lib.hosts; }
      ];
      flake.nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
        modules = [ ./base.nix { environment.persistence."/persist".directories = [ "/var/log" ]; } ];
      };
    };
}
