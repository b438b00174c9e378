{ environment.persistence."/persist".directories = [ "/srv" ]; }
