{ ... }:
{
  imports = [ ../baseline.nix ];
  services.openssh.enable = true;
  environment.etc."myapp/config.toml".text = "port = 8080";
  environment.persistence."/persist".directories = [
    "/etc/ssh/" # expect: IMP101
    "/etc//myapp" # expect: IMP101
  ];
  environment.persistence."/persist".files = [ "/etc/ssh/ssh_host_ed25519_key" ];
}
