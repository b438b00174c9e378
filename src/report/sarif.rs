//! `--format sarif`: SARIF 2.1.0, for code scanning uploads.

use super::{Coverage, Resolved};
use crate::diagnostic::Severity;
use crate::rules;
use crate::source::SourceDb;
use serde_json::{Value, json};

/// The base a relative artifact URI resolves against: the folder impermalint ran in.
const SRCROOT: &str = "%SRCROOT%";

/// A path as a URI reference: every byte outside the unreserved set and `/` percent-encoded
/// (RFC 3986), so spaces, `%` and non-ASCII names are valid.
fn percent_encode(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// An artifact location: relative to %SRCROOT% when the file is below the current folder,
/// else an absolute file URI.
fn artifact(file: &str) -> Value {
    if std::path::Path::new(file).is_absolute() {
        json!({ "uri": format!("file://{}", percent_encode(file)) })
    } else {
        json!({ "uri": percent_encode(file), "uriBaseId": SRCROOT })
    }
}

/// FNV-1a, 64 bits: a fingerprint stable across runs, platforms and compiler versions.
fn fnv1a(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The "Why is this bad?" section of a rule's document.
fn why(doc: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in doc.lines() {
        if line.starts_with("## ") {
            inside = line.trim() == "## Why is this bad?";
            continue;
        }
        if inside {
            out.push(line);
        }
    }
    out.join("\n").trim().to_string()
}

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
                "fullDescription": { "text": why(r.doc) },
                "help": { "text": r.doc, "markdown": r.doc },
                "defaultConfiguration": { "level": level(r.severity()) },
                "properties": { "tags": ["impermanence", "nixos"] },
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
                        "artifactLocation": artifact(file),
                        "region": { "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec },
                    }
                }]);
                // Stable across runs and edits elsewhere in the file: the rule, the file, and
                // the text of the finding's own span (not its line number).
                let snippet = d
                    .at
                    .as_ref()
                    .and_then(|at| {
                        db.get(&at.file).map(|f| {
                            let t = &f.text;
                            let (a, b) = (at.start as usize, at.end as usize);
                            t.get(a.min(t.len())..b.min(t.len())).unwrap_or("").trim().to_string()
                        })
                    })
                    .unwrap_or_default();
                result["partialFingerprints"] =
                    json!({ "impermalint/v1": fnv1a(&[d.code, file, &snippet, &d.message]) });
            }
            if !r.related.is_empty() {
                result["relatedLocations"] = Value::Array(
                    r.related
                        .iter()
                        .enumerate()
                        .map(|(i, x)| {
                            let mut loc = json!({
                                "id": i,
                                "message": { "text": x.message },
                                "physicalLocation": { "artifactLocation": artifact(&x.file) },
                            });
                            if let (Some(l), Some(c)) = (x.line, x.column) {
                                loc["physicalLocation"]["region"] =
                                    json!({ "startLine": l, "startColumn": c });
                            }
                            loc
                        })
                        .collect(),
                );
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
                // A rule (reportingDescriptor) has no fullName in SARIF 2.1.0; the tool has.
                "fullName": concat!("impermalint ", env!("CARGO_PKG_VERSION")),
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_defs,
            }},
            "results": results,
            "columnKind": "unicodeCodePoints",
            "automationDetails": { "id": "impermalint/" },
            "originalUriBaseIds": {
                SRCROOT: { "uri": format!("file://{}/", percent_encode(&cwd())) },
            },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
        }],
    })
}

fn cwd() -> String {
    std::env::current_dir()
        .map(|d| d.to_string_lossy().trim_end_matches('/').to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(percent_encode("a b/é%.nix"), "a%20b/%C3%A9%25.nix");
        assert_eq!(artifact("x y.nix")["uriBaseId"], SRCROOT);
        assert_eq!(artifact("/t/x y.nix")["uri"], "file:///t/x%20y.nix");
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fnv1a(&["IMP101", "a.nix"]), fnv1a(&["IMP101", "a.nix"]));
        assert_ne!(fnv1a(&["IMP101", "a.nix"]), fnv1a(&["IMP101a", ".nix"]));
    }
}
