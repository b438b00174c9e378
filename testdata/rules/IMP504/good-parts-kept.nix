# Only some of systemd's state is kept, by choice: not reported.
{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=2G" "mode=755" ]; };
  fileSystems."/persist" = { device = "/dev/disk/by-label/persist"; fsType = "ext4"; neededForBoot = true; };
  boot.initrd.systemd.enable = true;
  users.mutableUsers = false;
  environment.persistence."/persist" = {
    directories = [ "/var/log" "/var/lib/nixos" "/var/lib/systemd/timers" "/var/lib/systemd/coredump" ];
    files = [ "/etc/machine-id" ];
  };
}
