{ lib, ... }:
{
  imports = [ ../baseline.nix ];
  users.mutableUsers = lib.mkForce true;
  # No password, but SSH keys: key logins keep working after a reboot.
  users.users.bob = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
    openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample bob" ];
  };
}
