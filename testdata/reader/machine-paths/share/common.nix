{ ... }:
{
  # Relative to where the file is read from.
  imports = [ ./base.nix ];
  environment.persistence."/persist".directories = [ "/var/log" ];
}
