{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".directories = [
    "/srv"
    "/srv/www" # expect: IMP104
    "/data"
    "/data/" # expect: IMP104
  ];
  environment.persistence."/persist".files = [
    "/srv/index.db" # expect: IMP104
  ];
}
