# `types.attrsWith { elemType = submodule …; }` is attrsOf: the submodule's defaults apply to
# each entry (hjem declares its users this way).
{ lib, config, ... }:
let
  user = lib.types.submodule {
    options.enable = lib.mkOption { type = lib.types.bool; default = true; };
  };
in
{
  imports = [ ./base.nix <impermanence/nixos.nix> ];
  options.hj.users = lib.mkOption {
    default = { };
    type = lib.types.attrsWith { elemType = user; placeholder = "username"; };
  };
  config = {
    hj.users.alice = { };
    users.users = lib.mapAttrs (_: _: { isNormalUser = true; hashedPasswordFile = "/persist/pw"; })
      (lib.filterAttrs (_: u: u.enable) config.hj.users);
    environment.persistence."/persist".directories = [ "/var/log" ];
  };
}
