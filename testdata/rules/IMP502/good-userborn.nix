# userborn manages the users: NixOS's perl script, which keeps its id maps in /var/lib/nixos,
# does not run.
{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=2G" "mode=755" ]; };
  fileSystems."/persist" = { device = "/dev/disk/by-label/persist"; fsType = "ext4"; neededForBoot = true; };
  services.userborn.enable = true;
  environment.persistence."/persist" = {
    directories = [ "/var/log" ];
    files = [ "/etc/machine-id" ];
  };
}
