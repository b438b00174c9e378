{ imports = [ ../../common.nix ]; environment.persistence."/persist".directories = [ "/srv/data" ]; }
