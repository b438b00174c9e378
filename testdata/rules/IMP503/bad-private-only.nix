# /var/lib/private persisted with the default mode, and no DynamicUser service with state known:
# a warning (the first such service will fail to start).
{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".directories = [
    "/var/lib/private" # expect: IMP503
  ];
}
