{
  hosts.alpha = { environment.persistence."/persist".directories = [ "/var/log" ]; };
  hosts.beta = { environment.persistence."/persist".directories = [ "/var/lib/beta" ]; };
}
