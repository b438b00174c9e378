{ ... }:
{
  environment.persistence."/persist" = {
    directories = [
      "/var/log"
      "/var/lib/nixos"
      "/etc/ssh"
      "/var/lib/secrets"
    ];
    files = [ "/etc/machine-id" ];
  };
}
