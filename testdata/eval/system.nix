# configuration.nix as NixOS evaluates it, in the shape the extractor reads: `config` with the
# merged values (submodule entries coerced, defaults applied) and `options` with
# definitionsWithLocations. No nixpkgs needed.
let
  def = file: value: { inherit file value; };
  noPassword = {
    hashedPasswordFile = null;
    hashedPassword = null;
    password = null;
    initialPassword = null;
    initialHashedPassword = null;
    openssh.authorizedKeys = { keys = [ ]; keyFiles = [ ]; };
  };
  dir = d: { directory = d; user = "root"; group = "root"; mode = "0755"; };
in
{
  config = {
    networking.hostName = "alpha";
    fileSystems = {
      "/" = { device = "none"; fsType = "tmpfs"; options = [ "mode=755" ]; neededForBoot = false; };
      "/persist" = { device = "/dev/sda2"; fsType = "ext4"; options = [ "defaults" ]; neededForBoot = true; };
      "/nix" = { device = "/dev/sda3"; fsType = "ext4"; options = [ "defaults" ]; neededForBoot = false; };
    };
    boot.initrd = {
      systemd.enable = true;
      systemd.services = { };
      postDeviceCommands = "";
      postMountCommands = "";
    };
    boot.tmp.cleanOnBoot = false;
    services.openssh = {
      enable = true;
      hostKeys = [
        { path = "/etc/ssh/ssh_host_ed25519_key"; type = "ed25519"; }
        { path = "/etc/ssh/ssh_host_rsa_key"; type = "rsa"; bits = 4096; }
      ];
    };
    networking.networkmanager.enable = false;
    users.mutableUsers = true;
    users.users = {
      root = noPassword // { isNormalUser = false; home = "/root"; };
      bob = noPassword // { isNormalUser = true; home = "/home/bob"; };
      carol = noPassword // { isNormalUser = true; home = "/home/carol"; hashedPasswordFile = "/var/lib/secrets/carol"; };
    };
    environment.persistence."/persist" = {
      enable = true;
      persistentStoragePath = "/persist";
      hideMounts = false;
      directories = map dir [ "/var/log" "/var/lib/nixos" "/etc/ssh" "/var/lib/secrets" ];
      files = [ { file = "/etc/machine-id"; parentDirectory = dir "/etc"; } ];
      users = { };
    };
    environment.etc = {
      "ssh/sshd_config" = { target = "ssh/sshd_config"; enable = true; source = "/nix/store/00000000000000000000000000000000-sshd.conf"; };
    };
    systemd.services = {
      sshd.serviceConfig = { Type = "notify"; };
      # A value that throws: that piece is unknown, the rest is read.
      broken = throw "this service does not evaluate";
    };
    programs.fuse.userAllowOther = false;
  };
  options = {
    fileSystems.definitionsWithLocations = [ (def ./configuration.nix { "/" = { }; "/persist" = { }; "/nix" = { }; }) ];
    boot.initrd.systemd.enable.definitionsWithLocations = [ (def ./configuration.nix true) ];
    services.openssh.enable.definitionsWithLocations = [ (def ./configuration.nix true) ];
    users.users.definitionsWithLocations = [ (def ./configuration.nix { bob = { }; carol = { }; }) ];
    environment.persistence.definitionsWithLocations = [ (def ./persist.nix { "/persist" = { }; }) ];
    environment.etc.definitionsWithLocations = [ ];
  };
}
