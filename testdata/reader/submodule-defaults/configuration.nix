{ config, lib, ... }:
let
  entry = lib.types.submodule ({ name, ... }: {
    options.keep = lib.mkOption { type = lib.types.bool; default = true; };
    options.path = lib.mkOption { type = lib.types.str; default = "/var/lib/${name}"; };
  });
in
{
  imports = [ ./base.nix ];
  options.my.services = lib.mkOption { type = lib.types.attrsOf entry; default = { }; };
  config = {
    my.services.iwd = { };
    my.services.docker.keep = false;
    environment.persistence."/persist".directories =
      map (s: s.path) (lib.filter (s: s.keep) (lib.attrValues config.my.services));
  };
}
