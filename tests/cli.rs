//! The command line through the real binary: exit statuses, bad input, formats, suppression,
//! configuration files.

mod common;
use common::*;

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[test]
fn example_has_findings_and_exit_status_1() {
    let o = run(&["check", "testdata/example"], &repo());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("IMP101 persist-hides-etc"), "{out}");
    assert!(out.contains("testdata/example/persist.nix:11:7"), "{out}");
    assert!(!out.contains('\u{1b}'), "no colour when not a terminal");
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn clean_configuration_exits_0() {
    let t = TempDir::with("clean", &[("configuration.nix", BASE)]);
    let o = run(&["check", "."], t.path());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("no findings") || stdout(&o).contains("0 errors, 0 warnings"));
}

#[test]
fn fail_on_decides_the_exit_status() {
    // Only an info finding (NetworkManager state) and a warning (IMP401).
    let cfg = BASE.replace("size=2G", "nr=1").replace(
        "users.mutableUsers = false;",
        "users.mutableUsers = false; networking.networkmanager.enable = true;",
    );
    let t = TempDir::with("failon", &[("configuration.nix", &cfg)]);
    assert_eq!(run(&["check"], t.path()).status.code(), Some(1));
    assert_eq!(
        run(&["check", "--fail-on", "error"], t.path())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "--ignore", "IMP401"], t.path())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(
            &["check", "--ignore", "IMP401", "--fail-on", "info"],
            t.path()
        )
        .status
        .code(),
        Some(1)
    );
    let o = run(&["check", "--select", "IMP5", "--format", "json"], t.path());
    let codes: Vec<String> = json(&o)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert!(
        codes.iter().all(|c| c.starts_with("IMP5")) && codes.contains(&"IMP504".to_string()),
        "{codes:?}"
    );
}

#[test]
fn json_report_follows_the_contract() {
    let o = run(&["check", "--format", "json", "testdata/example"], &repo());
    let doc = json(&o);
    assert_eq!(doc["version"], 1);
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "IMP101")
        .expect("IMP101");
    for key in [
        "code",
        "rule",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "host",
        "help",
    ] {
        assert!(d.get(key).is_some(), "missing {key}");
    }
    assert_eq!(d["rule"], "persist-hides-etc");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "testdata/example/persist.nix");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(11), Some(7))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(11), Some(17))
    );
    assert!(d["host"].is_null());
    // The whole output is one JSON document.
    assert!(stdout(&o).trim_end().ends_with('}'));
}

#[test]
fn sarif_and_github_formats() {
    let o = run(&["check", "--format", "sarif", "testdata/example"], &repo());
    let doc = json(&o);
    assert_eq!(doc["version"], "2.1.0");
    let run0 = &doc["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "impermalint");
    assert_eq!(
        run0["tool"]["driver"]["rules"].as_array().unwrap().len(),
        impermalint::rules::ALL.len()
    );
    let r = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "IMP101")
        .unwrap();
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        11
    );

    let o = run(
        &["check", "--format", "github", "testdata/example"],
        &repo(),
    );
    let out = stdout(&o);
    assert!(
        out.lines().all(|l| l.starts_with("::error ")
            || l.starts_with("::warning ")
            || l.starts_with("::notice ")),
        "{out}"
    );
    assert!(
        out.contains("::error file=testdata/example/persist.nix,line=11,col=7"),
        "{out}"
    );
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let t = TempDir::with(
        "badinput",
        &[
            ("broken.json", "{\"schema_version\": 1,\n \"hosts\": [\n"),
            ("v7.json", "{\"schema_version\": 7, \"hosts\": []}"),
            ("other.json", "[1, 2]"),
            ("wrongtype.json", "{\"schema_version\": 1, \"hosts\": 3}"),
        ],
    );
    let cases: &[(&[&str], &str)] = &[
        (&["check", "does-not-exist"], "no such file or folder"),
        (&["check", "--facts", "missing.json"], "cannot read"),
        (&["check", "--facts", "broken.json"], "line 3, column 0"),
        (&["check", "--facts", "v7.json"], "schema version 7"),
        (&["check", "--facts", "other.json"], "not a facts document"),
        (&["check", "--facts", "wrongtype.json"], "line 1"),
        (&["check", "--select", "IMP999", "."], "unknown rule"),
        (&["explain", "IMP999"], "no rule"),
    ];
    for (args, cause) in cases {
        let o = run(args, t.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(stdout(&o).is_empty(), "{args:?}: nothing on stdout");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        assert!(err.contains(cause), "{args:?}: {err}");
    }
}

