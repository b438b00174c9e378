{ ... }:
{
  imports = [ ../baseline.nix ];
  users.users.erin = {
    isNormalUser = true;
    openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAA erin@laptop" ];
  };
  users.users.frank = {
    isNormalUser = true;
    hashedPassword = "$6$salt$hash";
  };
}
