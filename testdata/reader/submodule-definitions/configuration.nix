# A definition of a submodule is a module: `{ config = …; }`, a function of the instance's
# `name` and `config`, and `imports` define the instance, as lib/modules.nix reads them.
{ lib, config, ... }:
let
  service = lib.types.submodule {
    options.dirs = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
  };
in
{
  imports = [ ./base.nix <impermanence/nixos.nix> ];
  options.my = lib.mkOption { type = service; default = { }; };
  options.apps = lib.mkOption { type = lib.types.attrsOf service; default = { }; };
  config = {
    my = { config.dirs = [ "/var/log" ]; };
    apps.web = { name, ... }: { dirs = [ "/var/lib/${name}" ]; };
    apps.db = { imports = [ { dirs = [ "/var/lib/db" ]; } ]; };
    environment.persistence."/persist".directories =
      config.my.dirs ++ lib.concatMap (a: a.dirs) (lib.attrValues config.apps);
  };
}
