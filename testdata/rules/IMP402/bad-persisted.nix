{ ... }:
{
  environment.persistence."/persist".directories = [
    { directory = "/var/tmp"; mode = "0777"; } # expect: IMP402
    { directory = "/tmp"; mode = "1777"; }
    { directory = "/var/cache/builds"; mode = "0777"; }
  ];
}
