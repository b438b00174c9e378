{ ... }:
{
  imports = [ ../baseline.nix ];
  services.openssh.enable = true;
  # sops-nix installs the host keys at every boot, from secrets decrypted with a persisted key.
  sops.age.keyFile = "/persist/var/lib/sops-nix/key.txt";
  sops.secrets.ssh_host_ed25519_key.path = "/etc/ssh/ssh_host_ed25519_key";
  sops.secrets.ssh_host_rsa_key.path = "/etc/ssh/ssh_host_rsa_key";
}
