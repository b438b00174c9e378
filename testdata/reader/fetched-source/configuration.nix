# Sources fetched by URL (npins, niv, fetchTarball): nixpkgs fetched this way is nixpkgs, and
# another source is read when the user gives its folder (`--input URL=DIR`).
let
  sources = {
    impermanence = builtins.fetchTarball "https://github.com/nix-community/impermanence/archive/master.tar.gz";
    nixpkgs = builtins.fetchTarball "https://github.com/NixOS/nixpkgs/archive/nixos-25.05.tar.gz";
    tools = builtins.fetchTarball {
      url = "https://example.org/tools.tar.gz";
      sha256 = "0000000000000000000000000000000000000000000000000000";
    };
  };
  pkgs = import sources.nixpkgs { };
in
{
  imports = [ "${sources.impermanence}/nixos.nix" "${sources.tools}/module.nix" ./base.nix ];
  environment.persistence."/persist".directories = pkgs.lib.optional true "/var/log";
}
