//! SARIF through the SARIF validator: Microsoft's SARIF Multitool (`validate`, the JSON schema
//! of SARIF 2.1.0 plus its SARIF and GitHub rules), pinned to an npm release that `.ci/run`
//! downloads and checks (`SARIF_MULTITOOL` names the executable). Reports of configurations
//! whose paths have spaces, non-ASCII letters and `%` must validate without an error.
//!
//! Without the tool this test prints a loud notice and stops; in CI (CI set) it fails.

mod common;
use common::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn multitool() -> Option<PathBuf> {
    let tool = std::env::var_os("SARIF_MULTITOOL").map(PathBuf::from);
    match tool {
        Some(t) if t.is_file() => Some(t),
        _ => {
            eprintln!(
                "\n*** SARIF Multitool not found (SARIF_MULTITOOL): the SARIF validator test DID NOT RUN ***\n"
            );
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install the SARIF Multitool (.ci/run) and set SARIF_MULTITOOL"
            );
            None
        }
    }
}

/// The validator's findings on a SARIF file: (level, rule, message) of each.
fn validate(
    tool: &PathBuf,
    sarif: &std::path::Path,
    out: &std::path::Path,
) -> Vec<(String, String, String)> {
    let o = Command::new(tool)
        .arg("validate")
        .arg(sarif)
        .arg("--output")
        .arg(out)
        .args(["--log", "ForceOverwrite"])
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("run the SARIF Multitool");
    let log: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap_or_else(|e| {
        panic!(
            "no validation log ({e}): {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    }))
    .expect("the validation log is JSON");
    let mut found = Vec::new();
    for run in log["runs"].as_array().into_iter().flatten() {
        for r in run["results"].as_array().into_iter().flatten() {
            found.push((
                r["level"].as_str().unwrap_or("warning").to_string(),
                r["ruleId"].as_str().unwrap_or("").to_string(),
                r["message"].to_string(),
            ));
        }
    }
    found
}

#[test]
fn sarif_reports_validate_on_hostile_paths() {
    let Some(tool) = multitool() else {
        return;
    };
    let t = TempDir::new("sarif-validator");
    // Findings in files whose paths need encoding, with related locations (IMP101).
    let cfg = r#"{ ... }:
{
  imports = [ ./base.nix ];
  services.openssh.enable = true;
  environment.persistence."/persist".directories = [ "/etc/ssh" ];
}
"#;
    for dir in ["my config", "ünïcødé", "100% done", "a#b?c"] {
        let d = t.path().join(dir);
        std::fs::create_dir_all(d.join("sub dir")).unwrap();
        std::fs::write(d.join("sub dir/configuration.nix"), cfg).unwrap();
        std::fs::write(d.join("sub dir/base.nix"), BASE).unwrap();
        let report = t
            .path()
            .join(format!("{}.sarif", dir.replace(['/', '%', '#', '?'], "_")));
        let o = run(
            &["check", "--no-config", "--format", "sarif", dir],
            t.path(),
        );
        assert!(o.status.code() == Some(1), "{}", stderr(&o));
        std::fs::write(&report, stdout(&o)).unwrap();
        let findings = validate(&tool, &report, &t.path().join("validation.sarif"));
        let errors: Vec<_> = findings.iter().filter(|(l, _, _)| l == "error").collect();
        assert!(errors.is_empty(), "{dir}: {errors:#?}\n{}", stdout(&o));
    }
}
