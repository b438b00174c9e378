{ ... }:
{
  imports = [
    ../baseline.nix
    ./does-not-exist.nix # expect: IMP001
  ];
}
