{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".directories = [
    "/tmp/keep"
    "/var/tmp/build"
    "/srv/run"
  ];
}
