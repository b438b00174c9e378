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
        // A finding on a very long line (generated or minified files) is shown in a window
        // around its span: codespan would print the whole line for every finding.
        if let Some(at) = &d.at
            && let Some(text) = db.get(&at.file).map(|f| f.text.clone())
            && line_bounds(&text, at.start as usize).is_some_and(|(a, b)| b - a > MAX_LINE_BYTES)
        {
            clipped(&mut buffer, d, &text, db)?;
            continue;
        }
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

/// Lines longer than this are shown clipped to a window around the finding.
const MAX_LINE_BYTES: usize = 240;
/// The window: bytes shown before the span, and in all.
const WINDOW_BEFORE: usize = 60;
const WINDOW_BYTES: usize = 200;

/// The line around `offset`: its start and end (without the line break).
fn line_bounds(text: &str, offset: usize) -> Option<(usize, usize)> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    Some((start, end))
}

/// The nearest char boundary at or before `i`.
fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A finding on a long line: the codespan layout, with the line cut to a window around the span
/// and secondary places listed as notes.
fn clipped(
    out: &mut term::termcolor::Buffer,
    d: &Diagnostic,
    text: &str,
    db: &mut SourceDb,
) -> std::io::Result<()> {
    let Some(at) = &d.at else { return Ok(()) };
    let (start, end) = (at.start as usize, at.end as usize);
    let (ls, le) = line_bounds(text, start).unwrap_or((0, 0));
    let from = floor_char(text, start.saturating_sub(WINDOW_BEFORE).max(ls));
    let to = floor_char(text, (from + WINDOW_BYTES).min(le));
    let pos = db.position(&at.file, at.start);
    let (line, column) = pos.map_or((0, 0), |p| (p.line, p.column));
    let gutter = " ".repeat(line.to_string().len());
    let shown = &text[from..to];
    let lead = if from > ls { "…" } else { "" };
    let trail = if to < le { "…" } else { "" };
    let pad = text[from..floor_char(text, start.max(from).min(to))]
        .chars()
        .count()
        + lead.chars().count();
    let marks = text[floor_char(text, start.min(to))..floor_char(text, end.min(to))]
        .chars()
        .count()
        .max(1);
    writeln!(out, "{}[{} {}]: {}", d.severity, d.code, d.rule, d.message)?;
    writeln!(
        out,
        "{gutter} ┌─ {}:{line}:{column}",
        display_path(&at.file)
    )?;
    writeln!(out, "{gutter} │")?;
    writeln!(out, "{line} │ {lead}{shown}{trail}")?;
    writeln!(out, "{gutter} │ {}{}", " ".repeat(pad), "^".repeat(marks))?;
    writeln!(out, "{gutter} │")?;
    for r in &d.related {
        let p = db.position(&r.at.file, r.at.start);
        let place = match p {
            Some(p) => format!("{}:{}:{}", display_path(&r.at.file), p.line, p.column),
            None => display_path(&r.at.file),
        };
        writeln!(out, "{gutter} = {place}: {}", r.message)?;
    }
    if let Some(help) = &d.help {
        writeln!(out, "{gutter} = help: {help}")?;
    }
    writeln!(out)
}

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
