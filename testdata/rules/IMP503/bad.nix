{ ... }:
{
  imports = [ ../baseline.nix ];
  services.uptime-kuma.enable = true;
  systemd.services.myapp.serviceConfig = {
    DynamicUser = true;
    StateDirectory = "myapp";
  };
  environment.persistence."/persist".directories = [
    "/var/lib/uptime-kuma" # expect: IMP503
    "/var/lib/myapp" # expect: IMP503
    "/var/lib/private" # expect: IMP503
  ];
}
