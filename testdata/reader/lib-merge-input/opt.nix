{ config, lib, ... }:
{
  options.my.keepLogs = lib.mkEnableOption "keeping logs" // { default = true; };
  config = lib.mkIf config.my.keepLogs {
    environment.persistence."/persist".directories = [ "/var/log" ];
  };
}
