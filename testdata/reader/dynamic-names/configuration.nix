{ config, lib, ... }:
let cfg = config.my; in
{
  imports = [ ./base.nix ];
  options.my = {
    user = lib.mkOption { type = lib.types.str; };
    storage = lib.mkOption { type = lib.types.str; default = "/persist"; };
  };
  config = {
    my.user = "dana";
    users.users.${cfg.user} = { isNormalUser = true; hashedPasswordFile = "${cfg.storage}/dana.hash"; };
    environment.persistence.${cfg.storage}.directories = [ "/var/log" ];
  };
}
