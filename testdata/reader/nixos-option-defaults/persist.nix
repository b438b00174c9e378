{ config, lib, ... }:
{
  environment.persistence."/persist".directories =
    [ config.services.jellyfin.dataDir ]
    ++ lib.optionals config.services.upower.enable [ "/var/lib/upower" ]
    ++ lib.optionals config.services.graphical-desktop.enable [ "/var/lib/gui" ]
    ++ lib.optionals config.boot.isContainer [ "/var/log" ]
    ++ lib.optionals config.services.grafana.enable [ config.services.grafana.dataDir ]
    ++ [ "/var/lib/${config.services.calibre-web.dataDir}" ];
}
