{ config, ... }:
{
  imports = [ ../baseline.nix ];
  sops.useSystemdActivation = true;
  sops.defaultSopsFile = ./secrets.yaml;
  sops.age.keyFile = "/var/lib/sops/age.key"; # expect: IMP205
  sops.secrets.wifi = { };
  environment.persistence."/persist".directories = [ "/var/lib/sops" ];
}
