{ ... }:
{
  imports = [ ../baseline.nix ];
  users.users.erin = {
    isNormalUser = true;
    password = "hunter2"; # expect: IMP303
  };
  users.users.frank = {
    isNormalUser = true;
    initialPassword = "changeme"; # expect: IMP303
  };
}
