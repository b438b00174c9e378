{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".directories = [
    # impermalint: allow(IMP104) -- nothing is nested here # expect: IMP002
    "/srv"
    # impermalint: allow(IMP9999) -- no such rule # expect: IMP002
    "/opt"
    # impermalint: alow(IMP104) # expect: IMP002
    "/home/shared"
  ];
}
