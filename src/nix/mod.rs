//! The static frontend: evaluates .nix configurations without Nix.

pub mod builtins;
pub mod eval;
pub mod extract;
pub mod files;
pub mod flake_lock;
pub mod frontend;
pub mod hosts;
pub mod modules;
pub mod value;
