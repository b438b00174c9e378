{ config, ... }:
{
  imports = [ ../baseline.nix ];
  services.openssh.enable = true;
  sops.useSystemdActivation = true;
  sops.defaultSopsFile = ./secrets.yaml;
  environment.persistence."/persist".files = [
    "/etc/ssh/ssh_host_ed25519_key"
    "/etc/ssh/ssh_host_rsa_key"
  ];
}