#[test]
fn hosts_of_a_flake_and_host_filter() {
    let flake = r#"{
  outputs = { nixpkgs, ... }: let
    mkHost = name: nixpkgs.lib.nixosSystem { modules = [ ./base.nix ./hosts/${name}.nix ]; };
  in { nixosConfigurations = nixpkgs.lib.genAttrs [ "alpha" "beta" ] mkHost; };
}"#;
    let t = TempDir::with(
        "flake",
        &[
            ("flake.nix", flake),
            ("base.nix", BASE),
            ("hosts/alpha.nix", "{ services.openssh.enable = true; }"),
            ("hosts/beta.nix", "{ }"),
        ],
    );
    let o = run(&["check", "--format", "json"], t.path());
    let diags = json(&o)["diagnostics"].as_array().unwrap().clone();
    let ssh: Vec<_> = diags.iter().filter(|d| d["code"] == "IMP501").collect();
    assert_eq!(ssh.len(), 1, "{diags:?}");
    assert_eq!(ssh[0]["host"], "alpha");
    assert_eq!(ssh[0]["file"], "hosts/alpha.nix");
    let o = run(&["check", "--host", "beta"], t.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(&["check", "--host", "gamma"], t.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("alpha, beta"), "{}", stderr(&o));
}

#[test]
fn one_finding_per_cause_names_every_host() {
    let flake = r#"{
  outputs = { nixpkgs, ... }: let
    mkHost = name: nixpkgs.lib.nixosSystem { modules = [ ./base.nix ./shared.nix ]; };
  in { nixosConfigurations = nixpkgs.lib.genAttrs [ "alpha" "beta" "gamma" ] mkHost; };
}"#;
    let t = TempDir::with(
        "one-cause",
        &[
            ("flake.nix", flake),
            ("base.nix", BASE),
            ("shared.nix", "{ services.openssh.enable = true; }"),
        ],
    );
    let o = run(&["check", "--format", "json"], t.path());
    let doc = json(&o);
    let ssh: Vec<_> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "IMP501")
        .cloned()
        .collect();
    assert_eq!(ssh.len(), 1, "{ssh:?}");
    assert_eq!(ssh[0]["host"], "alpha");
    assert_eq!(
        ssh[0]["hosts"],
        serde_json::json!(["alpha", "beta", "gamma"])
    );
    // Every host is reported as read completely.
    let hosts = doc["hosts"].as_array().unwrap();
    assert_eq!(hosts.len(), 3);
    assert!(hosts.iter().all(|h| h["complete"] == true), "{hosts:?}");
    // Human output shows it once, naming the hosts.
    let human = stdout(&run(&["check"], t.path()));
    assert_eq!(human.matches("IMP501").count(), 1, "{human}");
    assert!(human.contains("on hosts alpha, beta, gamma"), "{human}");
}

#[test]
fn incomplete_hosts_are_never_a_bare_no_findings() {
    let flake = r#"{
  inputs.mine.url = "github:someone/mine";
  outputs = { nixpkgs, mine, ... }: {
    nixosConfigurations.alpha = nixpkgs.lib.nixosSystem { modules = [ ./base.nix mine.nixosModules.default ]; };
  };
}"#;
    let t = TempDir::with("blind", &[("flake.nix", flake), ("base.nix", BASE)]);
    let o = run(&["check"], t.path());
    let out = stdout(&o);
    assert!(out.contains("host alpha was not read fully"), "{out}");
    assert!(
        out.contains("`nixosModules.default` of input `mine`") || out.contains("input `mine`"),
        "{out}"
    );
    assert!(out.contains("(1 of 1 host not read fully)"), "{out}");
    let doc = json(&run(&["check", "--format", "json"], t.path()));
    assert_eq!(doc["hosts"][0]["complete"], false);
    assert_eq!(doc["hosts"][0]["unread"][0]["file"], "flake.nix");
    assert_eq!(doc["hosts"][0]["unread"][0]["line"], 4);
    let gh = stdout(&run(&["check", "--format", "github"], t.path()));
    assert!(gh.starts_with("::notice"), "{gh}");
}

