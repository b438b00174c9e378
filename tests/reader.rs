//! Reading real configurations: one small reproduction per pattern seen in public
//! configurations (testdata/reader/<case>/), each with expect.json naming, per host (`""` for an
//! unnamed one), whether it is read completely, what it persists, its users, the third-party
//! modules recognised, words its blind spots must (and must not) mention and the lines they
//! point at.

use impermalint::facts::Host;
use serde_json::Value;
use std::path::Path;

fn persisted(h: &Host) -> Vec<String> {
    h.persistence
        .iter()
        .flat_map(|r| r.entries.iter())
        .filter_map(|e| e.path.as_str().map(str::to_string))
        .collect()
}

/// The line a location starts on.
fn line_of(l: &impermalint::facts::Loc) -> usize {
    let file = if Path::new(&l.file).is_absolute() {
        std::path::PathBuf::from(&l.file)
    } else {
        std::env::current_dir().unwrap().join(&l.file)
    };
    let text = std::fs::read_to_string(file).unwrap_or_default();
    1 + text[..(l.start as usize).min(text.len())]
        .matches('\n')
        .count()
}

fn check_case(dir: &Path) -> Vec<String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let expect: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expect.json")).unwrap()).unwrap();
    // "inputs": flake inputs read from folders of the case, as `--input NAME=DIR` does.
    let mut opts = impermalint::nix::inputs::ReadOptions::default();
    if let Some(inputs) = expect.get("inputs").and_then(Value::as_object) {
        for (input, rel) in inputs {
            let rel = rel.as_str().unwrap();
            opts.inputs.overrides.push((input.clone(), dir.join(rel)));
        }
    }
    // "path_map": absolute paths of the machine read from folders of the case (`--path-map`).
    if let Some(map) = expect.get("path_map").and_then(Value::as_object) {
        for (from, rel) in map {
            let rel = rel.as_str().unwrap();
            opts.path_map.push((from.into(), dir.join(rel)));
        }
    }
    let loaded = match impermalint::nix::frontend::load_with(dir, &opts) {
        Ok(l) => l,
        Err(e) => return vec![format!("{name}: does not load: {e}")],
    };
    let mut problems = Vec::new();
    let mut expected = expect.as_object().unwrap().clone();
    expected.remove("inputs");
    expected.remove("path_map");
    let found: Vec<String> = loaded
        .hosts
        .iter()
        .map(|h| h.name.clone().unwrap_or_default())
        .collect();
    let mut wanted: Vec<&String> = expected.keys().collect();
    wanted.sort();
    let mut got: Vec<&String> = found.iter().collect();
    got.sort();
    if wanted != got {
        problems.push(format!("{name}: hosts {got:?}, expected {wanted:?}"));
        return problems;
    }
    for h in &loaded.hosts {
        let key = h.name.clone().unwrap_or_default();
        let e = &expected[&key];
        let unread: Vec<&str> = h.unread.iter().map(|u| u.what.as_str()).collect();
        if let Some(c) = e.get("complete").and_then(Value::as_bool) {
            let complete = h.complete && h.unread.is_empty();
            if complete != c {
                problems.push(format!(
                    "{name}/{key}: complete is {complete}, expected {c}; unread: {unread:?}"
                ));
            }
        }
        if let Some(list) = e.get("persisted").and_then(Value::as_array) {
            let mut want: Vec<String> = list
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            let mut have = persisted(h);
            want.sort();
            have.sort();
            have.dedup();
            if want != have {
                problems.push(format!(
                    "{name}/{key}: persisted {have:?}, expected {want:?}"
                ));
            }
        }
        // Where each persisted path was written: the line of the literal it came from.
        if let Some(lines) = e.get("lines").and_then(Value::as_object) {
            for (path, want) in lines {
                let at = h
                    .persistence
                    .iter()
                    .flat_map(|r| r.entries.iter())
                    .find(|x| x.path.as_str() == Some(path))
                    .and_then(|x| x.path.at.clone());
                let line = at.as_ref().map(line_of);
                if line != want.as_u64().map(|n| n as usize) {
                    problems.push(format!(
                        "{name}/{key}: {path} written at line {line:?}, expected {want}"
                    ));
                }
            }
        }
        // Words no blind spot may contain.
        if let Some(list) = e.get("not_unread").and_then(Value::as_array) {
            for w in list {
                let w = w.as_str().unwrap();
                if let Some(u) = unread.iter().find(|u| u.contains(w)) {
                    problems.push(format!("{name}/{key}: blind spot {u:?} mentions {w:?}"));
                }
            }
        }
        // The lines the blind spots point at.
        if let Some(list) = e.get("unread_lines").and_then(Value::as_array) {
            let have: Vec<usize> = h
                .unread
                .iter()
                .filter_map(|u| u.at.as_ref())
                .map(line_of)
                .collect();
            for want in list {
                let want = want.as_u64().unwrap() as usize;
                if !have.contains(&want) {
                    problems.push(format!(
                        "{name}/{key}: no blind spot at line {want}: {have:?}"
                    ));
                }
            }
        }
        if let Some(list) = e.get("users").and_then(Value::as_array) {
            for u in list {
                let u = u.as_str().unwrap();
                if !h.users.users.iter().any(|x| x.name == u) {
                    problems.push(format!("{name}/{key}: no user {u}"));
                }
            }
        }
        if let Some(list) = e.get("modules").and_then(Value::as_array) {
            for m in list {
                let m = m.as_str().unwrap();
                if !h.modules.iter().any(|x| x == m) {
                    problems.push(format!(
                        "{name}/{key}: module {m} not recognised ({:?})",
                        h.modules
                    ));
                }
            }
        }
        if let Some(list) = e.get("unread").and_then(Value::as_array) {
            for w in list {
                let w = w.as_str().unwrap();
                if !unread.iter().any(|u| u.contains(w)) {
                    problems.push(format!(
                        "{name}/{key}: no blind spot mentions {w:?}: {unread:?}"
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn real_configuration_patterns() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/reader");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "only {} cases", cases.len());
    let problems: Vec<String> = cases.iter().flat_map(|c| check_case(c)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
