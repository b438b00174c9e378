{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".directories = [
    "/srv"
    # impermalint: allow(IMP104) -- /srv/data is its own volume, mounted inside on purpose
    "/srv/data"
  ];
}