#[test]
fn inline_suppression() {
    let cfg = BASE.replace(
        r#"directories = [ "/var/log""#,
        "directories = [\n      # impermalint: allow(IMP104) -- on purpose\n      \"/var/lib/nixos/x\"\n      \"/var/log\"",
    );
    let t = TempDir::with("suppress", &[("configuration.nix", &cfg)]);
    let o = run(&["check", "--format", "json"], t.path());
    assert_eq!(
        json(&o)["diagnostics"].as_array().unwrap().len(),
        0,
        "{}",
        stdout(&o)
    );
    let unsuppressed = cfg.replace("allow(IMP104)", "allow(IMP101)");
    t.write("configuration.nix", &unsuppressed);
    let o = run(&["check", "--format", "json"], t.path());
    let codes: Vec<String> = json(&o)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    // The finding is back, and the comment that now covers nothing is reported.
    assert!(codes.contains(&"IMP104".to_string()), "{}", stdout(&o));
    assert!(codes.contains(&"IMP002".to_string()), "{}", stdout(&o));
    // Before the binding that contains the finding.
    let binding = BASE
        .replace(
            "  environment.persistence.\"/persist\" = {",
            "  # impermalint: allow(persist-nested)\n  environment.persistence.\"/persist\" = {",
        )
        .replace(
            r#""/var/log" "/var/lib/nixos""#,
            r#""/var/log" "/var/log/journal" "/var/lib/nixos""#,
        );
    t.write("configuration.nix", &binding);
    let o = run(&["check", "--format", "json"], t.path());
    assert_eq!(
        json(&o)["diagnostics"].as_array().unwrap().len(),
        0,
        "{}",
        stdout(&o)
    );
}

