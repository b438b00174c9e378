{ ... }:
{
  imports = [ ../baseline.nix ];
  # agenix and sops-nix do nothing without secrets: their keys are never read.
  sops.age.keyFile = "/var/lib/sops-nix/key.txt";
  age.identityPaths = [ "/etc/age/host.key" ];
}
