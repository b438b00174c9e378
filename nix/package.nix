{ lib, rustPlatform }:
let
  manifest = lib.importTOML ../Cargo.toml;
in
rustPlatform.buildRustPackage {
  pname = manifest.package.name;
  inherit (manifest.package) version;
  src = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.unions [ ../Cargo.toml ../Cargo.lock ../src ../rules ../testdata ../tests ];
  };
  cargoLock.lockFile = ../Cargo.lock;
  meta = {
    description = manifest.package.description;
    license = with lib.licenses; [ mit asl20 ];
    mainProgram = "impermalint";
  };
}
