{ flake, ... }:
let
  inherit (flake) inputs;
  inherit (inputs) self;
in
{
  imports = [
    self.nixosModules.default
    (self + /modules/nixos/extra.nix)
  ];
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; };
  users.users.bob.isNormalUser = true;
}
