{ lib, ... }:
{
  imports = [ ../baseline.nix ];
  boot.initrd.systemd.enable = lib.mkForce false;
  boot.initrd.postDeviceCommands = "zfs rollback -r rpool/local/root@blank"; # expect: IMP207
  boot.initrd.systemd.services.rollback.script = "btrfs subvolume delete /mnt/root"; # expect: IMP207
}