#[test]
fn end_of_line_and_file_wide_suppressions() {
    let codes = |o: &std::process::Output| -> Vec<String> {
        json(o)["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let nested = BASE.replace(
        r#"directories = [ "/var/log""#,
        "directories = [\n      \"/var/lib/nixos/x\" # impermalint: allow(IMP104) -- on purpose\n      \"/var/log\"",
    );
    let t = TempDir::with("suppress-eol", &[("configuration.nix", &nested)]);
    let o = run(&["check", "--format", "json"], t.path());
    assert!(codes(&o).is_empty(), "{}", stdout(&o));
    // --no-suppress shows it, and says nothing of the comment.
    let o = run(&["check", "--format", "json", "--no-suppress"], t.path());
    assert_eq!(codes(&o), ["IMP104"], "{}", stdout(&o));

    let file_wide = format!(
        "# impermalint: allow-file(IMP104) -- the whole file\n{}",
        nested.replace(" # impermalint: allow(IMP104) -- on purpose", "")
    );
    t.write("configuration.nix", &file_wide);
    let o = run(&["check", "--format", "json"], t.path());
    assert!(codes(&o).is_empty(), "{}", stdout(&o));

    // Malformed, unknown and misplaced comments are reported, never silently ignored.
    for (comment, words) in [
        ("# impermalint: alow(IMP104)", "suppresses nothing"),
        ("# impermalint: allow(IMP999)", "IMP999, which is no rule"),
        (
            "_module.args.z = 1; # impermalint: allow-file(IMP104)",
            "line of its own",
        ),
    ] {
        let text = nested
            .replace("# impermalint: allow(IMP104) -- on purpose", "")
            .replacen('{', &format!("{{\n  {comment}"), 1);
        t.write("configuration.nix", &text);
        let o = run(&["check", "--format", "json"], t.path());
        let doc = json(&o);
        let imp002: Vec<&serde_json::Value> = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "IMP002")
            .collect();
        assert!(
            imp002
                .iter()
                .any(|d| d["message"].as_str().unwrap().contains(words)),
            "{comment}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn config_file_errors_name_line_column_and_key() {
    let t = TempDir::with(
        "config-errors",
        &[
            ("configuration.nix", BASE),
            ("impermalint.toml", "select = [\"IMP1\"]\nextra-etc = 3\n"),
        ],
    );
    let o = run(&["check"], t.path());
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("impermalint.toml:2:"), "{e}");
    assert!(e.contains("extra-etc"), "{e}");
    t.write("impermalint.toml", "sellect = [\"IMP1\"]\n");
    let e = stderr(&run(&["check"], t.path()));
    assert!(
        e.contains("impermalint.toml:1:1") && e.contains("sellect"),
        "{e}"
    );
}

#[test]
fn config_file_selects_and_overrides() {
    let cfg = BASE.replace("size=2G", "nr=1");
    let t = TempDir::with(
        "config",
        &[
            ("configuration.nix", &cfg),
            ("impermalint.toml", "[severity]\nIMP401 = \"info\"\n"),
        ],
    );
    let o = run(&["check", "--format", "json"], t.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json(&o)["diagnostics"][0]["severity"], "info");
    // Found from a subfolder's point of view too.
    std::fs::create_dir_all(t.path().join("sub")).unwrap();
    t.write("impermalint.toml", "ignore = [\"tmpfs-no-size\"]\n");
    let o = run(&["check", "--format", "json", ".."], &t.path().join("sub"));
    assert_eq!(json(&o)["diagnostics"].as_array().unwrap().len(), 0);
    assert_eq!(
        run(&["check", "--no-config"], t.path()).status.code(),
        Some(1)
    );
    t.write("impermalint.toml", "ignore = [\"IMP999\"]\n");
    let o = run(&["check"], t.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("IMP999"));
    t.write("impermalint.toml", "ignore = [\n");
    assert_eq!(run(&["check"], t.path()).status.code(), Some(2));
}

#[test]
fn config_file_maps_machine_paths() {
    // The configuration imports its shared module by its place on the machine.
    let t = TempDir::with(
        "path-map",
        &[
            (
                "configuration.nix",
                "{ imports = [ ./base.nix /etc/nixos/shared/ssh.nix ]; }\n",
            ),
            ("base.nix", BASE),
            (
                "shared/ssh.nix",
                "{ services.openssh.enable = true;\n  environment.persistence.\"/persist\".directories = [ \"/etc/ssh\" ];\n}\n",
            ),
        ],
    );
    let o = run(&["check", "--format", "json", "."], t.path());
    assert!(
        !json(&o)["hosts"][0]["complete"].as_bool().unwrap(),
        "{}",
        stdout(&o)
    );
    t.write(
        "impermalint.toml",
        "path-map = { \"/etc/nixos\" = \".\" }\n",
    );
    let o = run(&["check", "--format", "json", "."], t.path());
    let doc = json(&o);
    assert!(
        doc["hosts"][0]["complete"].as_bool().unwrap(),
        "{}",
        stdout(&o)
    );
    assert!(
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "IMP101" && d["file"] == "shared/ssh.nix"),
        "{}",
        stdout(&o)
    );
    // A relative machine path is a mistake, said with the file.
    t.write("impermalint.toml", "path-map = { \"etc/nixos\" = \".\" }\n");
    let o = run(&["check", "."], t.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("impermalint.toml: path-map"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn facts_round_trip_gives_the_same_findings() {
    let t = TempDir::new("roundtrip");
    for f in [
        "configuration.nix",
        "hardware-configuration.nix",
        "persist.nix",
    ] {
        std::fs::copy(repo().join("testdata/example").join(f), t.path().join(f)).unwrap();
    }
    let facts = run(&["facts"], t.path());
    assert_eq!(facts.status.code(), Some(0));
    t.write("facts.json", &stdout(&facts));
    let direct = json(&run(&["check", "--format", "json"], t.path()));
    let via_facts = json(&run(
        &["check", "--format", "json", "--facts", "facts.json"],
        t.path(),
    ));
    assert_eq!(direct, via_facts);
    assert!(!direct["diagnostics"].as_array().unwrap().is_empty());
}

#[test]
fn rules_and_explain() {
    let o = run(&["rules"], &repo());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().count(), impermalint::rules::ALL.len());
    let by_code = run(&["explain", "imp101"], &repo());
    let by_name = run(&["explain", "persist-hides-etc"], &repo());
    assert_eq!(by_code.status.code(), Some(0));
    assert_eq!(stdout(&by_code), stdout(&by_name));
    assert!(stdout(&by_code).contains("## Why is this bad?"));
}

#[test]
fn unreadable_and_non_utf8_files_are_findings_not_crashes() {
    let t = TempDir::with(
        "nonutf8",
        &[(
            "configuration.nix",
            "{ imports = [ ./latin1.nix ./folder ]; }",
        )],
    );
    std::fs::write(
        t.path().join("latin1.nix"),
        b"{ networking.hostName = \"caf\xe9\"; }",
    )
    .unwrap();
    std::fs::create_dir_all(t.path().join("folder")).unwrap();
    let o = run(&["check", "--format", "json"], t.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let diags = json(&o)["diagnostics"].as_array().unwrap().clone();
    let msgs: Vec<&str> = diags
        .iter()
        .filter(|d| d["code"] == "IMP001")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        msgs.iter().any(|m| m.contains("not valid UTF-8")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("folder is a directory without default.nix")),
        "{msgs:?}"
    );
}

#[test]
fn rules_as_json_completions_man_and_output() {
    let t = TempDir::with("tools", &[("configuration.nix", BASE)]);
    let rules: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["rules", "--format", "json"], t.path()))).unwrap();
    let list = rules["rules"].as_array().unwrap();
    assert_eq!(list.len(), impermalint::rules::ALL.len());
    assert!(list.iter().all(|r| {
        r["documentation"]
            .as_str()
            .is_some_and(|d| d.contains("## Why"))
    }));
    let bash = stdout(&run(&["completions", "bash"], t.path()));
    assert!(
        bash.contains("impermalint") && bash.contains("--allow-path"),
        "{bash}"
    );
    let man = stdout(&run(&["man"], t.path()));
    assert!(man.contains(".TH") && man.contains("impermalint"), "{man}");
    // --output: the report in the file, written whole; a summary on stderr.
    let out = t.path().join("report.json");
    let o = run(
        &[
            "check",
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
            ".",
        ],
        t.path(),
    );
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(doc["diagnostics"].is_array());
    assert!(stderr(&o).starts_with("impermalint: "), "{}", stderr(&o));
    let left: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".impermalint-"))
        .collect();
    assert!(left.is_empty(), "temporary files left behind");
}

