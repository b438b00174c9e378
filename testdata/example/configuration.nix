# An example configuration with an ephemeral root and some classic mistakes.
# `impermalint check testdata/example` reports them.
{ config, lib, ... }:
{
  imports = [
    ./hardware-configuration.nix
    ./persist.nix
  ];

  networking.hostName = "example";
  boot.initrd.systemd.enable = true;

  services.openssh.enable = true;
  networking.networkmanager.enable = true;

  users.users.alice = {
    isNormalUser = true;
    extraGroups = [ "wheel" "networkmanager" ];
  };
}
