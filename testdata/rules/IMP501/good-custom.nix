{ ... }:
{
  imports = [ ../baseline.nix ];
  services.openssh = {
    enable = true;
    hostKeys = [ { path = "/persist/ssh/ssh_host_ed25519_key"; type = "ed25519"; } ];
  };
}
