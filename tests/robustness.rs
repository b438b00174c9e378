//! No panic, hang or stack overflow on any input: mutated configurations, symlink loops,
//! oversized files. A panic anywhere fails the test.

mod common;
use common::*;
use impermalint::app::lint;
use impermalint::report::{self, Format};
use impermalint::settings::Settings;
use std::path::{Path, PathBuf};

fn nix_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            nix_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "nix") {
            out.push(p);
        }
    }
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ";",
    "=",
    "${",
    "''",
    "\"",
    "rec",
    "let",
    "in",
    "with",
    "inherit",
    ":",
    "@",
    "...",
    "import ./.",
    "lib.mkIf",
    "config",
    "//",
    "++",
    "?",
    "or",
    "./x.nix",
    "<nixpkgs>",
    "\\",
    "#",
    "/*",
    "é",
    "\u{0}",
];

fn check_text(t: &TempDir, text: &str) {
    t.write("case/configuration.nix", text);
    if let Ok(mut loaded) = impermalint::nix::frontend::load(&t.path().join("case")) {
        let diags = lint(&loaded.hosts, &Settings::default(), &mut loaded.sources);
        let coverage = report::Coverage::of(&loaded.hosts);
        for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
            let mut out = Vec::new();
            report::write(
                format,
                &diags,
                &coverage,
                &mut loaded.sources,
                &mut out,
                false,
            )
            .unwrap();
        }
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let mut files = Vec::new();
    nix_files(&repo().join("testdata"), &mut files);
    let acceptance = repo().join("../shared/acceptance/cases");
    if acceptance.is_dir() {
        nix_files(&acceptance, &mut files);
    }
    files.sort();
    assert!(files.len() > 50);
    let t = TempDir::new("mutate");
    // Imports of the fixtures resolve inside the temp folder: give them something to find.
    t.write("case/base.nix", BASE);
    t.write("baseline.nix", BASE);
    let mut rng = Rng(0x5eed);
    let mut variants = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let chars: Vec<char> = text.chars().collect();
        for _ in 0..6 {
            let cut = rng.next(chars.len() + 1);
            check_text(&t, &chars[..cut].iter().collect::<String>());
            let mut v = chars.clone();
            if !v.is_empty() {
                v.remove(rng.next(v.len()));
            }
            let at = rng.next(v.len() + 1);
            for (i, c) in TOKENS[rng.next(TOKENS.len())].chars().enumerate() {
                v.insert(at + i, c);
            }
            check_text(&t, &v.iter().collect::<String>());
            variants += 2;
        }
    }
    assert!(variants > 500);
}

#[test]
fn symlink_loops_and_odd_trees() {
    let t = TempDir::with(
        "links",
        &[("configuration.nix", BASE), ("sub/a.nix", "{ }")],
    );
    std::os::unix::fs::symlink(t.path(), t.path().join("sub/loop")).unwrap();
    std::os::unix::fs::symlink(t.path().join("nowhere.nix"), t.path().join("dangling.nix"))
        .unwrap();
    let loaded = impermalint::nix::frontend::load(t.path()).unwrap();
    assert_eq!(loaded.hosts.len(), 1);
    // A folder with no configuration.nix: every file is a module; the dangling link is skipped.
    std::fs::remove_file(t.path().join("configuration.nix")).unwrap();
    let loaded = impermalint::nix::frontend::load(t.path()).unwrap();
    assert_eq!(loaded.hosts.len(), 1);
}

#[test]
fn oversized_file_is_a_finding() {
    let t = TempDir::with(
        "large",
        &[("configuration.nix", "{ imports = [ ./big.nix ]; }")],
    );
    let f = std::fs::File::create(t.path().join("big.nix")).unwrap();
    f.set_len(impermalint::nix::files::MAX_FILE_BYTES + 1)
        .unwrap();
    let loaded = impermalint::nix::frontend::load(t.path()).unwrap();
    assert!(
        loaded.hosts[0]
            .source_errors
            .iter()
            .any(|e| e.message.contains("too large")
                && e.help.as_deref().is_some_and(|h| h.contains("32 MiB"))),
        "{:?}",
        loaded.hosts[0].source_errors
    );
}

/// 100,000-deep nesting of every kind ends quickly (linear time to reject or read), through
/// the real binary, with an exit status of 0, 1 or 2 and no crash.
#[test]
fn deep_nesting_of_every_kind_ends_quickly() {
    let n = 100_000;
    let cases: Vec<(&str, String)> = vec![
        ("lists", format!("{}{}", "[".repeat(n), "]".repeat(n))),
        (
            "sets",
            format!("{}1{}", "{ a = ".repeat(n), "; }".repeat(n)),
        ),
        ("parens", format!("{}1{}", "(".repeat(n), ")".repeat(n))),
        (
            "lets",
            format!("{}1{}", "let a = ".repeat(n), "; in a".repeat(n)),
        ),
        (
            "interpolations",
            format!("{}x{}", "\"${".repeat(n), "}\"".repeat(n)),
        ),
        ("applications", format!("{}1", "f ".repeat(n))),
        ("lambdas", format!("{}1", "x: ".repeat(n))),
    ];
    for (name, expr) in cases {
        let t = TempDir::with(
            "deep",
            &[(
                "configuration.nix",
                &format!("{{ imports = [ {{ x = {expr}; }} ]; }}"),
            )],
        );
        let start = std::time::Instant::now();
        let out = run(&["check", "--format", "json"], t.path());
        let took = start.elapsed();
        assert!(
            matches!(out.status.code(), Some(0) | Some(1) | Some(2)),
            "{name}: exit {:?}",
            out.status.code()
        );
        assert!(
            took < std::time::Duration::from_secs(10),
            "{name}: took {took:?}"
        );
    }
}

