{ ... }:
{
  imports = [ ../baseline.nix ];
  fileSystems."/var/lib/docker" = { device = "/dev/vg/docker"; fsType = "ext4"; };
  environment.persistence."/persist".directories = [
    "/var/lib/libvirt"
    "/var/lib/containers"
  ];
}
