{ ... }:
{
  imports = [ ../baseline.nix ];
  sops.age.keyFile = "/persist/var/lib/sops-nix/key.txt";
  age.identityPaths = [ "/persist/etc/age/host.key" ];
  sops.secrets.wifi = { };
  age.secrets.backup.file = ./backup.age;
}
