# The rollback is the unit's ExecStart, with the zfs package's path in it.
{ pkgs, ... }:
{
  fileSystems."/" = { device = "rpool/local/root"; fsType = "zfs"; };
  fileSystems."/persist" = { device = "rpool/safe/persist"; fsType = "zfs"; neededForBoot = true; };
  boot.initrd.systemd.enable = true;
  boot.initrd.systemd.services.impermanence-root = {
    wantedBy = [ "initrd.target" ];
    before = [ "sysroot.mount" ];
    serviceConfig = {
      Type = "oneshot";
      ExecStart = "${pkgs.zfs}/bin/zfs rollback -r rpool/local/root@blank";
    };
  };
  environment.persistence."/persist".directories = [ "/var/log" ];
}
