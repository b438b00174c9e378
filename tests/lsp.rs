//! The language server through the real binary, speaking JSON-RPC over stdio.

mod common;
use common::lsp_client::Server;
use common::*;
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

fn uri(p: &std::path::Path) -> String {
    format!("file://{}", p.display())
}

#[test]
fn diagnostics_as_you_type_in_utf16_and_a_clean_shutdown() {
    let t = TempDir::with(
        "lsp",
        &[
            (
                "configuration.nix",
                "{ imports = [ ./base.nix ./ssh.nix ]; }\n",
            ),
            ("base.nix", BASE),
        ],
    );
    let root = std::fs::canonicalize(t.path()).unwrap();
    // Non-ASCII before the finding on its line: columns are UTF-16 code units.
    let ssh = "{ ... }:\n{\n  services.openssh.enable = true;\n  environment.persistence.\"/persist\".directories = [ /* é𝄞 */ \"/etc/ssh\" ];\n}\n";
    std::fs::write(root.join("ssh.nix"), ssh).unwrap();
    let mut s = Server::start(&root);
    let init = s.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root), "capabilities": {"general": {"positionEncodings": ["utf-16"]}}}),
    );
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    s.notify("initialized", json!({}));
    let ssh_uri = uri(&root.join("ssh.nix"));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": ssh_uri, "languageId": "nix", "version": 1, "text": ssh}}),
    );
    let diags = s.diagnostics_for(&ssh_uri);
    let d = diags
        .iter()
        .find(|d| d["code"] == "IMP101")
        .unwrap_or_else(|| panic!("no IMP101: {diags:?}"));
    assert_eq!(d["source"], "impermalint");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["range"]["start"]["line"], 3);
    // `  environment.persistence."/persist".directories = [ /* é𝄞 */ ` is 61 UTF-16 units.
    let line = ssh.lines().nth(3).unwrap();
    let col: usize = line[..line.find("\"/etc/ssh\"").unwrap()]
        .encode_utf16()
        .count();
    assert_eq!(d["range"]["start"]["character"], col);
    assert!(d["relatedInformation"].is_array(), "{d}");

    // Hover on the finding shows the rule's documentation.
    let hover = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": ssh_uri}, "position": d["range"]["start"]}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("IMP101"), "{hover}");

    // A quick fix suppresses it with a reason, on the line before.
    let actions = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": ssh_uri}, "range": d["range"],
               "context": {"diagnostics": [d]}}),
    );
    let titles: Vec<&str> = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"Persist the SSH host key files instead of /etc/ssh"),
        "{actions}"
    );
    let suppress = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Suppress"))
        })
        .unwrap_or_else(|| panic!("no suppression: {actions}"));
    let edit = &suppress["edit"]["changes"][&ssh_uri][0];
    assert_eq!(edit["range"]["start"]["line"], 3, "{actions}");
    assert_eq!(
        edit["newText"], "  # impermalint: allow(IMP101) -- \n",
        "{actions}"
    );

    // Applying it clears the finding; taking it out brings the finding back.
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ssh_uri, "version": 2},
               "contentChanges": [{"range": edit["range"], "text": edit["newText"]}]}),
    );
    let suppressed = s.diagnostics_for(&ssh_uri);
    assert!(
        !suppressed.iter().any(|d| d["code"] == "IMP101"),
        "{suppressed:?}"
    );
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ssh_uri, "version": 3},
               "contentChanges": [{"range": {"start": {"line": 3, "character": 0}, "end": {"line": 4, "character": 0}}, "text": ""}]}),
    );
    let back = s.diagnostics_for(&ssh_uri);
    assert!(back.iter().any(|d| d["code"] == "IMP101"), "{back:?}");

    // An incremental edit that fixes it clears the finding.
    let start = json!({"line": 3, "character": col});
    let end = json!({"line": 3, "character": col + "\"/etc/ssh\"".len()});
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ssh_uri, "version": 4},
               "contentChanges": [{"range": {"start": start, "end": end}, "text": "\"/etc/ssh/ssh_host_ed25519_key\""}]}),
    );
    let after = s.diagnostics_for(&ssh_uri);
    assert!(!after.iter().any(|d| d["code"] == "IMP101"), "{after:?}");

    // Unknown requests get an error, not a crash.
    let unknown = s.request("textDocument/nothing", json!({}));
    assert!(unknown["error"].is_object(), "{unknown}");

    let shutdown = s.request("shutdown", Value::Null);
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    s.notify("exit", Value::Null);
    let status = s.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[test]
