//! `--format sarif`: SARIF 2.1.0, for code scanning uploads.

use super::{Coverage, Resolved};
use crate::diagnostic::Severity;
use crate::rules;
use crate::source::SourceDb;
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn to_value(items: &[Resolved], coverage: &Coverage, db: &mut SourceDb) -> Value {
    // What could not be read, as tool notifications of the run.
    let notifications: Vec<Value> = coverage
        .incomplete()
        .map(|h| {
            let what: Vec<String> = h.placed(db).iter().map(|u| u.describe()).collect();
            json!({
                "level": "note",
                "message": { "text": format!("{} was not read fully: {}", h.label(), what.join("; ")) },
            })
        })
        .collect();
    let rule_defs: Vec<Value> = rules::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary() },
                "fullDescription": { "text": r.summary() },
                "help": { "text": r.doc, "markdown": r.doc },
                "defaultConfiguration": { "level": level(r.severity()) },
            })
        })
        .collect();
    let results: Vec<Value> = items
        .iter()
        .map(|r| {
            let d = r.diag;
            let index = rules::ALL.iter().position(|x| x.code == d.code);
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": index,
                "level": level(d.severity),
                "message": { "text": text },
            });
            if let (Some(file), Some((sl, sc))) = (&r.file, r.start) {
                let (el, ec) = r.end.unwrap_or((sl, sc));
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": file.replace('\\', "/") },
                        "region": { "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec },
                    }
                }]);
            }
            if let Some(host) = &d.host {
                result["properties"] = json!({ "host": host, "hosts": d.hosts });
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "impermalint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_defs,
            }},
            "results": results,
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
        }],
    })
}

pub fn write(
    items: &[Resolved],
    coverage: &Coverage,
    db: &mut SourceDb,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(items, coverage, db))?;
    writeln!(out)
}
