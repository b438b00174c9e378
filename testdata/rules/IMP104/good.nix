{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".directories = [
    "/srv/www"
    "/srv/db"
    "/var/lib/bluetooth"
  ];
  environment.persistence."/persist".users.alice.directories = [ "Documents" ];
}
