//! Command-line arguments as written (validated, not interpreted): `app` resolves them.

use crate::report::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "impermalint",
    version,
    about = "Lints NixOS configurations with an ephemeral root (impermanence, preservation)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a configuration and report findings.
    Check(CheckArgs),
    /// Print the facts impermalint reads from a configuration, as JSON.
    Facts(FactsArgs),
    /// List the rules.
    Rules {
        /// text (a table) or json (one document: code, name, severity, summary, documentation).
        #[arg(long, value_enum, default_value = "text")]
        format: RulesFormat,
    },
    /// Print the documentation of a rule (by code or name).
    Explain {
        /// A rule code (IMP101) or name (persist-hides-etc).
        rule: String,
    },
    /// Run the language server (LSP over stdin and stdout) for editors.
    Lsp,
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// A configuration folder or .nix file, read without Nix (default: the current folder).
    #[arg(conflicts_with_all = ["facts", "flake", "file"])]
    pub path: Option<PathBuf>,
    /// Read facts JSON (from `impermalint facts` or the NixOS module) instead of .nix files.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["flake", "file"])]
    pub facts: Option<PathBuf>,
    /// Evaluate a flake's nixosConfigurations with Nix: REF (every host) or REF#HOST.
    #[arg(long, value_name = "REF[#HOST]", conflicts_with = "file")]
    pub flake: Option<String>,
    /// Evaluate a configuration.nix with Nix, as <nixpkgs/nixos> does.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Seconds one host's evaluation may take (with --flake or --file).
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub timeout: u64,
    /// Only this host (a flake's nixosConfigurations name).
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
    /// Also read files below this folder (repeatable). Without it, only the checked tree is
    /// read: the folder given, or the git work tree that contains it.
    #[arg(long = "allow-path", value_name = "DIR")]
    pub allow_path: Vec<PathBuf>,
    /// Read the flake input NAME from DIR (repeatable), as Nix's --override-input: its modules
    /// are then checked instead of reported as unread. NAME may also be the URL a fetcher
    /// fetches (fetchTarball, npins, niv).
    #[arg(long = "input", value_name = "NAME=DIR", value_parser = crate::nix::inputs::parse_override)]
    pub inputs: Vec<(String, PathBuf)>,
    /// Read the flake inputs locked in flake.lock from the local Nix store where they are
    /// present (after a build or `nix flake archive`).
    #[arg(long)]
    pub inputs_from_store: bool,
    /// Read the absolute path PATH, where the configuration expects its own files on the
    /// machine (`imports = [ /etc/nixos/common.nix ]`), from DIR (repeatable): for a checkout
    /// somewhere else, such as in CI.
    #[arg(long = "path-map", value_name = "PATH=DIR", value_parser = crate::nix::inputs::parse_path_map)]
    pub path_map: Vec<(PathBuf, PathBuf)>,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Only these rules (codes, code prefixes like IMP2, or names; comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Skip these rules (codes, code prefixes or names; comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Exit with status 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value = "warning")]
    pub fail_on: FailOn,
    /// Use this config file instead of searching for impermalint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore impermalint.toml files.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Report every finding, whatever `# impermalint: allow(…)` comments say.
    #[arg(long)]
    pub no_suppress: bool,
    /// Apply the mechanical fixes (the editor's quick fixes) to the files, then report what
    /// remains. A file that would not parse after the edits is left as it is.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Show the mechanical fixes as a unified diff, without writing.
    #[arg(long)]
    pub diff: bool,
    /// Write the report to FILE (atomically) instead of stdout; a one-line summary still goes
    /// to stderr.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct FactsArgs {
    #[command(flatten)]
    pub input: InputArgs,
}
