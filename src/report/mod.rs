//! Reporters: one file per output format, all reading the same resolved diagnostics.

pub mod github;
pub mod human;
pub mod json;
pub mod linemap;
pub mod sarif;

use crate::diagnostic::Diagnostic;
use crate::facts::{Host, Loc};
use crate::source::{SourceDb, display_path};

/// How much of each host was read: every report says it, so a run never reports "no findings"
/// for a configuration it could not read.
#[derive(Debug, Default)]
pub struct Coverage {
    pub hosts: Vec<HostCoverage>,
}

#[derive(Debug)]
pub struct HostCoverage {
    pub name: Option<String>,
    pub complete: bool,
    pub unread: Vec<(String, Option<Loc>)>,
}

/// One blind spot, placed: what, and the file and 1-based line where it was asked for.
pub struct PlacedUnread {
    pub what: String,
    pub file: Option<String>,
    pub line: Option<usize>,
}

impl Coverage {
    pub fn of(hosts: &[Host]) -> Coverage {
        Coverage {
            hosts: hosts
                .iter()
                .map(|h| HostCoverage {
                    name: h.name.clone(),
                    complete: h.complete && h.unread.is_empty(),
                    unread: h
                        .unread
                        .iter()
                        .map(|u| (u.what.clone(), u.at.clone()))
                        .collect(),
                })
                .collect(),
        }
    }

    pub fn incomplete(&self) -> impl Iterator<Item = &HostCoverage> {
        self.hosts.iter().filter(|h| !h.complete)
    }
}

impl HostCoverage {
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("host {n}"),
            None => "the configuration".to_string(),
        }
    }

    pub fn placed(&self, db: &mut SourceDb) -> Vec<PlacedUnread> {
        self.unread
            .iter()
            .map(|(what, at)| PlacedUnread {
                what: what.clone(),
                file: at.as_ref().map(|l| display_path(&l.file)),
                line: at
                    .as_ref()
                    .and_then(|l| db.position(&l.file, l.start))
                    .map(|p| p.line),
            })
            .collect()
    }
}

impl PlacedUnread {
    /// `what (file:line)`.
    pub fn describe(&self) -> String {
        match (&self.file, self.line) {
            (Some(f), Some(l)) => format!("{} ({f}:{l})", self.what),
            (Some(f), None) => format!("{} ({f})", self.what),
            _ => self.what.clone(),
        }
    }
}

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
    pub related: Vec<ResolvedRelated>,
}

/// A secondary place, resolved.
pub struct ResolvedRelated {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl ResolvedRelated {
    /// `message (file:line)`.
    pub fn describe(&self) -> String {
        match self.line {
            Some(l) => format!("{} ({}:{l})", self.message, self.file),
            None => format!("{} ({})", self.message, self.file),
        }
    }
}

pub fn resolve<'d>(diags: &'d [Diagnostic], db: &mut SourceDb) -> Vec<Resolved<'d>> {
    diags
        .iter()
        .map(|d| {
            let related = d
                .related
                .iter()
                .map(|r| {
                    let p = db.position(&r.at.file, r.at.start);
                    ResolvedRelated {
                        file: display_path(&r.at.file),
                        line: p.as_ref().map(|p| p.line),
                        column: p.as_ref().map(|p| p.column),
                        message: r.message.clone(),
                    }
                })
                .collect();
            let Some(at) = &d.at else {
                return Resolved {
                    diag: d,
                    file: None,
                    start: None,
                    end: None,
                    related,
                };
            };
            let start = db.position(&at.file, at.start).map(|p| (p.line, p.column));
            let end = db.position(&at.file, at.end).map(|p| (p.line, p.column));
            Resolved {
                diag: d,
                file: Some(display_path(&at.file)),
                start,
                end,
                related,
            }
        })
        .collect()
}

/// Writes the report in the chosen format to stdout.
pub fn write(
    format: Format,
    diags: &[Diagnostic],
    coverage: &Coverage,
    db: &mut SourceDb,
    out: &mut dyn std::io::Write,
    color: bool,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::write(diags, coverage, db, out, color),
        Format::Json => write_json(&json::to_value(&resolve(diags, db), coverage, db), out),
        Format::Sarif => write_json(&sarif::to_value(&resolve(diags, db), coverage, db), out),
        Format::Github => github::write(&resolve(diags, db), coverage, db, out),
    }
}

/// A JSON document, pretty-printed, with a final newline.
fn write_json(value: &serde_json::Value, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}