#[test]
fn sarif_uris_fingerprints_and_related_locations() {
    let persist =
        "{ environment.persistence.\"/persist\".directories = [ \"/etc/NetworkManager\" ]; }\n";
    let t = TempDir::with(
        "sarif",
        &[
            (
                "configuration.nix",
                "{ imports = [ ./base.nix \"${./.}/dir with space/é%.nix\" ./net.nix ]; }\n",
            ),
            ("base.nix", BASE),
            ("dir with space/é%.nix", persist),
            ("net.nix", "{ networking.networkmanager.enable = true; }\n"),
        ],
    );
    let sarif = |t: &TempDir| -> serde_json::Value {
        serde_json::from_str(&stdout(&run(
            &["check", "--format", "sarif", "."],
            t.path(),
        )))
        .unwrap()
    };
    let doc = sarif(&t);
    let run0 = &doc["runs"][0];
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    assert!(
        run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("file:///")
    );
    let result = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "IMP101")
        .unwrap_or_else(|| panic!("{doc}"))
        .clone();
    let loc = &result["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "dir%20with%20space/%C3%A9%25.nix");
    assert_eq!(loc["uriBaseId"], "%SRCROOT%");
    let related = result["relatedLocations"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["physicalLocation"]["artifactLocation"]["uri"] == "net.nix"),
        "{result}"
    );
    let rule = run0["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "IMP101")
        .unwrap()
        .clone();
    assert_ne!(
        rule["fullDescription"]["text"],
        rule["shortDescription"]["text"]
    );
    // The fingerprint holds across runs and an edit elsewhere in the file.
    let fp = result["partialFingerprints"]["impermalint/v1"].clone();
    assert!(fp.is_string());
    t.write(
        "dir with space/é%.nix",
        &format!("# a comment above\n\n{persist}"),
    );
    let again = sarif(&t);
    let r2 = again["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "IMP101")
        .unwrap()
        .clone();
    assert_eq!(r2["partialFingerprints"]["impermalint/v1"], fp);
    assert_ne!(
        r2["locations"][0]["physicalLocation"]["region"]["startLine"],
        result["locations"][0]["physicalLocation"]["region"]["startLine"]
    );
}

#[test]
fn human_output_clips_long_lines_around_the_finding() {
    // A one-line configuration of about 1 MB with a finding at its end.
    let items: String = (0..60_000).map(|i| format!("\"/var/lib/x{i}\" ")).collect();
    let cfg = format!(
        "{{ ... }}: {{ fileSystems.\"/\" = {{ device = \"none\"; fsType = \"tmpfs\"; }}; services.openssh.enable = true; environment.persistence.\"/persist\".directories = [ {items}\"/etc/ssh\" ]; }}"
    );
    let t = TempDir::with("long-line", &[("configuration.nix", &cfg)]);
    let o = run(&["check", "--no-config", "configuration.nix"], t.path());
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(text.len() < 20_000, "{} bytes of output", text.len());
    assert!(
        text.lines().all(|l| l.chars().count() < 400),
        "a long line was printed"
    );
    // The window shows the finding's own text, with the caret under it.
    let at = text.find("IMP101").expect("the IMP101 finding");
    let block: Vec<&str> = text[at..].lines().take(6).collect();
    let code = block
        .iter()
        .find(|l| l.contains("\"/etc/ssh\""))
        .expect("the span is shown");
    let carets = block.iter().find(|l| l.contains('^')).unwrap();
    let col = code
        .chars()
        .position(|c| c == '"')
        .map(|_| code.find("\"/etc/ssh\"").unwrap());
    assert_eq!(
        carets.chars().position(|c| c == '^'),
        col.map(|c| code[..c].chars().count()),
        "{block:#?}"
    );
}
