{ ... }:
{
  imports = [ ../baseline.nix ];
  # systemd mounts /srv/media after the /srv bind mount (a mount follows its parent path's):
  # it lands on top of the persisted directory and hides nothing.
  fileSystems."/srv/media" = { device = "nas:/media"; fsType = "nfs"; };
  environment.persistence."/persist".directories = [ "/srv" ];
}
