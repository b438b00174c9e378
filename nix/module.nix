# The NixOS module: lints the configuration as part of building it.
{ impermalintFlake }:
{ config, options, lib, pkgs, ... }:
let
  cfg = config.impermalint;
in
{
  options.impermalint = {
    enable = lib.mkEnableOption "impermalint, which fails the system build on ephemeral-root mistakes";
    failOn = lib.mkOption {
      type = lib.types.enum [ "error" "warning" "info" ];
      default = "error";
      description = "Lowest severity of finding that fails the build.";
    };
    ignore = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      example = [ "IMP504" "IMP505" ];
      description = "Rules (codes, code prefixes or names) not to check.";
    };
    package = lib.mkOption {
      type = lib.types.package;
      default = impermalintFlake.packages.${pkgs.stdenv.hostPlatform.system}.default;
      description = "The impermalint package.";
    };
  };

  config = lib.mkIf cfg.enable {
    system.checks = [
      (import ./lint.nix {
        inherit config options pkgs;
        inherit (cfg) failOn ignore package;
      })
    ];
  };
}
