# /etc is an overlay with a writable upper directory: the machine id kept in /.rw-etc/upper is
# the one /etc shows.
{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=2G" "mode=755" ]; };
  fileSystems."/persist" = { device = "/dev/disk/by-label/persist"; fsType = "ext4"; neededForBoot = true; };
  boot.initrd.systemd.enable = true;
  system.etc.overlay.enable = true;
  preservation.enable = true;
  preservation.preserveAt."/persist" = {
    directories = [ "/var/log" "/var/lib/nixos" ];
    files = [ { file = "/.rw-etc/upper/machine-id"; inInitrd = true; } ];
  };
}
