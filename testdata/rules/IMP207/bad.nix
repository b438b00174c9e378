{ lib, ... }:
{
  imports = [ ../baseline.nix ];
  boot.initrd.systemd.enable = true;
  boot.initrd.postDeviceCommands = lib.mkAfter '' # expect: IMP207
    zfs rollback -r rpool/local/root@blank
  '';
}
