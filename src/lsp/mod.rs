//! `impermalint lsp`: the Language Server Protocol over stdio, on the static frontend, so it
//! works in any editor without Nix.
//!
//! lsp-server (rust-analyzer's transport) and lsp-types are used: they are small, synchronous
//! and maintained with rust-analyzer. The main loop only routes messages; analysis runs on a
//! worker thread on the open buffers merged with the workspace on disk, and a newer edit
//! supersedes an older analysis (its results are dropped by generation).

pub mod convert;
mod session;

use convert::Encoding;
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types as lsp;
use session::Session;

pub fn run() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    // The client may close its end first (it quit right after `exit`): that is a normal end.
    let _ = io_threads.join();
    Ok(())
}

/// The server on a connection (stdio, or in memory for the fuzzer): from `initialize` to
/// `exit`, or until the client goes away.
pub fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("initialize: {e}"))?;
    let params: lsp::InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("initialize: {e}"))?;
    let encoding = Encoding::negotiate(&params.capabilities);
    let capabilities = lsp::ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": { "name": "impermalint", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("initialize: {e}"))?;
    let root = session::workspace_root(&params);
    let mut session = Session::new(root, encoding);
    main_loop(connection, &mut session)
}

fn main_loop(connection: &Connection, session: &mut Session) -> Result<(), String> {
    loop {
        crossbeam_channel::select! {
            recv(connection.receiver) -> msg => {
                let Ok(msg) = msg else { return Ok(()) };
                match msg {
                    Message::Request(req) => {
                        // After shutdown a client may quit without sending `exit`: that is
                        // an end too, not an error.
                        match connection.handle_shutdown(&req) {
                            Ok(true) | Err(_) => return Ok(()),
                            Ok(false) => {}
                        }
                        let resp = handle_request(session, req);
                        send(connection, Message::Response(resp));
                    }
                    Message::Notification(n) => handle_notification(session, n),
                    Message::Response(_) => {}
                }
            }
            recv(session.results()) -> result => {
                if let Ok(result) = result {
                    for msg in session.publish(result) {
                        send(connection, msg);
                    }
                }
            }
        }
    }
}

fn send(connection: &Connection, msg: Message) {
    // A closed output means the client is gone; the receiver ends the loop then.
    let _ = connection.sender.send(msg);
}

fn handle_request(session: &mut Session, req: Request) -> Response {
    match req.method.as_str() {
        "textDocument/hover" => match serde_json::from_value::<lsp::HoverParams>(req.params) {
            Ok(p) => Response::new_ok(req.id, session.hover(&p)),
            Err(e) => invalid(req.id, e),
        },
        "textDocument/codeAction" => {
            match serde_json::from_value::<lsp::CodeActionParams>(req.params) {
                Ok(p) => Response::new_ok(req.id, session.code_actions(&p)),
                Err(e) => invalid(req.id, e),
            }
        }
        _ => Response::new_err(
            req.id,
            lsp_server::ErrorCode::MethodNotFound as i32,
            format!("impermalint does not handle {}", req.method),
        ),
    }
}

fn invalid(id: lsp_server::RequestId, e: serde_json::Error) -> Response {
    Response::new_err(
        id,
        lsp_server::ErrorCode::InvalidParams as i32,
        e.to_string(),
    )
}

fn handle_notification(session: &mut Session, n: Notification) {
    fn params<T: serde::de::DeserializeOwned>(n: Notification) -> Option<T> {
        serde_json::from_value(n.params).ok()
    }
    match n.method.as_str() {
        "textDocument/didOpen" => {
            if let Some(p) = params::<lsp::DidOpenTextDocumentParams>(n) {
                session.open(p);
            }
        }
        "textDocument/didChange" => {
            if let Some(p) = params::<lsp::DidChangeTextDocumentParams>(n) {
                session.change(p);
            }
        }
        "textDocument/didSave" => session.analyze(),
        "textDocument/didClose" => {
            if let Some(p) = params::<lsp::DidCloseTextDocumentParams>(n) {
                session.close(p);
            }
        }
        "workspace/didChangeWatchedFiles" => session.analyze(),
        _ => {}
    }
}
