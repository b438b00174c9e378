{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.etc."myapp.conf".text = "";
  environment.persistence."/persist".files = [
    "/etc/shadow" # expect: IMP103
    "/etc/myapp.conf" # expect: IMP103
  ];
}
