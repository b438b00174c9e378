{ config, lib, options, ... }:
{
  imports = [ ./base.nix ];
  # A short option whose definitions become environment.persistence's.
  options.persist = lib.mkOption { type = lib.types.attrs; default = { }; };
  options.impermanence.enable = lib.mkEnableOption "impermanence";
  config = {
    impermanence.enable = true;
    persist.directories = [ "/var/log" ];
    environment.persistence."/persist" =
      lib.mkIf options.impermanence.enable.value (lib.mkAliasDefinitions options.persist);
  };
}
