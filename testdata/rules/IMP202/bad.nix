{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/state" = { # expect: IMP202
    directories = [ "/var/lib/bluetooth" ];
  };
}
