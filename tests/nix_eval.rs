//! The eval frontend with a real Nix (Debian's nix-bin, installed by .ci/run): the shipped
//! extractor against configuration-shaped attribute sets, `--flake` and `--file`, the error
//! paths, and the NixOS module and `lib.check` of flake.nix with a minimal lib.
//!
//! Without `nix` on PATH these tests print a loud notice and stop; in CI (CI set) they fail.

mod common;
use common::*;
use serde_json::Value;
use std::process::Command;

fn nix_available() -> bool {
    Command::new("nix")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Returns false (after saying so loudly) when the test cannot run here.
fn require_nix() -> bool {
    if nix_available() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("nix is not installed: .ci/run must install nix-bin for the eval tests");
    }
    eprintln!("\n************************************************************************");
    eprintln!("*** NIX NOT FOUND: the eval frontend tests did NOT run.              ***");
    eprintln!("*** Install Nix (Debian: apt-get install nix-bin) to run them.       ***");
    eprintln!("************************************************************************\n");
    false
}

/// The eval fixture copied out of the repository (a flake in a git checkout only sees tracked
/// files; a plain folder sees everything).
fn fixture() -> TempDir {
    let t = TempDir::new("evalfix");
    for f in [
        "flake.nix",
        "system.nix",
        "configuration.nix",
        "persist.nix",
    ] {
        std::fs::copy(repo().join("testdata/eval").join(f), t.path().join(f)).unwrap();
    }
    t
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", stdout(o), stderr(o)))
}

/// (code, file, line, end_line, severity) of each finding.
fn findings(doc: &Value) -> Vec<(String, String, u64, u64, String)> {
    let mut v: Vec<_> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["end_line"].as_u64().unwrap_or(0),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn same_findings_through_static_flake_and_facts() {
    if !require_nix() {
        return;
    }
    let t = fixture();
    let static_run = json(&run(
        &["check", "--format", "json", "configuration.nix"],
        t.path(),
    ));
    let flake_run = run(
        &["check", "--format", "json", "--flake", ".#alpha"],
        t.path(),
    );
    assert_eq!(flake_run.status.code(), Some(1), "{}", stderr(&flake_run));
    let flake_doc = json(&flake_run);
    let facts = run(&["facts", "--flake", ".#alpha"], t.path());
    assert_eq!(facts.status.code(), Some(0), "{}", stderr(&facts));
    t.write("facts.json", &stdout(&facts));
    let facts_doc = json(&run(
        &["check", "--format", "json", "--facts", "facts.json"],
        t.path(),
    ));

    let expected = findings(&static_run);
    assert!(
        expected
            .iter()
            .any(|f| f.0 == "IMP101" && f.1 == "persist.nix" && f.2 == 7),
        "{expected:?}"
    );
    assert_eq!(findings(&flake_doc), expected);
    assert_eq!(findings(&facts_doc), expected);
    assert!(
        flake_doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["host"] == "alpha")
    );
}

