//! Running `nix`: stdin closed, output read in the background, killed when it runs too long or
//! when dropped, and its own error message kept for the user.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub enum NixError {
    /// `nix` is not on PATH.
    Missing,
    /// Could not start or talk to it.
    Io(String),
    /// It ran and failed: its stderr.
    Failed(String),
    TimedOut(Duration),
}

impl NixError {
    /// A one-line cause, for the exit-2 message.
    pub fn describe(&self, what: &str) -> String {
        match self {
            NixError::Missing => "nix is not installed or not on PATH: --flake and --file evaluate with Nix (`impermalint check PATH` reads .nix files without it)".to_string(),
            NixError::Io(e) => format!("{what}: cannot run nix: {e}"),
            NixError::TimedOut(d) => format!("{what}: nix eval did not finish within {} s (raise --timeout)", d.as_secs()),
            NixError::Failed(stderr) => format!("{what}: nix eval failed: {}", trim_nix_error(stderr)),
        }
    }
}

/// The meaningful part of nix's error output, on one line.
pub fn trim_nix_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("warning:")
                && !l.starts_with("… ")
                && !l.starts_with("(use '--show-trace'")
        })
        .collect();
    // The last "error:" line is the cause; nix prints the trace above it.
    let start = lines
        .iter()
        .rposition(|l| l.starts_with("error:"))
        .unwrap_or(0);
    let mut text = lines[start..].join(" ");
    if let Some(rest) = text.strip_prefix("error: ") {
        text = rest.to_string();
    }
    if text.chars().count() > 400 {
        text = text.chars().take(400).collect::<String>() + "…";
    }
    if text.is_empty() {
        "no message".to_string()
    } else {
        text
    }
}

pub struct Nix {
    program: String,
}

pub fn nix_command() -> Nix {
    Nix {
        program: std::env::var("IMPERMALINT_NIX").unwrap_or_else(|_| "nix".to_string()),
    }
}

/// Kills the child when the run is abandoned (timeout, panic, early return).
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Nix {
    /// `nix eval --json ARGS`, returning stdout.
    pub fn eval_json(&self, args: &[String], timeout: Duration) -> Result<String, NixError> {
        let mut cmd = Command::new(&self.program);
        cmd.args([
            "--extra-experimental-features",
            "nix-command flakes",
            "eval",
            "--json",
            "--no-write-lock-file",
        ])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let child = cmd.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => NixError::Missing,
            _ => NixError::Io(e.to_string()),
        })?;
        let mut child = KillOnDrop(child);
        let mut stdout = child
            .0
            .stdout
            .take()
            .ok_or_else(|| NixError::Io("no stdout".into()))?;
        let mut stderr = child
            .0
            .stderr
            .take()
            .ok_or_else(|| NixError::Io("no stderr".into()))?;
        let out = std::thread::spawn(move || {
            let mut s = String::new();
            stdout.read_to_string(&mut s).map(|_| s)
        });
        let err = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        let started = Instant::now();
        let status = loop {
            match child.0.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() >= timeout => {
                    return Err(NixError::TimedOut(timeout));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(NixError::Io(e.to_string())),
            }
        };
        let stdout = out
            .join()
            .map_err(|_| NixError::Io("reader failed".into()))?
            .map_err(|e| NixError::Io(e.to_string()))?;
        let stderr = err.join().unwrap_or_default();
        if !status.success() {
            return Err(NixError::Failed(stderr));
        }
        Ok(stdout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_cause_of_a_nix_error() {
        let stderr = "warning: Git tree is dirty\nerror:\n       … while evaluating the attribute 'x'\n\n       error: attribute 'nixosConfigurations' missing\n\n       at «string»:1:1:\n(use '--show-trace' to show detailed location information)\n";
        assert_eq!(
            trim_nix_error(stderr),
            "attribute 'nixosConfigurations' missing at «string»:1:1:"
        );
    }
}
