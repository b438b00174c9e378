//! Reporters: one file per output format, all reading the same resolved diagnostics.

pub mod github;
pub mod human;
pub mod json;
pub mod linemap;
pub mod sarif;

use crate::diagnostic::Diagnostic;
use crate::source::{SourceDb, display_path};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

/// A diagnostic with its place resolved to a displayable file and 1-based lines and columns.
pub struct Resolved<'d> {
    pub diag: &'d Diagnostic,
    pub file: Option<String>,
    pub start: Option<(usize, usize)>,
    pub end: Option<(usize, usize)>,
}

pub fn resolve<'d>(diags: &'d [Diagnostic], db: &mut SourceDb) -> Vec<Resolved<'d>> {
    diags
        .iter()
        .map(|d| {
            let Some(at) = &d.at else {
                return Resolved {
                    diag: d,
                    file: None,
                    start: None,
                    end: None,
                };
            };
            let start = db.position(&at.file, at.start).map(|p| (p.line, p.column));
            let end = db.position(&at.file, at.end).map(|p| (p.line, p.column));
            Resolved {
                diag: d,
                file: Some(display_path(&at.file)),
                start,
                end,
            }
        })
        .collect()
}

/// Writes the report in the chosen format to stdout.
pub fn write(
    format: Format,
    diags: &[Diagnostic],
    db: &mut SourceDb,
    out: &mut dyn std::io::Write,
    color: bool,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::write(diags, db, out, color),
        Format::Json => json::write(&resolve(diags, db), out),
        Format::Sarif => sarif::write(&resolve(diags, db), out),
        Format::Github => github::write(&resolve(diags, db), out),
    }
}
