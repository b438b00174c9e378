{ modulesPath, ... }:
{
  imports = [ (modulesPath + "/installer/scan/not-detected.nix") ];
  environment.persistence."/persist".directories = [ "/var/lib/nixos" ];
}
