{ ... }:
{
  imports = [ ../baseline.nix ];
  # impermanence links persisted files in its `persist-files` activation script, which NixOS
  # runs before sops-nix's `setupSecrets` (activation scripts run by name after their deps).
  environment.persistence."/persist".files = [ "/etc/ssh/ssh_host_ed25519_key" ];
  sops.age.sshKeyPaths = [ "/etc/ssh/ssh_host_ed25519_key" ];
  sops.secrets.wifi = { };
}
