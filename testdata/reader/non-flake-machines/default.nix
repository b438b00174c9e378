# A dispatcher, not a configuration.
{ alpha = import ./machines/alpha; beta = import ./machines/beta; }
