{ flake.modules.nixos.base.environment.persistence."/persist".directories = [ "/var/log" ]; }
