{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".directories = [ "/var/lib/sops-nix" ];
  sops.age.keyFile = "/var/lib/sops-nix/key.txt"; # expect: IMP205
  age.identityPaths = [
    "/etc/age/host.key" # expect: IMP205
  ];
}
