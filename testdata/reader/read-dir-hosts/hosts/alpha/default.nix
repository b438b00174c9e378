{ hostName, ... }: { networking.hostName = hostName; environment.persistence."/persist".directories = [ "/var/log" ]; }