#[test]
fn extractor_reads_every_fact_and_no_secret() {
    if !require_nix() {
        return;
    }
    let t = fixture();
    // A password hash in the configuration must not reach the facts.
    let system = std::fs::read_to_string(t.path().join("system.nix"))
        .unwrap()
        .replace(
            "bob = noPassword // {",
            "bob = noPassword // { hashedPassword = \"$6$SECRET-HASH\";",
        );
    t.write("system.nix", &system);
    let o = run(&["facts", "--flake", ".#alpha"], t.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        !text.contains("SECRET-HASH"),
        "a password hash leaked into the facts"
    );
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["frontend"], "eval");
    let h = &doc["hosts"][0];
    assert_eq!(h["name"], "alpha");
    assert_eq!(h["modules"], serde_json::json!(["impermanence"]));
    assert_eq!(h["file_systems"]["items"].as_array().unwrap().len(), 3);
    let root = h["file_systems"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["mount_point"] == "/")
        .unwrap();
    assert_eq!(root["fs_type"]["value"], "tmpfs");
    assert_eq!(root["options"]["value"], serde_json::json!(["mode=755"]));
    assert_eq!(root["at"]["file"], "configuration.nix");
    let entries = &h["persistence"]["items"][0]["entries"];
    assert_eq!(entries["complete"], true);
    let paths: Vec<&str> = entries["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"]["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/var/log",
            "/var/lib/nixos",
            "/etc/ssh",
            "/var/lib/secrets",
            "/etc/machine-id"
        ]
    );
    let bob = h["users"]["users"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "bob")
        .unwrap();
    assert_eq!(bob["hashed_password"]["value"], true);
    assert_eq!(bob["is_normal_user"]["value"], true);
    assert_eq!(h["users"]["mutable_users"]["value"], true);
    assert_eq!(h["openssh"]["enable"]["value"], true);
    assert_eq!(
        h["openssh"]["host_keys"]["items"].as_array().unwrap().len(),
        2
    );
    assert_eq!(h["boot"]["initrd_systemd"]["value"], true);
    assert_eq!(
        h["boot"]["scripted_commands"],
        serde_json::json!([]),
        "empty hooks are not hooks"
    );
    // Modules that are absent are absent, not errors.
    assert!(h["sops"].is_null() && h["agenix"].is_null());
    assert_eq!(h["home_manager"]["items"], serde_json::json!([]));
    // The service that throws is skipped; the list is still read.
    assert_eq!(h["services"]["complete"], true);
    assert_eq!(
        h["enabled"]["networking.networkmanager.enable"]["value"],
        false
    );
}

#[test]
fn throwing_values_become_unknown() {
    if !require_nix() {
        return;
    }
    let t = fixture();
    let system = std::fs::read_to_string(t.path().join("system.nix"))
        .unwrap()
        .replace(
            "users.mutableUsers = true;",
            "users.mutableUsers = throw \"no\";",
        )
        .replace(
            "environment.persistence.\"/persist\" = {",
            "environment.persistence.\"/persist\" = { directories = throw \"broken\"; } // {",
        )
        .replace("directories = map dir", "directoriesUnused = map dir");
    t.write("system.nix", &system);
    let o = run(&["facts", "--flake", ".#alpha"], t.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let h = &doc["hosts"][0];
    assert!(
        h["users"]["mutable_users"].get("value").is_none(),
        "{}",
        h["users"]["mutable_users"]
    );
    assert_eq!(h["persistence"]["items"][0]["entries"]["complete"], false);
    // Absence rules stay silent on what could not be read.
    let check = json(&run(
        &["check", "--format", "json", "--flake", ".#alpha"],
        t.path(),
    ));
    let codes: Vec<String> = findings(&check).into_iter().map(|f| f.0).collect();
    assert!(
        !codes.contains(&"IMP301".to_string()) && !codes.contains(&"IMP502".to_string()),
        "{codes:?}"
    );
}

#[test]
fn every_host_of_a_flake() {
    if !require_nix() {
        return;
    }
    let t = fixture();
    t.write(
        "flake.nix",
        r#"{ outputs = { self }: { nixosConfigurations = { alpha = import ./system.nix; beta = let s = import ./system.nix; in s // { config = s.config // { services = s.config.services // { openssh = s.config.services.openssh // { enable = false; }; }; }; }; }; }; }"#,
    );
    let doc = json(&run(
        &["check", "--format", "json", "--flake", "."],
        t.path(),
    ));
    let hosts: std::collections::BTreeSet<String> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["host"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(hosts.into_iter().collect::<Vec<_>>(), ["alpha", "beta"]);
    let ssh_hosts: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["code"] == "IMP101"
                && d["message"]
                    .as_str()
                    .unwrap()
                    .contains("services.openssh.enable")
        })
        .map(|d| d["host"].as_str().unwrap())
        .collect();
    assert_eq!(ssh_hosts, ["alpha"]);
}

