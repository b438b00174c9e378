let sources = import ./npins; in
{
  imports = [ "${sources.impermanence}/nixos.nix" ./base.nix ];
  environment.persistence."/persist".directories = [ "/var/log" ];
}
