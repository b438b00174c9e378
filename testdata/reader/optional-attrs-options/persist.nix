{
  imports = [ <impermanence/nixos.nix> ];
  environment.persistence."/persist".directories = [ "/var/lib/nixos" ];
}
