//! Edit-to-diagnostics latency of `impermalint lsp`, and its resident memory, on a host whose
//! edited file has 1,000 lines and whose configuration has 200 modules. Run on purpose:
//! `cargo bench --bench lsp_latency`.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn main() {
    let dir = std::env::temp_dir().join(format!("impermalint-lsp-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("modules")).unwrap();
    let mut imports = String::new();
    for i in 0..200 {
        imports.push_str(&format!("    ./modules/m{i}.nix\n"));
        std::fs::write(
            dir.join(format!("modules/m{i}.nix")),
            format!("{{ lib, ... }}: {{ options.my.m{i}.enable = lib.mkEnableOption \"m{i}\"; config = {{ environment.persistence.\"/persist\".directories = [ \"/var/lib/m{i}\" ]; }}; }}\n"),
        )
        .unwrap();
    }
    // The edited file: 1,000 lines.
    let mut big = String::from("{ lib, ... }:\n{\n");
    for i in 0..997 {
        big.push_str(&format!(
            "  environment.etc.\"bench/f{i}\".text = \"{i}\";\n"
        ));
    }
    big.push_str("}\n");
    std::fs::write(dir.join("big.nix"), &big).unwrap();
    std::fs::write(
        dir.join("configuration.nix"),
        format!("{{ ... }}:\n{{\n  imports = [\n{imports}    ./big.nix\n  ];\n  fileSystems.\"/\" = {{ device = \"none\"; fsType = \"tmpfs\"; options = [ \"size=2G\" \"mode=755\" ]; }};\n  fileSystems.\"/persist\" = {{ device = \"/dev/sda2\"; fsType = \"ext4\"; neededForBoot = true; }};\n}}\n"),
    )
    .unwrap();

    let bin = env!("CARGO_BIN_EXE_impermalint");
    let mut child = Command::new(bin)
        .arg("lsp")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<serde_json::Value>();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut len = 0;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    len = v.parse().unwrap();
                }
            }
            let mut body = vec![0; len];
            if r.read_exact(&mut body).is_err()
                || tx.send(serde_json::from_slice(&body).unwrap()).is_err()
            {
                return;
            }
        }
    });
    let mut send = |v: serde_json::Value| {
        let b = v.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{b}", b.len()).unwrap();
        stdin.flush().unwrap();
    };
    let uri = format!(
        "file://{}",
        std::fs::canonicalize(dir.join("big.nix"))
            .unwrap()
            .display()
    );
    let root = format!("file://{}", std::fs::canonicalize(&dir).unwrap().display());
    send(
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": root, "capabilities": {}}}),
    );
    let wait = |pred: &dyn Fn(&serde_json::Value) -> bool| loop {
        let m = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("server answers");
        if pred(&m) {
            return;
        }
    };
    wait(&|m| m["id"] == 1);
    send(serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    send(
        serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "nix", "version": 1, "text": big}}}),
    );
    let is_pub = |m: &serde_json::Value| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
    };
    wait(&is_pub);
    let mut times = Vec::new();
    for v in 0..30 {
        let text = big.replace("\"0\";", &format!("\"{v}x\";"));
        let start = Instant::now();
        send(
            serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": v + 2}, "contentChanges": [{"text": text}]}}),
        );
        wait(&is_pub);
        times.push(start.elapsed());
    }
    times.sort();
    let rss = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "VmHWM: unknown".into());
    println!(
        "edit to diagnostics, 200 modules, 1,000-line file: median {:?}, min {:?}, max {:?}",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    println!(
        "server peak resident memory: {}",
        rss.trim_start_matches("VmHWM:").trim()
    );
    send(serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
    send(serde_json::json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
