{ lib, ... }:
{
  imports = [ ../baseline.nix ];
  boot.initrd.systemd.enable = lib.mkForce false;
  boot.initrd.postResumeCommands = lib.mkAfter "zfs rollback -r rpool/local/root@blank";
}
