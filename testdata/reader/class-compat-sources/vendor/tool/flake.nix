{
  outputs = { self }: {
    nixosModules.default = { ... }: {
      environment.persistence."/persist".directories = [ "/var/lib/tool" ];
    };
  };
}
