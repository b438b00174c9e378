{ imports = [ ../../common.nix ./persist.nix ]; }
