{ ... }:
{
  imports = [ ../baseline.nix ];
  preservation.enable = true;
  preservation.preserveAt."/persist".files = [
    { file = "/etc/shadow"; inInitrd = true; }
    "/etc/adjtime"
  ];
}
