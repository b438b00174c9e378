{ ... }:
{
  imports = [ ../baseline.nix ];
  users.users.carol = {
    isNormalUser = true;
    hashedPasswordFile = "/persist/secrets/carol.hash";
  };
  users.users.dave.hashedPasswordFile = "/run/secrets-for-users/dave";
  users.users.erin.hashedPasswordFile = "/nix/persist/erin.hash";
}
