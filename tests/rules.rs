//! Per-rule fixtures in testdata/rules/<CODE>/: every `bad*.nix` must produce exactly the
//! findings of that rule marked `# expect: CODE` on their lines; every `good*.nix` none of that
//! rule. Each fixture is checked through the static frontend and through its saved facts JSON
//! (`*.facts.json`, regenerated with UPDATE_FIXTURES=1), and the rendered human and JSON output
//! of the bad fixtures is snapshotted.

use impermalint::app::{lint, read_facts};
use impermalint::diagnostic::Diagnostic;
use impermalint::facts::{FactsDocument, SCHEMA_VERSION};
use impermalint::report::{self, Format};
use impermalint::settings::Settings;
use impermalint::source::SourceDb;
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules")
}

/// (line, code) of every `# expect: CODE[, CODE]` marker.
fn markers(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(pos) = line.find("# expect:") {
            for code in line[pos + 9..].split(',') {
                out.push((i + 1, code.trim().to_string()));
            }
        }
    }
    out
}

struct Run {
    diags: Vec<Diagnostic>,
    sources: SourceDb,
    coverage: report::Coverage,
}

fn run_static(file: &Path) -> (Run, FactsDocument) {
    let mut loaded = impermalint::nix::frontend::load(file).expect("fixture loads");
    let diags = lint(&loaded.hosts, &Settings::default(), &mut loaded.sources);
    let coverage = report::Coverage::of(&loaded.hosts);
    let doc = FactsDocument {
        schema_version: SCHEMA_VERSION,
        frontend: "static".into(),
        hosts: loaded.hosts,
    };
    (
        Run {
            coverage,
            diags,
            sources: loaded.sources,
        },
        doc,
    )
}

/// Line ranges of the findings of `code` in `file`.
fn lines_of(run: &mut Run, code: &str, file: &Path) -> Vec<(usize, usize)> {
    let file = file.to_string_lossy().into_owned();
    let mut out = Vec::new();
    for d in run.diags.iter().filter(|d| d.code == code) {
        let at =
            d.at.as_ref()
                .unwrap_or_else(|| panic!("{code} finding without a location: {}", d.message));
        assert_eq!(
            at.file, file,
            "{code} finding in another file: {}",
            d.message
        );
        let start = run
            .sources
            .position(&at.file, at.start)
            .expect("source readable")
            .line;
        let end = run
            .sources
            .position(&at.file, at.end)
            .expect("source readable")
            .line;
        out.push((start, end));
    }
    out
}

fn check_expectations(
    run: &mut Run,
    code: &str,
    file: &Path,
    text: &str,
    via: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    let expected: Vec<usize> = markers(text)
        .into_iter()
        .filter(|(_, c)| c == code)
        .map(|(l, _)| l)
        .collect();
    let found = lines_of(run, code, file);
    for line in &expected {
        if !found.iter().any(|(s, e)| s <= line && line <= e) {
            problems.push(format!(
                "{via}: {}:{line}: expected {code}, not reported",
                file.display()
            ));
        }
    }
    for (s, e) in &found {
        if !expected.iter().any(|l| s <= l && l <= e) {
            let msg = run
                .diags
                .iter()
                .find(|d| d.code == code)
                .map(|d| d.message.clone())
                .unwrap_or_default();
            problems.push(format!(
                "{via}: {}:{s}-{e}: unexpected {code}: {msg}",
                file.display()
            ));
        }
    }
    problems
}

/// Compares (or with UPDATE_FIXTURES=1 rewrites) the saved facts of a fixture.
fn check_facts_fixture(nix: &Path, doc: &FactsDocument) -> Result<PathBuf, String> {
    let saved = nix.with_extension("facts.json");
    let dir = nix.parent().unwrap();
    let mut json = serde_json::to_string_pretty(doc).unwrap();
    // Saved fixtures hold paths relative to their folder (the shared baseline is one up), so
    // they do not depend on where the repository is checked out.
    json = json.replace(&format!("\"{}/", dir.display()), "\"");
    json = json.replace(&format!("\"{}/", dir.parent().unwrap().display()), "\"../");
    json.push('\n');
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&saved, &json).unwrap();
        return Ok(saved);
    }
    let old = std::fs::read_to_string(&saved).map_err(|_| {
        format!(
            "{} is missing: run UPDATE_FIXTURES=1 cargo test --test rules",
            saved.display()
        )
    })?;
    if old != json {
        return Err(format!(
            "{} differs from what the static frontend reads from {}: review the change, then run \
             UPDATE_FIXTURES=1 cargo test --test rules",
            saved.display(),
            nix.display()
        ));
    }
    Ok(saved)
}

