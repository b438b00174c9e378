{ ... }:
{
  environment.persistence."/persist".directories = [ "/var/lib/tools" ];
}
