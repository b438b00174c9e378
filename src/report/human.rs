//! Human output: codespan-reporting snippets, with a summary line.

use super::Coverage;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceDb, display_path};
use codespan_reporting::diagnostic::{Diagnostic as Cs, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};
use std::collections::HashMap;
use std::io::Write;

pub fn write(
    diags: &[Diagnostic],
    coverage: &Coverage,
    db: &mut SourceDb,
    out: &mut dyn Write,
    color: bool,
) -> std::io::Result<()> {
    let mut files = SimpleFiles::new();
    let mut ids: HashMap<String, Option<usize>> = HashMap::new();
    let mut file_id =
        |db: &mut SourceDb, files: &mut SimpleFiles<String, std::sync::Arc<str>>, path: &str| {
            *ids.entry(path.to_string()).or_insert_with(|| {
                db.get(path)
                    .map(|f| files.add(display_path(path), f.text.clone()))
            })
        };
    let config = Config::default();
    let mut buffer = if color {
        term::termcolor::Buffer::ansi()
    } else {
        term::termcolor::Buffer::no_color()
    };
    for d in diags {
        let mut cs = match d.severity {
            Severity::Error => Cs::error(),
            Severity::Warning => Cs::warning(),
            Severity::Info => Cs::note(),
        }
        .with_code(format!("{} {}", d.code, d.rule))
        .with_message(&d.message);
        let mut notes = Vec::new();
        match &d.at {
            Some(at) => match file_id(db, &mut files, &at.file) {
                Some(id) => {
                    let label = match d.hosts.as_slice() {
                        [] => String::new(),
                        [h] => format!("on host {h}"),
                        hs => format!("on hosts {}", hs.join(", ")),
                    };
                    let mut labels = vec![
                        Label::primary(id, at.start as usize..at.end as usize).with_message(label),
                    ];
                    for r in &d.related {
                        if let Some(rid) = file_id(db, &mut files, &r.at.file) {
                            labels.push(
                                Label::secondary(rid, r.at.start as usize..r.at.end as usize)
                                    .with_message(&r.message),
                            );
                        }
                    }
                    cs = cs.with_labels(labels);
                }
                None => notes.push(format!(
                    "in {} (source not readable)",
                    display_path(&at.file)
                )),
            },
            None => {
                if !d.hosts.is_empty() {
                    notes.push(format!("hosts: {}", d.hosts.join(", ")));
                }
            }
        }
        if let Some(help) = &d.help {
            notes.push(format!("help: {help}"));
        }
        cs = cs.with_notes(notes);
        if term::emit(&mut buffer, &config, &files, &cs).is_err() {
            // A range outside the file (stale facts): still say what was found.
            writeln!(buffer, "{}[{}]: {}", d.severity, d.code, d.message)?;
        }
    }
    out.write_all(buffer.as_slice())?;
    for h in coverage.incomplete() {
        writeln!(out, "note: {} was not read fully:", h.label())?;
        let placed = h.placed(db);
        if placed.is_empty() {
            writeln!(out, "  - some values could not be evaluated")?;
        }
        for u in placed.iter().take(MAX_UNREAD_LINES) {
            writeln!(out, "  - {}", u.describe())?;
        }
        if placed.len() > MAX_UNREAD_LINES {
            writeln!(out, "  - and {} more", placed.len() - MAX_UNREAD_LINES)?;
        }
    }
    let partial = coverage.incomplete().count();
    if partial > 0 {
        writeln!(
            out,
            "note: findings about what is missing are not reported where a host was not read fully; `impermalint check --flake` evaluates it with Nix"
        )?;
    }
    writeln!(out, "{}", summary(diags, coverage))
}

/// Blind spots listed per host in the human report (all of them are in the JSON).
const MAX_UNREAD_LINES: usize = 8;

pub fn summary(diags: &[Diagnostic], coverage: &Coverage) -> String {
    let partial = coverage.incomplete().count();
    let read = if partial == 0 {
        String::new()
    } else {
        format!(
            " ({partial} of {} {} not read fully)",
            coverage.hosts.len(),
            if coverage.hosts.len() == 1 {
                "host"
            } else {
                "hosts"
            }
        )
    };
    summary_counts(diags) + &read
}

fn summary_counts(diags: &[Diagnostic]) -> String {
    let count = |s| diags.iter().filter(|d| d.severity == s).count();
    let (e, w, i) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    if e + w + i == 0 {
        return "no findings".to_string();
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}, {}",
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "info")
    )
}
