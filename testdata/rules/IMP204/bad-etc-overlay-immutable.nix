# An immutable /etc overlay has no upper directory: /.rw-etc/upper keeps nothing /etc shows.
{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=2G" "mode=755" ]; };
  fileSystems."/persist" = { device = "/dev/disk/by-label/persist"; fsType = "ext4"; neededForBoot = true; };
  boot.initrd.systemd.enable = true;
  system.etc.overlay = { enable = true; mutable = false; };
  preservation.enable = true;
  preservation.preserveAt."/persist" = { # expect: IMP204
    directories = [ "/var/log" "/var/lib/nixos" ];
    files = [ { file = "/.rw-etc/upper/machine-id"; inInitrd = true; } ];
  };
}
