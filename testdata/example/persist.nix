{ ... }:
let
  storage = "/persist";
in
{
  environment.persistence.${storage} = {
    hideMounts = true;
    directories = [
      "/var/log"
      "/var/lib/nixos"
      "/etc/ssh"
      "/etc/NetworkManager/system-connections"
    ];
    files = [ "/etc/machine-id" ];
  };
}