/// Folds that rebuild a growing set, list or string thousands of times (quadratic work in Nix
/// too), and a builtin scanning a long list inside a loop, meet the step budget: an unknown
/// value, quickly, not minutes and gigabytes.
#[test]
fn quadratic_folds_meet_the_step_budget() {
    let cases = [
        (
            "update",
            r#"builtins.attrNames (builtins.foldl' (acc: x: acc // { "k${toString x}" = x; }) { } (lib.range 1 20000))"#,
        ),
        (
            "concat",
            "builtins.foldl' (acc: x: acc ++ [ x ]) [ ] (lib.range 1 30000)",
        ),
        (
            "strings",
            r#"builtins.foldl' (acc: x: acc + "xxxxxxxxxx") "" (lib.range 1 100000)"#,
        ),
        (
            "interpolation",
            r#"builtins.foldl' (acc: x: "${acc}xxxxxxxxxx") "" (lib.range 1 100000)"#,
        ),
        (
            "recursive-update",
            r#"builtins.attrNames (builtins.foldl' (acc: x: lib.recursiveUpdate acc { "k${toString x}" = x; }) { } (lib.range 1 20000))"#,
        ),
        (
            "elem-in-filter",
            "builtins.filter (x: builtins.elem x (lib.range 1 100000)) (lib.range 1 100000)",
        ),
    ];
    for (name, expr) in cases {
        let t = TempDir::with(
            "quadratic",
            &[(
                "configuration.nix",
                &format!(
                    "{{ lib, ... }}:\n{{\n  environment.persistence.\"/p\".directories = [ \"/v/${{builtins.toJSON ({expr})}}\" ];\n  fileSystems.\"/\" = {{ device = \"none\"; fsType = \"tmpfs\"; options = [ \"mode=755\" \"size=1G\" ]; }};\n}}\n"
                ),
            )],
        );
        let start = std::time::Instant::now();
        let out = run(&["check", "--format", "json"], t.path());
        let took = start.elapsed();
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "{name}: exit {:?}: {}",
            out.status.code(),
            stderr(&out)
        );
        assert!(
            took < std::time::Duration::from_secs(10),
            "{name}: took {took:?}"
        );
    }
}

/// Every file of a tree with its length and modification time: the check writes nothing.
fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let m = std::fs::symlink_metadata(e.path()).unwrap();
            if m.is_dir() {
                stack.push(e.path());
            }
            out.push((e.path(), m.len(), m.modified().unwrap()));
        }
    }
    out.sort();
    out
}

/// Runs the binary on a tree: an exit status of 0, 1 or 2 within `bound`, a message on stderr
/// when it is 2, and the tree unchanged.
fn ends_cleanly(name: &str, dir: &Path, bound: std::time::Duration) -> std::process::Output {
    let before = snapshot(dir);
    let start = std::time::Instant::now();
    let out = run(&["check", "--format", "json", "."], dir);
    let took = start.elapsed();
    assert!(
        matches!(out.status.code(), Some(0) | Some(1) | Some(2)),
        "{name}: exit {:?}: {}",
        out.status.code(),
        stderr(&out)
    );
    if out.status.code() == Some(2) {
        assert!(
            !stderr(&out).trim().is_empty(),
            "{name}: exit 2 with no message"
        );
    }
    assert!(took < bound, "{name}: took {took:?}");
    assert_eq!(before, snapshot(dir), "{name}: the check changed the tree");
    out
}

#[test]
fn hostile_trees_end_cleanly_and_write_nothing() {
    let t = TempDir::with(
        "hostile",
        &[
            (
                "configuration.nix",
                "{ imports = [ ./a.nix ./self.nix ./empty.nix ./binary.nix ./fifo.nix /dir/outside.nix (./. + \"/dir with spaces/ü.nix\") ]; }",
            ),
            // An import cycle, and a file importing itself.
            ("a.nix", "{ imports = [ ./b.nix ]; }"),
            ("b.nix", "{ imports = [ ./a.nix ]; }"),
            ("self.nix", "{ imports = [ ./self.nix ]; }"),
            ("empty.nix", ""),
            (
                "dir with spaces/ü.nix",
                "{ environment.persistence.\"/p\".directories = [ \"/var/lib/ü\" ]; }",
            ),
        ],
    );
    std::fs::write(
        t.path().join("binary.nix"),
        [0u8, 159, 146, 150, 0, 255, 254, 7, 0, 1, 2, 3],
    )
    .unwrap();
    // A FIFO named .nix: reading it would wait for a writer forever.
    let fifo = std::ffi::CString::new(t.path().join("fifo.nix").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let out = ends_cleanly("hostile", t.path(), std::time::Duration::from_secs(20));
    let text = stdout(&out);
    for what in ["not a regular file", "not valid UTF-8"] {
        assert!(text.contains(what), "{what}: {text}");
    }
}

#[test]
fn a_hundred_thousand_files_end_cleanly() {
    let t = TempDir::with(
        "many",
        &[("configuration.nix", "{ imports = [ ./m/f0.nix ]; }")],
    );
    let m = t.path().join("m");
    std::fs::create_dir_all(&m).unwrap();
    for i in 0..100_000 {
        std::fs::write(m.join(format!("f{i}.nix")), "{ }").unwrap();
    }
    ends_cleanly(
        "100,000 files",
        t.path(),
        std::time::Duration::from_secs(120),
    );
}
