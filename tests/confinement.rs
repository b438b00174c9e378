//! The static frontend reads nothing outside the checked tree (issue: a pull request must not
//! be able to print the CI machine's files). Every test plants a recognisable secret outside the
//! checked folder and asserts that no output format carries it, on stdout or stderr.

mod common;
use common::*;

const SECRET: &str = "root:$6$TOPSECRET-7f3a9c:19000:0:99999:7:::";
const FORMATS: &[&str] = &["human", "json", "sarif", "github"];

/// A work area with `outside/shadow` (not Nix: it would be a parse error quoting the line) and
/// `repo/` holding the configuration.
fn area(tag: &str, configuration: &str) -> TempDir {
    TempDir::with(
        tag,
        &[
            ("outside/shadow", SECRET),
            (
                "outside/module.nix",
                &format!("{{ x = \"{SECRET}\"; }}\n# {SECRET}\n}}"),
            ),
            ("repo/configuration.nix", configuration),
        ],
    )
}

/// Runs `check` in every format and asserts the secret never appears; returns the JSON report.
fn check_all_formats(t: &TempDir, extra: &[&str]) -> serde_json::Value {
    let repo = t.path().join("repo");
    let mut json = serde_json::Value::Null;
    for format in FORMATS {
        let mut args = vec!["check", "--format", format, "."];
        args.extend_from_slice(extra);
        let out = run(&args, &repo);
        let (o, e) = (stdout(&out), stderr(&out));
        assert!(
            !o.contains("TOPSECRET") && !e.contains("TOPSECRET"),
            "{format}: the secret leaked\nstdout: {o}\nstderr: {e}"
        );
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "{format}: exit {:?}, stderr: {e}",
            out.status.code()
        );
        if *format == "json" {
            json = serde_json::from_str(&o).expect("json report");
        }
    }
    json
}

fn unread(json: &serde_json::Value) -> Vec<String> {
    json["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| h["unread"].as_array().unwrap().iter())
        .map(|u| u["what"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn absolute_import_outside_is_unread_not_read() {
    let t = TempDir::new("conf-abs");
    let shadow = t.write("outside/shadow", SECRET);
    t.write(
        "repo/configuration.nix",
        &format!("{{ imports = [ {} ]; }}", shadow.display()),
    );
    let json = check_all_formats(&t, &[]);
    let u = unread(&json);
    assert!(
        u.iter()
            .any(|w| w.contains("outside the checked tree") && w.contains("--allow-path")),
        "{u:?}"
    );
    assert_eq!(json["hosts"][0]["complete"], false);
    // Not a parse error (that would quote the file).
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "IMP001"),
        "{json}"
    );
}

#[test]
fn parent_traversal_is_refused() {
    let t = area(
        "conf-dotdot",
        "{ imports = [ ../outside/module.nix ../../../../../../etc/passwd ]; }",
    );
    let json = check_all_formats(&t, &[]);
    let u = unread(&json);
    assert_eq!(
        u.iter()
            .filter(|w| w.contains("outside the checked tree"))
            .count(),
        2,
        "{u:?}"
    );
}

#[test]
fn builtins_that_read_are_confined() {
    let t = area(
        "conf-builtins",
        r#"{ lib, ... }:
let
  text = builtins.readFile ../outside/shadow;
  listing = builtins.attrNames (builtins.readDir ../outside);
  there = builtins.pathExists ../outside/shadow;
  toml = builtins.fromTOML (builtins.readFile ../outside/shadow);
in {
  fileSystems."/".device = text;
  fileSystems."/".fsType = if there then "tmpfs" else "ext4";
  fileSystems."/persist".device = toml.x;
  environment.persistence."/persist".directories = map (n: "/etc/" + n) listing;
}
"#,
    );
    let json = check_all_formats(&t, &[]);
    let u = unread(&json);
    assert!(
        u.iter()
            .filter(|w| w.contains("outside the checked tree"))
            .count()
            >= 3,
        "{u:?}"
    );
    // The facts never hold the text either.
    let facts = run(&["facts", "."], &t.path().join("repo"));
    assert!(!stdout(&facts).contains("TOPSECRET"));
}

#[cfg(unix)]
#[test]
fn symlinks_pointing_outside_are_refused() {
    let t = area(
        "conf-link",
        "{ imports = [ ./linked.nix ./dir/module.nix ]; }",
    );
    let repo = t.path().join("repo");
    std::os::unix::fs::symlink(t.path().join("outside/module.nix"), repo.join("linked.nix"))
        .unwrap();
    std::os::unix::fs::symlink(t.path().join("outside"), repo.join("dir")).unwrap();
    let json = check_all_formats(&t, &[]);
    let u = unread(&json);
    assert_eq!(
        u.iter()
            .filter(|w| w.contains("outside the checked tree"))
            .count(),
        2,
        "{u:?}"
    );
}

#[cfg(unix)]
#[test]
fn directory_symlink_loop_is_named_once() {
    let t = area("conf-loop", "{ imports = [ ./a/b/c.nix ]; }");
    let repo = t.path().join("repo");
    std::os::unix::fs::symlink(repo.join("b"), repo.join("a")).unwrap();
    std::os::unix::fs::symlink(repo.join("a"), repo.join("b")).unwrap();
    let json = check_all_formats(&t, &[]);
    let text = json.to_string();
    assert!(text.contains("symlink loop"), "{text}");
}

#[test]
fn allow_path_lets_a_folder_in() {
    let t = TempDir::new("conf-allow");
    t.write(
        "outside/persist.nix",
        r#"{ environment.persistence."/persist".directories = [ "/etc/ssh" ]; }"#,
    );
    t.write(
        "repo/configuration.nix",
        &format!(
            "{{ imports = [ {} ]; services.openssh.enable = true; }}",
            t.path().join("outside/persist.nix").display()
        ),
    );
    let repo = t.path().join("repo");
    let denied: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["check", "--format", "json", "."], &repo))).unwrap();
    assert!(
        !denied["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "IMP101")
    );
    let outside = t.path().join("outside");
    let allowed = run(
        &[
            "check",
            "--format",
            "json",
            "--allow-path",
            outside.to_str().unwrap(),
            ".",
        ],
        &repo,
    );
    let allowed: serde_json::Value = serde_json::from_str(&stdout(&allowed)).unwrap();
    assert!(
        allowed["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "IMP101"),
        "{allowed}"
    );
    // The same through impermalint.toml.
    t.write(
        "repo/impermalint.toml",
        &format!("allow-path = [\"{}\"]\n", outside.display()),
    );
    let out = run(&["check", "--format", "json", "."], &repo);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "IMP101"),
        "{v}"
    );
    assert!(
        stderr(&out).contains("also reading below"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn facts_json_cannot_name_files_outside() {
    let t = TempDir::new("conf-facts");
    let shadow = t.write("outside/shadow", SECRET);
    let facts = format!(
        r#"{{"schema_version": 1, "frontend": "eval", "hosts": [{{"name": "h",
          "file_systems": {{"complete": true, "items": [{{"mount_point": "/", "at": {{"file": "{}", "start": 0, "end": 20}},
            "fs_type": {{"value": "tmpfs"}}, "options": {{"value": []}}, "needed_for_boot": {{"value": false}}}}]}}}}]}}"#,
        shadow.display()
    );
    t.write("repo/facts.json", &facts);
    let repo = t.path().join("repo");
    for format in FORMATS {
        let out = run(
            &["check", "--format", format, "--facts", "facts.json"],
            &repo,
        );
        assert!(
            !stdout(&out).contains("TOPSECRET") && !stderr(&out).contains("TOPSECRET"),
            "{format}: {}",
            stdout(&out)
        );
    }
}

