{ config, lib, ... }:
let cfg = config.my.state; in
{
  imports = [ ./base.nix ];
  options.my.net.enable = lib.mkEnableOption "net";
  options.my.state = {
    enable = lib.mkEnableOption "state";
    dirs = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
  };
  config = lib.mkMerge [
    { my.net.enable = true; my.state.enable = true; }
    (lib.mkIf (config.my.net.enable && cfg.enable) { my.state.dirs = [ "/var/lib/iwd" ]; })
    { environment.persistence."/persist".directories = cfg.dirs; }
  ];
}
