# home-manager modules get `sources` through an option's value: a set with outPath still names
# its folder.
{ sources, ... }:
{
  home-manager.extraSpecialArgs = { inherit sources; };
  home-manager.users.alice = { sources, ... }: {
    imports = [ (sources.tool + "/home.nix") ];
  };
}
