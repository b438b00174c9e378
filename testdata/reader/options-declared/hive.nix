# colmena adds its `deployment` options to every node; a module that sets them only where they
# exist (`options ? deployment`) must be read, and so must one asking about an option the
# configuration declares itself.
{
  meta.nixpkgs = <nixpkgs>;
  web = { config, lib, options, ... }: {
    imports = [ ./common.nix ];
    config = if options ? deployment then {
      deployment.targetPort = 2222;
      environment.persistence."/persist".directories = [ "/var/lib/nixos" ];
    } else { };
  };
}
