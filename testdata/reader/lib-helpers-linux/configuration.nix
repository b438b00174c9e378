# lib functions and facts real configurations build their persistence lists with.
{ config, lib, pkgs, ... }:
let
  # makeExtensibleWithCustomName: makeExtensible whose `extend` has another name.
  ext = lib.makeExtensibleWithCustomName "override" (final: { dirs = [ "/var/lib/ext" ]; });
  extended = ext.override (final: prev: { dirs = prev.dirs ++ [ "/var/lib/ext2" ]; });
in
{
  # A NixOS system runs on Linux.
  imports = [ ./base.nix ] ++ lib.optionals pkgs.stdenv.isLinux [ ./linux.nix ]
    ++ lib.optionals pkgs.stdenv.isDarwin [ ./darwin.nix ];
  environment.persistence."/persist".directories =
    # ifilter0 drops the items its predicate rejects.
    lib.ifilter0 (i: v: v != null && i < 3) [ "/var/lib/a" null "/var/lib/c" "/var/lib/d" ]
    # nameFromURL: the file name up to the separator.
    ++ [ ("/var/lib/" + lib.strings.nameFromURL "https://example.org/x/tool-1.2.tar.gz" "-") ]
    # type.check of a known value.
    ++ lib.optional (!lib.types.str.check null) "/var/lib/checked"
    ++ lib.optional ((lib.types.nullOr lib.types.str).check null) "/var/lib/nullable"
    ++ extended.dirs;
}
