//! The static frontend: evaluates .nix configurations without Nix.

pub mod builtins;
pub mod builtins_more;
pub mod builtins_pure;
pub mod disko;
pub mod eval;
pub mod expr;
pub mod extract;
pub mod files;
pub mod flake_lock;
pub mod flake_parts;
pub mod frontend;
pub mod hosts;
pub mod inputs;
pub mod known_inputs;
pub mod machines;
pub mod modules;
pub mod reads;
pub mod tack;
pub mod types;
pub mod value;
