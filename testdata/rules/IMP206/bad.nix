{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".directories = [ "/var/lib/secrets" ];
  users.users.carol = {
    isNormalUser = true;
    hashedPasswordFile = "/var/lib/secrets/carol.hash"; # expect: IMP206
  };
  users.users.dave.hashedPasswordFile = "/etc/dave.hash"; # expect: IMP206
}
