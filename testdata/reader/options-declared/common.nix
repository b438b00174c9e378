{ config, lib, options, ... }:
{
  options.site.backups = lib.mkEnableOption "backups";
  config = lib.mkMerge [
    (if options.site ? backups then {
      environment.persistence."/persist".directories = [ "/var/lib/restic" ];
    } else { })
    {
      fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "mode=755" "size=1G" ]; };
      fileSystems."/persist" = { device = "/dev/sda2"; fsType = "ext4"; neededForBoot = true; };
    }
  ];
}
