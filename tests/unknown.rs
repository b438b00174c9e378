//! Unknown never makes a finding: for every rule fixture's facts, turning any one fact into
//! Unknown (a value removed, a list marked incomplete) must not produce a finding that was not
//! there before. This is what "rules never guess from an unknown" means, checked for every rule
//! on every fact its fixtures have.

use impermalint::app::lint;
use impermalint::facts::FactsDocument;
use impermalint::settings::Settings;
use impermalint::source::SourceDb;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

type Finding = (String, String, String);

fn findings(doc: &Value) -> Option<BTreeSet<Finding>> {
    let facts: FactsDocument = serde_json::from_value(doc.clone()).ok()?;
    let mut sources = SourceDb::default();
    let diags = lint(&facts.hosts, &Settings::default(), &mut sources);
    Some(
        diags
            .into_iter()
            .map(|d| {
                (
                    d.code.to_string(),
                    format!("{:?}", d.at),
                    d.host.unwrap_or_default(),
                )
            })
            .collect(),
    )
}

/// Every way to make one fact unknown: JSON pointers to a `value` to remove, or to a
/// `complete` to set false.
fn mutations(v: &Value, here: String, out: &mut Vec<(String, bool)>) {
    match v {
        Value::Object(map) => {
            if map.contains_key("value") && map.len() <= 2 {
                out.push((format!("{here}/value"), true));
            }
            if matches!(map.get("complete"), Some(Value::Bool(true))) {
                out.push((format!("{here}/complete"), false));
            }
            for (k, child) in map {
                mutations(
                    child,
                    format!("{here}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                mutations(child, format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn apply(doc: &Value, pointer: &str, remove: bool) -> Value {
    let mut d = doc.clone();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    if let Some(Value::Object(map)) = d.pointer_mut(parent) {
        if remove {
            map.remove(key);
        } else {
            map.insert(key.to_string(), Value::Bool(false));
        }
    }
    d
}

#[test]
fn an_unknown_fact_never_makes_a_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut fixtures = Vec::new();
    for rule in std::fs::read_dir(&root).unwrap().flatten() {
        for f in std::fs::read_dir(rule.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if f.path().to_string_lossy().ends_with(".facts.json") {
                fixtures.push(f.path());
            }
        }
    }
    fixtures.sort();
    assert!(fixtures.len() > 50, "only {} fixtures", fixtures.len());
    let mut problems = Vec::new();
    let mut tried = 0;
    for f in &fixtures {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let Some(before) = findings(&doc) else {
            problems.push(format!("{}: does not load", f.display()));
            continue;
        };
        let mut ms = Vec::new();
        mutations(&doc, String::new(), &mut ms);
        for (pointer, remove) in ms {
            let mutated = apply(&doc, &pointer, remove);
            let Some(after) = findings(&mutated) else {
                continue;
            };
            tried += 1;
            for new in after.difference(&before) {
                problems.push(format!(
                    "{}: making {pointer} unknown adds {} at {}",
                    f.file_name().unwrap().to_string_lossy(),
                    new.0,
                    new.1
                ));
            }
        }
    }
    eprintln!(
        "{tried} facts made unknown over {} fixtures",
        fixtures.len()
    );
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} findings from unknown facts:\n{}",
        problems.len(),
        problems
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
