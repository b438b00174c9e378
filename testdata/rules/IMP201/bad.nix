{ ... }:
{
  imports = [ ../baseline.nix ];
  fileSystems."/data" = { # expect: IMP201
    device = "tank/data";
    fsType = "zfs";
  };
  environment.persistence."/data/persist".directories = [ "/var/lib/postgresql" ];
}
