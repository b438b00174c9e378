//! `--format json`: one document per run, as DESIGN.md's JSON contract says.

use super::Resolved;
use serde_json::{Value, json};

pub const VERSION: u32 = 1;

pub fn to_value(items: &[Resolved]) -> Value {
    let diagnostics: Vec<Value> = items
        .iter()
        .map(|r| {
            let d = r.diag;
            json!({
                "code": d.code,
                "rule": d.rule,
                "severity": d.severity.as_str(),
                "message": d.message,
                "file": r.file,
                "line": r.start.map(|p| p.0),
                "column": r.start.map(|p| p.1),
                "end_line": r.end.map(|p| p.0),
                "end_column": r.end.map(|p| p.1),
                "host": d.host,
                "help": d.help,
            })
        })
        .collect();
    json!({ "version": VERSION, "diagnostics": diagnostics })
}

pub fn write(items: &[Resolved], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(items))?;
    writeln!(out)
}