#[test]
fn file_mode_evaluates_like_nixpkgs_nixos() {
    if !require_nix() {
        return;
    }
    let t = fixture();
    // A stand-in for <nixpkgs/nixos>: returns the evaluated form of the configuration.
    t.write(
        "nixpkgs/nixos/default.nix",
        &format!(
            "{{ configuration }}: import {}/system.nix",
            t.path().display()
        ),
    );
    let o = bin()
        .args(["check", "--format", "json", "--file", "configuration.nix"])
        .env(
            "NIX_PATH",
            format!("nixpkgs={}", t.path().join("nixpkgs").display()),
        )
        .current_dir(t.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let static_run = json(&run(
        &["check", "--format", "json", "configuration.nix"],
        t.path(),
    ));
    assert_eq!(findings(&json(&o)), findings(&static_run));
}

#[test]
fn error_paths_exit_2_with_a_cause() {
    if !require_nix() {
        return;
    }
    let t = fixture();
    t.write(
        "throws/flake.nix",
        r#"{ outputs = { self }: { nixosConfigurations.alpha = throw "the host is broken"; }; }"#,
    );
    t.write(
        "slow/flake.nix",
        r#"{ outputs = { self }: { nixosConfigurations.alpha = { config = builtins.deepSeq (builtins.genList (x: x * x) 100000000) { }; }; }; }"#,
    );
    t.write(
        "empty/flake.nix",
        r#"{ outputs = { self }: { nixosConfigurations = { }; }; }"#,
    );
    std::fs::create_dir_all(t.path().join("noflake")).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["check", "--flake", "throws#alpha"], "the host is broken"),
        (
            &["check", "--flake", "slow#alpha", "--timeout", "1"],
            "did not finish within 1 s",
        ),
        (&["check", "--flake", "empty"], "no nixosConfigurations"),
        (
            &["check", "--flake", "noflake"],
            "no flake.nix in this folder",
        ),
        (
            &["check", "--flake", "github:no-such-owner-xyz/repo"],
            "nix eval failed",
        ),
        (&["check", "--flake", "./missing"], "no such folder"),
        (&["check", "--flake", ".#gamma"], "gamma"),
        (&["check", "--file", "missing.nix"], "no such file"),
    ];
    for (args, cause) in cases {
        let o = run(args, t.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{args:?}: one line: {err}"
        );
        assert!(err.contains(cause), "{args:?}: {err}");
    }
    // nix missing from PATH.
    let o = bin()
        .args(["check", "--flake", ".#alpha"])
        .env("PATH", "/nonexistent")
        .current_dir(t.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("nix is not installed"),
        "{}",
        stderr(&o)
    );
}

/// A minimal lib and pkgs, enough for nix/module.nix and flake.nix's lib.check.
const STUBS: &str = r#"
  lib = {
    mkEnableOption = d: { _type = "option"; default = false; description = d; };
    mkOption = o: o // { _type = "option"; };
    mkIf = condition: content: { _type = "if"; inherit condition content; };
    types = { enum = x: { enum = x; }; listOf = x: { listOf = x; }; str = "str"; package = "package"; };
    genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
  };
  pkgs = {
    stdenv.hostPlatform.system = "x86_64-linux";
    runCommand = name: env: script: { inherit name env script; };
  };
"#;

