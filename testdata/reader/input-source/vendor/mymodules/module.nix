{ self }:
{ config, lib, ... }:
{
  options.my.state.enable = lib.mkEnableOption "state";
  config = lib.mkIf config.my.state.enable {
    environment.persistence."/persist".directories = [ "/var/lib/my-service" ];
  };
}
