{ lib, ... }:
{
  imports = [ ../baseline.nix ];
  services.prowlarr.enable = true;
  # DynamicUser turned off: /var/lib/prowlarr is an ordinary directory.
  systemd.services.prowlarr.serviceConfig.DynamicUser = lib.mkForce false;
  environment.persistence."/persist".directories = [ "/var/lib/prowlarr" ];
}
