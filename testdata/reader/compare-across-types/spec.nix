# A module built from a spec whose parts may be null, a function or a value: `x == null` must be
# false for a function and for `lib.mkIf …` (an attribute set in Nix), not unknown.
let
  resolve = fallback: x: args:
    let
      r =
        if x == null then null
        else if builtins.isFunction x then x args
        else x;
    in
    if r == null then fallback else r;
in
spec: { lib, ... }@args: {
  config = resolve { } (spec.config or null) args;
}
