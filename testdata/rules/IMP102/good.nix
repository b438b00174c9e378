{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".users.alice.directories = [
    ".config/Signal"
    ".local/share/direnv"
    "Documents"
  ];
  home-manager.users.alice = {
    programs.git.enable = true;
    xdg.configFile."foot/foot.ini".text = "font=monospace";
  };
}
