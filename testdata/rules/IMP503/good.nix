{ ... }:
{
  imports = [ ../baseline.nix ];
  services.uptime-kuma.enable = true;
  systemd.services.worker.serviceConfig.StateDirectory = "worker";
  environment.persistence."/persist".directories = [
    { directory = "/var/lib/private"; mode = "0700"; }
    "/var/lib/worker"
  ];
}
