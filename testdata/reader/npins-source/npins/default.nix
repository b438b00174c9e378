let
  data = builtins.fromJSON (builtins.readFile ./sources.json);
in builtins.mapAttrs (name: pin: { outPath = builtins.fetchTarball { url = pin.url; }; }) data.pins
