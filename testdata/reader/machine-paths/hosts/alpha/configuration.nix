# The machine keeps this repository at /etc/nixos/repo and the configuration names its shared
# files there: read with --path-map /etc/nixos/repo=<checkout>.
{ ... }:
{
  imports = [ /etc/nixos/repo/share/common.nix ];
  environment.persistence."/persist".directories = [ "/var/lib/alpha" ];
}
