{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist/extra" = {
    directories = [ "/var/lib/bluetooth" ];
  };
}
