{ ... }:
{
  imports = [ ../baseline.nix ];
  users.users.erin = {
    isNormalUser = true;
    hashedPasswordFile = "/persist/secrets/erin.hash";
  };
  users.users.frank = {
    isNormalUser = true;
    password = null;
    hashedPassword = "$6$salt$hash";
  };
}
