{ environment.persistence."/persist".directories = [ "/var/lib/linux" ]; }
