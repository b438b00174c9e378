# Persistence that depends on whether PAM unlocks KDE's wallet: plasma6 turns it on for `login`;
# it is off for every other service unless set.
{ config, lib, ... }:
{
  services.desktopManager.plasma6.enable = true;
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "mode=755" "size=1G" ]; };
  fileSystems."/persist" = { device = "/dev/sda2"; fsType = "ext4"; neededForBoot = true; };
  environment.persistence."/persist".directories = lib.mkMerge [
    (lib.mkIf config.security.pam.services.login.kwallet.enable [ "/var/lib/wallet-login" ])
    (lib.mkIf config.security.pam.services.sddm.kwallet.enable [ "/var/lib/wallet-sddm" ])
  ];
}