fn an_edit_in_another_file_updates_the_findings() {
    let t = TempDir::with(
        "lsp2",
        &[
            (
                "configuration.nix",
                "{ imports = [ ./base.nix ./persist.nix ./net.nix ]; }\n",
            ),
            ("base.nix", BASE),
            (
                "persist.nix",
                "{ environment.persistence.\"/persist\".directories = [ \"/etc/NetworkManager\" ]; }\n",
            ),
            ("net.nix", "{ networking.networkmanager.enable = true; }\n"),
        ],
    );
    let root = std::fs::canonicalize(t.path()).unwrap();
    let mut s = Server::start(&root);
    s.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root), "capabilities": {}}),
    );
    s.notify("initialized", json!({}));
    let persist = uri(&root.join("persist.nix"));
    let net = uri(&root.join("net.nix"));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": net, "languageId": "nix", "version": 1,
               "text": "{ networking.networkmanager.enable = true; }\n"}}),
    );
    let diags = s.diagnostics_for(&persist);
    assert!(diags.iter().any(|d| d["code"] == "IMP101"), "{diags:?}");
    // Turning NetworkManager off in net.nix clears the finding in persist.nix.
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": net, "version": 2},
               "contentChanges": [{"text": "{ networking.networkmanager.enable = false; }\n"}]}),
    );
    let after = s.diagnostics_for(&persist);
    assert!(after.is_empty(), "{after:?}");
    s.request("shutdown", Value::Null);
    s.notify("exit", Value::Null);
    assert!(s.child.wait().unwrap().success());
}

#[test]
fn malformed_input_and_closed_stdin_end_cleanly() {
    let t = TempDir::with("lsp3", &[("configuration.nix", BASE)]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_impermalint"))
        .arg("lsp")
        .current_dir(t.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(b"Content-Length: 5\r\n\r\n{oops");
    }
    let start = std::time::Instant::now();
    loop {
        if let Some(_status) = child.try_wait().unwrap() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the server did not exit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_fix_code_action_clears_its_finding() {
    let cfg = "{ ... }:\n{\n  imports = [ ./base.nix ];\n  fileSystems.\"/state\" = {\n    device = \"/dev/sdb1\";\n    fsType = \"ext4\";\n  };\n  environment.persistence.\"/state\".directories = [ \"/srv\" ];\n}\n";
    let t = TempDir::with("lsp-fix", &[("configuration.nix", cfg), ("base.nix", BASE)]);
    let root = std::fs::canonicalize(t.path()).unwrap();
    let mut s = Server::start(&root);
    s.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root), "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}),
    );
    s.notify("initialized", json!({}));
    let u = uri(&root.join("configuration.nix"));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": u, "languageId": "nix", "version": 1, "text": cfg}}),
    );
    let diags = s.diagnostics_for(&u);
    let d = diags
        .iter()
        .find(|d| d["code"] == "IMP201")
        .unwrap_or_else(|| panic!("{diags:?}"))
        .clone();
    let actions = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let fix = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap_or("").contains("neededForBoot"))
        .unwrap_or_else(|| panic!("{actions}"))
        .clone();
    let edits = fix["edit"]["changes"][&u].as_array().unwrap().clone();
    let changes: Vec<_> = edits
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": changes}),
    );
    let after = s.diagnostics_for(&u);
    assert!(!after.iter().any(|d| d["code"] == "IMP201"), "{after:?}");
    s.request("shutdown", Value::Null);
    s.notify("exit", Value::Null);
    assert!(s.child.wait().unwrap().success());
}
