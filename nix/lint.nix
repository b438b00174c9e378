# A derivation that lints one NixOS configuration: the facts are written by the shipped
# extractor at evaluation time (builtins.toJSON), and `impermalint check --facts` reads them.
{ config, options, pkgs, package, failOn ? "warning", ignore ? [ ] }:
let
  b = builtins;
  kb = (b.fromTOML (b.readFile ../rules/knowledge.toml)).module;
  entries = scope: map (m: { inherit (m) option; default = m.default or null; })
    (b.filter (m: m ? option && (m.scope or "nixos") == scope) kb);
  host = import ../src/eval/extract.nix {
    inherit config options;
    name = config.networking.hostName or null;
    knowledge = { nixos = entries "nixos"; homeManager = entries "home-manager"; };
  };
  facts = b.toJSON { schema_version = 1; frontend = "nixos-module"; hosts = [ host ]; };
  ignoreFlags = b.concatStringsSep " " (map (c: "--ignore ${c}") ignore);
in
pkgs.runCommand "impermalint-check" {
  inherit facts;
  passAsFile = [ "facts" ];
  nativeBuildInputs = [ package ];
} ''
  impermalint check --facts "$factsPath" --fail-on ${failOn} ${ignoreFlags}
  cp "$factsPath" $out
''
