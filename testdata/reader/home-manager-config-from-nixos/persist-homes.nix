{ config, lib, ... }:
{
  environment.persistence = lib.mkMerge (map (user:
    lib.mapAttrs (_: cfg: { users.${user}.directories = cfg.directories; })
      config.home-manager.users.${user}.home.persistence)
    (builtins.attrNames config.home-manager.users));
}
