{ ... }: { home.stateVersion = "25.05"; }
