//! Edit-to-diagnostics latency of `impermalint lsp`, and its resident memory, on a host whose
//! edited file has 1,000 lines and whose configuration has 200 modules. Run on purpose:
//! `cargo bench --bench lsp_latency`.

#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;

use lsp_client::Server;
use serde_json::json;
use std::time::{Duration, Instant};

/// How long the server may take to answer while measured.
const LIMIT: Duration = Duration::from_secs(60);

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

    let mut server = Server::start(&dir);
    let uri = format!(
        "file://{}",
        std::fs::canonicalize(dir.join("big.nix"))
            .unwrap()
            .display()
    );
    let root = format!("file://{}", std::fs::canonicalize(&dir).unwrap().display());
    server.request(
        "initialize",
        json!({"processId": null, "rootUri": root, "capabilities": {}}),
    );
    server.notify("initialized", json!({}));
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "nix", "version": 1, "text": big}}),
    );
    let is_pub = |m: &serde_json::Value| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
    };
    server.wait_for(LIMIT, is_pub);
    let mut times = Vec::new();
    for v in 0..30 {
        let text = big.replace("\"0\";", &format!("\"{v}x\";"));
        let start = Instant::now();
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v + 2}, "contentChanges": [{"text": text}]}),
        );
        server.wait_for(LIMIT, is_pub);
        times.push(start.elapsed());
    }
    times.sort();
    // Memory an analysis keeps after it ends grows with every edit: 270 more edits show it.
    let pid = server.child.id();
    let status = |key: &str| -> String {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| s.lines().find(|l| l.starts_with(key)).map(str::to_string))
            .map(|l| l.trim_start_matches(key).trim().to_string())
            .unwrap_or_else(|| "unknown".into())
    };
    let after_30 = status("VmRSS:");
    for v in 30..300 {
        let text = big.replace("\"0\";", &format!("\"{v}x\";"));
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v + 2}, "contentChanges": [{"text": text}]}),
        );
        server.wait_for(LIMIT, is_pub);
    }
    println!(
        "server resident memory after 30 edits: {after_30}; after 300 edits: {}",
        status("VmRSS:")
    );
    let rss = std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))
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
    server.request("shutdown", serde_json::Value::Null);
    server.notify("exit", serde_json::Value::Null);
    let _ = server.child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
