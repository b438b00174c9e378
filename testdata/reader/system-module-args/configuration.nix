{ stateDir, ... }:
{
  environment.persistence."/persist".directories = [ stateDir "/var/log" ];
}
