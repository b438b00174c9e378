{ environment.persistence."/persist".directories = [ "/var/log" "/var/lib/nixos" ]; }
