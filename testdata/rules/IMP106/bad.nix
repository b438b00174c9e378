{ ... }:
{
  imports = [ ../baseline.nix ];
  boot.tmp.cleanOnBoot = true;
  environment.persistence."/persist".directories = [
    "/run/user" # expect: IMP106
    "/tmp/cache" # expect: IMP106
  ];
}
