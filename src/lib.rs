//! impermalint: a linter for NixOS configurations with an ephemeral root.
//!
//! Frontends build [`facts`] (the static evaluator in [`nix`], or saved facts JSON); [`rules`]
//! turn facts into [`diagnostic`]s; [`report`] renders them.

pub mod access;
pub mod analysis;
pub mod app;
pub mod cli;
pub mod diagnostic;
pub mod eval;
pub mod facts;
pub mod fix;
pub mod knowledge;
pub mod lsp;
pub mod nix;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod timeline;
pub mod timing;
