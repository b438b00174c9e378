//! The language server's message handling: after `initialize` (on a fixed workspace folder),
//! the input is read as JSON messages, one a line (requests, notifications, anything), sent to
//! the server in memory, then `shutdown` and `exit`. The server must answer every request and
//! end, whatever it was sent.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::sync::OnceLock;

fn root() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::path::PathBuf::from("/tmp/impermalint-fuzz-lsp");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("configuration.nix"),
            "{ imports = [ ./ssh.nix ]; fileSystems.\"/\" = { device = \"none\"; fsType = \"tmpfs\"; }; }\n",
        )
        .unwrap();
        std::fs::write(
            d.join("ssh.nix"),
            "{ services.openssh.enable = true; environment.persistence.\"/persist\".directories = [ \"/etc/ssh\" ]; }\n",
        )
        .unwrap();
        d
    })
}

/// A request (numbered `n`: the test counts the answers) when the line has an id, else a
/// notification.
fn message(v: Value, n: i32) -> Option<Message> {
    let method = v.get("method")?.as_str()?.to_string();
    let params = v.get("params").cloned().unwrap_or(Value::Null);
    Some(match v.get("id") {
        Some(_) => Message::Request(Request::new(RequestId::from(n), method, params)),
        None => Message::Notification(Notification::new(method, params)),
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let root = root();
    let (server, client) = Connection::memory();
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || impermalint::lsp::serve(&server))
        .unwrap();
    let uri = format!("file://{}", root.display());
    let _ = client.sender.send(Message::Request(Request::new(
        RequestId::from(0),
        "initialize".into(),
        json!({"processId": null, "rootUri": uri, "capabilities": {}}),
    )));
    let _ = client.sender.send(Message::Notification(Notification::new(
        "initialized".into(),
        json!({}),
    )));
    let mut asked = 0;
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        // The test's own shutdown comes last.
        if v.get("method").and_then(Value::as_str).is_some_and(|m| m == "shutdown" || m == "exit") {
            continue;
        }
        if let Some(m) = message(v, asked + 1) {
            if matches!(m, Message::Request(_)) {
                asked += 1;
            }
            let _ = client.sender.send(m);
        }
    }
    let _ = client.sender.send(Message::Request(Request::new(
        RequestId::from(-1),
        "shutdown".into(),
        Value::Null,
    )));
    let _ = client.sender.send(Message::Notification(Notification::new(
        "exit".into(),
        Value::Null,
    )));
    // Every request is answered (ids may repeat: count answers, not ids), then the server ends.
    let mut answered = 0;
    while let Ok(m) = client.receiver.recv() {
        if let Message::Response(r) = m {
            if r.id != RequestId::from(0) && r.id != RequestId::from(-1) {
                answered += 1;
            }
        }
    }
    let result = worker.join().expect("the server does not panic");
    assert!(result.is_ok(), "{result:?}");
    assert!(answered >= asked, "{answered} answers to {asked} requests");
});
