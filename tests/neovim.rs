//! A real editor: Neovim's built-in LSP client attached to `impermalint lsp` shows the findings
//! on the right lines. Needs `nvim` (CI installs Debian's neovim); without it the test says so
//! loudly and does not run, and with `CI` set it fails instead.

mod common;
use common::*;
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
