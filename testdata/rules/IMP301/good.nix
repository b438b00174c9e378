{ lib, ... }:
{
  imports = [ ../baseline.nix ];
  users.mutableUsers = lib.mkForce true;
  users.users.alice = {
    isNormalUser = true;
    hashedPasswordFile = "/persist/secrets/alice.hash";
  };
  users.users.nginx.isSystemUser = true;
  users.users.root.openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAA root@laptop" ];
}
