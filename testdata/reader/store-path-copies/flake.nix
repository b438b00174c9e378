{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    impermanence.url = "github:nix-community/impermanence";
  };
  outputs = { self, nixpkgs, impermanence, ... }:
    let
      lib = nixpkgs.lib;
      # A file copied to the store under another name is still that file.
      file = name: builtins.path { path = self.outPath + "/${name}"; name = lib.replaceStrings [ "/" ] [ "__" ] name; };
    in {
      nixosConfigurations.alpha = lib.nixosSystem {
        modules = [
          impermanence.nixosModules.impermanence
          ./base.nix
          (file "hosts/alpha.nix")
          {
            # `lib.imap` is the old name of imap1.
            users.users = builtins.listToAttrs (lib.imap (i: name: {
              inherit name;
              value = { uid = 1000 + i; isNormalUser = true; hashedPasswordFile = "/persist/pw"; };
            }) [ "alice" ]);
          }
        ];
      };
    };
}
