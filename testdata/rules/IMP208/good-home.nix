# A persistent root with an ephemeral /home is a legitimate setup.
{ ... }:
{
  fileSystems."/" = { device = "/dev/sda1"; fsType = "ext4"; };
  fileSystems."/home" = { device = "none"; fsType = "tmpfs"; options = [ "size=1G" "mode=755" ]; };
  fileSystems."/persist" = { device = "/dev/sda2"; fsType = "ext4"; neededForBoot = true; };
  environment.persistence."/persist".users.alice.directories = [ "Documents" ];
}
