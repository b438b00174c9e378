{ ... }:
{
  imports = [ ../baseline.nix ];
  environment.persistence."/persist".directories = [ "/var/lib/bluetooth" ]
  users.users.root.hashedPasswordFile = "/persist/root.hash"; # expect: IMP001
}
