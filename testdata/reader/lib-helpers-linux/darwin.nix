{ environment.persistence."/persist".directories = [ "/var/lib/darwin" ]; }