fn render(run: &mut Run, format: Format) -> String {
    let mut out = Vec::new();
    report::write(
        format,
        &run.diags,
        &run.coverage,
        &mut run.sources,
        &mut out,
        false,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn every_rule_fixture() {
    // Paths in reports are shown relative to the current folder: the crate root under cargo.
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut problems = Vec::new();
    let mut snapshots: Vec<(String, String)> = Vec::new();
    let mut checked = 0;
    for rule in impermalint::rules::ALL {
        let dir = fixtures_dir().join(rule.code);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{} has no fixture folder {}", rule.code, dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "nix"))
            .collect();
        files.sort();
        let bad = files
            .iter()
            .filter(|f| f.file_name().unwrap().to_string_lossy().starts_with("bad"))
            .count();
        let good = files
            .iter()
            .filter(|f| f.file_name().unwrap().to_string_lossy().starts_with("good"))
            .count();
        assert!(
            bad > 0 && good > 0,
            "{} needs a bad*.nix and a good*.nix fixture",
            rule.code
        );
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let is_bad = file
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("bad");
            let expected = markers(&text)
                .iter()
                .filter(|(_, c)| c == rule.code)
                .count();
            assert_eq!(
                is_bad,
                expected > 0,
                "{}: bad fixtures mark findings, good ones do not",
                file.display()
            );

            let (mut run, doc) = run_static(&file);
            problems.extend(check_expectations(
                &mut run, rule.code, &file, &text, "static",
            ));

            match check_facts_fixture(&file, &doc) {
                Ok(saved) => {
                    let facts = read_facts(&saved).expect("saved facts load");
                    let access = impermalint::access::Access::for_check(&file, &[]).unwrap();
                    let mut sources = SourceDb::confined(access);
                    let diags = lint(&facts.hosts, &Settings::default(), &mut sources);
                    let mut frun = Run {
                        diags,
                        sources,
                        coverage: report::Coverage::default(),
                    };
                    problems.extend(check_expectations(
                        &mut frun, rule.code, &file, &text, "facts",
                    ));
                }
                Err(e) => problems.push(e),
            }

            if is_bad {
                let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
                run.diags.retain(|d| d.code == rule.code);
                snapshots.push((
                    format!("{}-{stem}-human", rule.code),
                    render(&mut run, Format::Human),
                ));
                snapshots.push((
                    format!("{}-{stem}-json", rule.code),
                    render(&mut run, Format::Json),
                ));
            }
            checked += 1;
        }
    }
    assert!(checked >= 54, "only {checked} fixtures were checked");
    assert!(
        problems.is_empty(),
        "fixture problems:\n{}",
        problems.join("\n")
    );
    for (name, text) in snapshots {
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn every_rule_is_documented() {
    for rule in impermalint::rules::ALL {
        let doc = rule.doc;
        assert!(
            doc.starts_with(&format!("# {} {}\n", rule.code, rule.name)),
            "{}: title line",
            rule.code
        );
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(doc.contains(heading), "{} lacks `{heading}`", rule.code);
        }
        assert!(!rule.summary().is_empty(), "{} lacks a summary", rule.code);
        assert!(
            doc.lines().any(|l| l.starts_with("severity: ")),
            "{} lacks a severity",
            rule.code
        );
        assert!(doc.contains("```nix"), "{} lacks a Nix example", rule.code);
    }
}

#[test]
fn messages_follow_the_style() {
    // lowercase start, no final period: they are read after "error:".
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    for rule in impermalint::rules::ALL {
        let file = fixtures_dir().join(rule.code).join("bad.nix");
        let (run, _) = run_static(&file);
        for d in run.diags.iter().filter(|d| d.code == rule.code) {
            let first = d.message.chars().next().unwrap();
            assert!(
                !first.is_uppercase(),
                "{}: message starts upper-case: {}",
                rule.code,
                d.message
            );
            assert!(
                !d.message.ends_with('.'),
                "{}: message ends with a period: {}",
                rule.code,
                d.message
            );
            assert!(d.help.is_some(), "{}: finding without help", rule.code);
        }
    }
}
