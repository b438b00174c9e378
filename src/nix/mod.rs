//! The static frontend: evaluates .nix configurations without Nix.
pub mod frontend;
