{ ... }:
let
  fromSpec = import ./spec.nix;
in
{
  imports = [
    (fromSpec {
      config = { lib, ... }: lib.mkIf true {
        environment.persistence."/persist".directories = [ "/var/lib/nixos" ];
      };
    })
    (fromSpec { config = null; })
    (fromSpec {
      config = {
        environment.persistence."/persist".directories = [ "/var/log" ];
      };
    })
  ];
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "mode=755" "size=1G" ]; };
  fileSystems."/persist" = { device = "/dev/sda2"; fsType = "ext4"; neededForBoot = true; };
}
