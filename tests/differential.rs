//! Differential tests against Nix: the evaluator must agree with
//! `nix-instantiate --eval --strict --json` on every expression of
//! testdata/differential/expressions.nix-list where it gives an answer, and must answer most of
//! them (an evaluator that says "unknown" to everything would agree vacuously).
//!
//! Needs `nix-instantiate` (CI installs Debian's nix-bin). Without it the test says so loudly
//! and does not run; with `CI` set it fails instead.

mod common;

use impermalint::nix::expr::eval_to_json;
use serde_json::Value;
use std::process::{Command, Stdio};

/// The share of expressions the evaluator must answer.
const MIN_ANSWERED: f64 = 0.9;

fn expressions() -> Vec<String> {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/differential/expressions.nix-list"),
    )
    .expect("expression list");
    text.split("\n---\n")
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect()
}

/// Nix's answers, all in one evaluation (a list of the expressions).
fn nix_values(exprs: &[String]) -> Vec<Value> {
    let list = exprs
        .iter()
        .map(|e| format!("(\n{e}\n)"))
        .collect::<Vec<_>>()
        .join("\n");
    let out = Command::new("nix-instantiate")
        .args([
            "--eval",
            "--strict",
            "--json",
            "-E",
            &format!("[\n{list}\n]"),
        ])
        .stdin(Stdio::null())
        .output()
        .expect("nix-instantiate runs");
    assert!(
        out.status.success(),
        "nix-instantiate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout).expect("nix prints JSON") {
        Value::Array(items) => items,
        other => panic!("not a list: {other}"),
    }
}

#[test]
fn evaluator_agrees_with_nix() {
    if !common::tool_available("nix-instantiate", "the differential tests against Nix") {
        return;
    }
    let exprs = expressions();
    assert!(exprs.len() >= 250, "only {} expressions", exprs.len());
    let want = nix_values(&exprs);
    assert_eq!(want.len(), exprs.len());
    let mut answered = 0;
    let mut disagree = Vec::new();
    let mut unanswered = Vec::new();
    for (e, w) in exprs.iter().zip(&want) {
        match eval_to_json(e) {
            Ok(Some(got)) => {
                answered += 1;
                if &got != w {
                    disagree.push(format!("{e}\n  nix:  {w}\n  ours: {got}"));
                }
            }
            Ok(None) => unanswered.push(e.lines().next().unwrap_or("").to_string()),
            Err(err) => disagree.push(format!("{e}\n  does not parse here: {err}")),
        }
    }
    let share = answered as f64 / exprs.len() as f64;
    eprintln!(
        "differential: {answered} of {} answered ({:.0}%), {} disagree",
        exprs.len(),
        share * 100.0,
        disagree.len()
    );
    assert!(
        disagree.is_empty(),
        "{} expressions disagree with Nix:\n\n{}",
        disagree.len(),
        disagree.join("\n\n")
    );
    if std::env::var_os("DIFFERENTIAL_VERBOSE").is_some() {
        eprintln!("unanswered:\n{}", unanswered.join("\n"));
    }
    assert!(
        share >= MIN_ANSWERED,
        "only {answered} of {} answered; unanswered:\n{}",
        exprs.len(),
        unanswered.join("\n")
    );
}
