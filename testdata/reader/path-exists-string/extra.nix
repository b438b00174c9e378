{ ... }: { environment.persistence."/persist".directories = [ "/var/lib/extra" ]; }
