{
  meta.nixpkgs = import <nixpkgs> { };
  defaults = { imports = [ ./base.nix ]; };
  alpha = { environment.persistence."/persist".directories = [ "/var/log" ]; };
  beta = { environment.persistence."/persist".directories = [ "/var/lib/nixos" ]; };
}
