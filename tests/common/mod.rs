//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod lsp_client;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh folder under the system temp dir, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "impermalint-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Writes files given as (relative path, content).
    pub fn with(tag: &str, files: &[(&str, &str)]) -> TempDir {
        let t = TempDir::new(tag);
        for (name, text) in files {
            t.write(name, text);
        }
        t
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_impermalint"));
    c.env("NO_COLOR", "1");
    c
}

pub fn run(args: &[&str], cwd: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A sound ephemeral-root configuration to build test cases on.
pub const BASE: &str = r#"{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=2G" "mode=755" ]; };
  fileSystems."/nix" = { device = "/dev/disk/by-label/nix"; fsType = "ext4"; };
  fileSystems."/persist" = { device = "/dev/disk/by-label/persist"; fsType = "ext4"; neededForBoot = true; };
  boot.initrd.systemd.enable = true;
  environment.persistence."/persist" = {
    directories = [ "/var/log" "/var/lib/nixos" "/var/lib/systemd" ];
    files = [ "/etc/machine-id" ];
  };
  users.mutableUsers = false;
}
"#;

/// Whether `tool` is installed. Without it a test says so loudly and does not run; under CI
/// (where `.ci/run` installs it) that is a failure instead.
pub fn tool_available(tool: &str, what: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("\n*** {tool} is not installed: {what} DO NOT RUN ***\n");
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install {tool} for {what}"
        );
    }
    found
}

/// Copies a folder tree (a case) into another folder.
pub fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
            // Writable, as a user's checkout is (the cases may be read-only).
            let mut perms = std::fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&target, perms).unwrap();
        }
    }
}

/// The acceptance cases (../shared/acceptance/cases), or None, said loudly, when the folder is
/// not beside the repository (CI always has it).
pub fn acceptance_cases(what: &str) -> Option<Vec<PathBuf>> {
    let cases = repo().join("../shared/acceptance/cases");
    if !cases.is_dir() {
        eprintln!(
            "\n*** ../shared/acceptance is not beside the repository: {what} DOES NOT RUN ***\n"
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "CI has shared/ beside main"
        );
        return None;
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(&cases)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    out.sort();
    Some(out)
}

/// The findings of a folder that have a mechanical fix: (file, code, line), from
/// `check --format json`.
pub fn fixable_findings(dir: &Path) -> Vec<(String, String, u64)> {
    let o = run(&["check", "--format", "json", "."], dir);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["fix"].is_null())
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_string(),
                d["code"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}