/// A flake whose host imports a module of the input `extra`, kept in `outside/extra` (beside the
/// secret): read only when named with `--input extra=DIR`, and never edited by `--fix`.
fn flake_with_input() -> TempDir {
    let t = area("input", "");
    t.write(
        "repo/flake.nix",
        r#"{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.extra.url = "github:someone/extra";
  outputs = { nixpkgs, extra, ... }: {
    nixosConfigurations.h = nixpkgs.lib.nixosSystem {
      modules = [ ./configuration.nix extra.nixosModules.default ];
    };
  };
}
"#,
    );
    t.write("repo/configuration.nix", "{ }\n");
    t.write(
        "outside/extra/flake.nix",
        "{ outputs = { self, ... }: { nixosModules.default = import ./root.nix; }; }\n",
    );
    t.write(
        "outside/extra/root.nix",
        "{\n  fileSystems.\"/\" = { device = \"none\"; fsType = \"tmpfs\"; options = [ \"size=2G\" ]; };\n}\n",
    );
    t
}

#[test]
fn an_input_is_read_only_when_named() {
    let t = flake_with_input();
    let json = check_all_formats(&t, &[]);
    assert!(
        unread(&json)
            .iter()
            .any(|w| w.contains("extra.nixosModules.default")),
        "{json}"
    );
    let dir = t.path().join("outside/extra");
    let arg = format!("extra={}", dir.display());
    let json = check_all_formats(&t, &["--input", &arg]);
    assert!(unread(&json).is_empty(), "{json}");
    let imp402 = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "IMP402")
        .unwrap_or_else(|| panic!("no IMP402 from the input's module: {json}"));
    assert!(imp402["file"].as_str().unwrap().ends_with("root.nix"));

    // --fix edits the checked tree only: the input's module stays as it was.
    let before = std::fs::read_to_string(dir.join("root.nix")).unwrap();
    let out = run(
        &["check", "--fix", "--input", &arg, "."],
        &t.path().join("repo"),
    );
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("root.nix")).unwrap(),
        before
    );
}

#[test]
fn an_input_that_is_not_a_folder_is_a_usage_error() {
    let t = flake_with_input();
    let out = run(
        &["check", "--input", "extra=/no/such/folder", "."],
        &t.path().join("repo"),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--input extra=/no/such/folder"));
    let out = run(&["check", "--input", "extra", "."], &t.path().join("repo"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("NAME=DIR"), "{}", stderr(&out));
}
