{ ... }:
{
  imports = [ ../baseline.nix ];
  # agenix installs before users, so before impermanence links the persisted file.
  environment.persistence."/persist".files = [ "/etc/ssh/ssh_host_ed25519_key" ];
  age.secrets.backup.file = ./backup.age;
  age.identityPaths = [
    "/etc/ssh/ssh_host_ed25519_key" # expect: IMP205
  ];
}