#[test]
fn nixos_module_and_lib_check_write_the_facts() {
    if !require_nix() {
        return;
    }
    let t = fixture();
    let root = repo();
    let expr = format!(
        r#"let
  {STUBS}
  sys = import {fixture}/system.nix;
  module = import {root}/nix/module.nix {{ impermalintFlake = {{ packages.x86_64-linux.default = "impermalint-package"; }}; }};
  evaluated = module {{
    config = sys.config // {{ impermalint = {{ enable = true; failOn = "error"; ignore = [ "IMP504" ]; package = "pkg"; }}; }};
    inherit (sys) options;
    inherit lib pkgs;
  }};
  check = builtins.head evaluated.config.content.system.checks;
  flake = (import {root}/flake.nix).outputs {{ self = flake; nixpkgs = {{ inherit lib; legacyPackages.x86_64-linux = pkgs // {{ callPackage = f: a: "impermalint-package"; }}; }}; }};
  viaLib = flake.lib.check {{ nixosConfiguration = sys // {{ inherit pkgs; }}; failOn = "warning"; }};
in {{
  options = builtins.attrNames evaluated.options.impermalint;
  enabled = evaluated.config.condition;
  moduleFacts = check.env.facts;
  moduleScript = check.script;
  libFacts = viaLib.env.facts;
  libScript = viaLib.script;
}}"#,
        fixture = t.path().display(),
        root = root.display()
    );
    let o = Command::new("nix")
        .args([
            "--extra-experimental-features",
            "nix-command flakes",
            "eval",
            "--json",
            "--impure",
            "--expr",
            &expr,
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["options"],
        serde_json::json!(["enable", "failOn", "ignore", "package"])
    );
    assert_eq!(v["enabled"], true);
    let script = v["moduleScript"].as_str().unwrap();
    assert!(
        script.contains("--fail-on error") && script.contains("--ignore IMP504"),
        "{script}"
    );
    assert!(
        v["libScript"]
            .as_str()
            .unwrap()
            .contains("--fail-on warning")
    );
    assert_eq!(v["moduleFacts"], v["libFacts"]);

    // The facts the module writes give the same findings as the flake run.
    t.write("module-facts.json", v["moduleFacts"].as_str().unwrap());
    let doc: Value = serde_json::from_str(v["moduleFacts"].as_str().unwrap()).unwrap();
    assert_eq!(doc["frontend"], "nixos-module");
    let via_module = json(&run(
        &["check", "--format", "json", "--facts", "module-facts.json"],
        t.path(),
    ));
    let via_flake = json(&run(
        &["check", "--format", "json", "--flake", ".#alpha"],
        t.path(),
    ));
    assert_eq!(findings(&via_module), findings(&via_flake));
}

#[test]
fn nix_sources_of_the_project_parse() {
    // Needs no nix: the files must at least be valid Nix.
    for f in [
        "flake.nix",
        "nix/module.nix",
        "nix/lint.nix",
        "nix/package.nix",
        "src/eval/extract.nix",
        "testdata/eval/system.nix",
    ] {
        let text = std::fs::read_to_string(repo().join(f)).unwrap();
        let parse = rnix::Root::parse(&text);
        assert!(parse.errors().is_empty(), "{f}: {:?}", parse.errors());
    }
}

#[test]
fn check_file_without_nixpkgs_on_nix_path_fails_with_nixs_message() {
    if !require_nix() {
        return;
    }
    let t = TempDir::with("no-nixpkgs", &[("configuration.nix", BASE)]);
    let o = bin()
        .args(["check", "--no-config", "--file", "configuration.nix"])
        .current_dir(t.path())
        .env("NIX_PATH", "")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not found in the Nix search path"),
        "{}",
        stderr(&o)
    );
    assert!(!stdout(&o).contains("no findings"), "{}", stdout(&o));
}

#[test]
fn flake_in_a_git_subfolder_reports_checkout_paths() {
    if !require_nix() {
        return;
    }
    // Nix copies the whole git repository to the store; findings must name the checkout's files.
    let t = TempDir::new("git-subflake");
    let sub = t.path().join("hosts");
    std::fs::create_dir_all(&sub).unwrap();
    for f in [
        "flake.nix",
        "system.nix",
        "configuration.nix",
        "persist.nix",
    ] {
        std::fs::copy(repo().join("testdata/eval").join(f), sub.join(f)).unwrap();
    }
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .args(args)
            .current_dir(t.path())
            .output()
            .expect("git");
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    let o = run(
        &["check", "--format", "json", "--flake", "./hosts#alpha"],
        t.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc = json(&o);
    let files: Vec<String> = findings(&doc).into_iter().map(|f| f.1).collect();
    assert!(!files.is_empty());
    for f in &files {
        assert!(!f.contains("/nix/store"), "{files:?}");
    }
    // The files as the checkout has them (relative to where the check runs).
    for f in &files {
        assert!(
            t.path().join(f).is_file(),
            "{f} is not a file of the checkout: {files:?}"
        );
    }
    assert!(files.iter().any(|f| f == "hosts/persist.nix"), "{files:?}");
}
