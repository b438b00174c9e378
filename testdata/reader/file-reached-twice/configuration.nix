{ imports = [ ./base.nix ./persist.nix ./sub/more.nix ]; }
