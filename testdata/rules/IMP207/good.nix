{ ... }:
{
  imports = [ ../baseline.nix ];
  boot.initrd.systemd.services.rollback = {
    wantedBy = [ "initrd.target" ];
    before = [ "sysroot.mount" ];
    script = "zfs rollback -r rpool/local/root@blank";
  };
}
