//! A real editor: Neovim's built-in LSP client attached to `impermalint lsp` shows the findings
//! on the right lines. Needs `nvim` (CI installs Debian's neovim); without it the test says so
//! loudly and does not run, and with `CI` set it fails instead.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn neovim_shows_the_findings_on_their_lines() {
    if !tool_available("nvim", "the Neovim LSP test") {
        return;
    }
    let ssh = "{ ... }:\n{\n  services.openssh.enable = true;\n  environment.persistence.\"/persist\".directories = [ \"/etc/ssh\" ];\n}\n";
    let t = TempDir::with(
        "nvim",
        &[
            (
                "configuration.nix",
                "{ imports = [ ./base.nix ./ssh.nix ]; }\n",
            ),
            ("base.nix", BASE),
            ("ssh.nix", ssh),
        ],
    );
    let root = std::fs::canonicalize(t.path()).unwrap();
    let script = repo().join("tests/nvim/diagnostics.lua");
    let out = Command::new("nvim")
        .args(["--headless", "--clean", "-n"])
        .arg(root.join("ssh.nix"))
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("IMPERMALINT_BIN", env!("CARGO_BIN_EXE_impermalint"))
        .env("IMPERMALINT_ROOT", &root)
        .current_dir(&root)
        .stdin(Stdio::null())
        .output()
        .expect("nvim runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.trim() == "IMP101 4"),
        "Neovim received: {text:?}; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The fixable findings of a folder, as (file, "CODE LINE").
fn fixable(dir: &Path) -> Vec<(String, String)> {
    fixable_findings(dir)
        .into_iter()
        .map(|(file, code, line)| (file, format!("{code} {line}")))
        .collect()
}

/// Neovim on `file` with tests/nvim/fix.lua: what it printed.
fn nvim_fix(root: &Path, file: &str) -> String {
    let script = repo().join("tests/nvim/fix.lua");
    let out = Command::new("nvim")
        .args(["--headless", "--clean", "-n"])
        .arg(root.join(file))
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("IMPERMALINT_BIN", env!("CARGO_BIN_EXE_impermalint"))
        .env("IMPERMALINT_ROOT", root)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .expect("nvim runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.lines().any(|l| l == "done"),
        "the script did not finish: {text:?}; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

#[test]
fn neovim_applies_the_fixes_of_the_acceptance_cases() {
    if !tool_available("nvim", "the Neovim fix test") {
        return;
    }
    let Some(cases) = acceptance_cases("the Neovim fix test") else {
        return;
    };
    let mut fixed = 0;
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let t = TempDir::new("nvim-fix");
        copy_tree(&case, t.path());
        let root = std::fs::canonicalize(t.path()).unwrap();
        let before = fixable(&root);
        let mut files: Vec<&String> = before.iter().map(|(f, _)| f).collect();
        files.dedup();
        for file in files {
            let text = nvim_fix(&root, file);
            // Neovim shows each fixable finding of the file on its line…
            for (_, finding) in before.iter().filter(|(f, _)| f == file) {
                assert!(
                    text.lines().any(|l| l == format!("before {finding}")),
                    "{name}/{file}: Neovim did not show {finding}: {text}"
                );
            }
            // …and after the code actions, none of them.
            for (_, finding) in before.iter().filter(|(f, _)| f == file) {
                assert!(
                    !text.lines().any(|l| l == format!("after {finding}")),
                    "{name}/{file}: {finding} is still shown after the fix: {text}"
                );
            }
        }
        if !before.is_empty() {
            let left = fixable(&root);
            assert!(left.is_empty(), "{name}: still fixable: {left:?}");
            fixed += 1;
        }
    }
    assert!(fixed >= 3, "only {fixed} acceptance cases had fixes");
}
