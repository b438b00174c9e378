{ flake.modules.nixos.base = import ../base.nix; }
