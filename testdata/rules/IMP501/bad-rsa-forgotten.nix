# The ed25519 key is kept; the RSA key of NixOS's default list is made anew at every boot (a
# warning: clients that know the ed25519 key still connect).
{ ... }:
{
  imports = [ ../baseline.nix ];
  services.openssh.enable = true; # expect: IMP501
  environment.persistence."/persist".files = [
    "/etc/ssh/ssh_host_ed25519_key"
    "/etc/ssh/ssh_host_ed25519_key.pub"
  ];
}
