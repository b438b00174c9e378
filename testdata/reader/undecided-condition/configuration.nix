# A block under a condition that cannot be decided: the blind spot is the condition's line.
{ config, lib, ... }:
{
  imports = [ ./fs.nix ];
  config = lib.mkIf (import <persist-flag>) {
    preservation.preserveAt."/persistent".directories = [ "/var/log" ];
  };
}
