{ imports = [ ../persist.nix ./../persist.nix ]; }
