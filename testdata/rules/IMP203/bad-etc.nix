{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.etc."machine-id".source = "/persist/etc/machine-id"; # expect: IMP203
}
