# A sound ephemeral-root baseline the rule fixtures import: tmpfs root with size and mode,
# persistent storage mounted in the initrd, core state persisted, immutable users.
{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=2G" "mode=755" ]; };
  fileSystems."/nix" = { device = "/dev/disk/by-label/nix"; fsType = "ext4"; };
  fileSystems."/persist" = { device = "/dev/disk/by-label/persist"; fsType = "ext4"; neededForBoot = true; };
  boot.initrd.systemd.enable = true;
  environment.persistence."/persist" = {
    directories = [ "/var/log" "/var/lib/nixos" "/var/lib/systemd" ];
    files = [ "/etc/machine-id" ];
  };
  users.mutableUsers = false;
}
