# useSystemdActivation: when the key is read depends on the sops-nix pin, not known here.
{ config, ... }:
{
  imports = [ ../baseline.nix ];
  sops.useSystemdActivation = true;
  sops.defaultSopsFile = ./secrets.yaml;
  sops.age.keyFile = "/var/lib/sops/age.key";
  sops.secrets.wifi = { };
  environment.persistence."/persist".directories = [ "/var/lib/sops" ];
}
