//! `--format json`: one document per run, as DESIGN.md's JSON contract says.

use super::{Coverage, Resolved};
use crate::source::SourceDb;
use serde_json::{Value, json};

pub const VERSION: u32 = 1;

pub fn to_value(items: &[Resolved], coverage: &Coverage, db: &mut SourceDb) -> Value {
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
                "hosts": d.hosts,
                "help": d.help,
                "fix": d.fix.as_ref().map(|f| &f.title),
                "related": r.related.iter().map(|x| json!({
                    "file": x.file,
                    "line": x.line,
                    "column": x.column,
                    "message": x.message,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let hosts: Vec<Value> = coverage
        .hosts
        .iter()
        .map(|h| {
            let unread: Vec<Value> = h
                .placed(db)
                .into_iter()
                .map(|u| json!({ "what": u.what, "file": u.file, "line": u.line }))
                .collect();
            json!({ "name": h.name, "complete": h.complete, "unread": unread })
        })
        .collect();
    json!({ "version": VERSION, "diagnostics": diagnostics, "hosts": hosts })
}
