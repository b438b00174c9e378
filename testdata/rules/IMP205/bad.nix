{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".directories = [ "/var/lib/sops-nix" ];
  sops.age.keyFile = "/var/lib/sops-nix/key.txt"; # expect: IMP205
  sops.secrets.wifi = { };
  age.secrets.backup.file = ./backup.age;
  age.identityPaths = [
    "/etc/age/host.key" # expect: IMP205
  ];
}
