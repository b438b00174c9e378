# The configuration the static frontend reads; system.nix is what NixOS would evaluate it to.
{ ... }:
{
  imports = [ ./persist.nix ];

  fileSystems."/" = {
    device = "none";
    fsType = "tmpfs";
    options = [ "mode=755" ];
  };
  fileSystems."/persist" = {
    device = "/dev/sda2";
    fsType = "ext4";
    neededForBoot = true;
  };
  fileSystems."/nix" = {
    device = "/dev/sda3";
    fsType = "ext4";
  };

  boot.initrd.systemd.enable = true;
  services.openssh.enable = true;

  users.users.bob = {
    isNormalUser = true;
  };
  users.users.carol = {
    isNormalUser = true;
    hashedPasswordFile = "/var/lib/secrets/carol";
  };
}
