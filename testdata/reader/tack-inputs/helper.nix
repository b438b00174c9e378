{ lib, ... }:
{
  dirs = lib.optional true "/var/log";
}
