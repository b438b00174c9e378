//! The server's state: the workspace, the open documents, and the analysis in flight.

use super::convert::{self, Encoding};
use crate::report::linemap::LineMap;
use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{Message, Notification};
use lsp_types as lsp;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Stack for analysis threads (as for the command line: deep syntax trees recurse).
const ANALYSIS_STACK: usize = 256 * 1024 * 1024;

struct Doc {
    text: String,
}

/// What one analysis found, in LSP's terms.
pub struct Analysis {
    generation: u64,
    by_file: HashMap<PathBuf, Vec<lsp::Diagnostic>>,
    /// Hosts that were not read fully, one line each.
    blind_spots: Vec<String>,
    error: Option<String>,
}

pub struct Session {
    root: PathBuf,
    /// Parses kept across analyses: a file whose text did not change is not parsed again.
    parses: std::sync::Arc<crate::nix::files::ParseCache>,
    encoding: Encoding,
    docs: HashMap<PathBuf, Doc>,
    generation: u64,
    tx: Sender<Analysis>,
    rx: Receiver<Analysis>,
    published: HashSet<PathBuf>,
    current: HashMap<PathBuf, Vec<lsp::Diagnostic>>,
    shown: Vec<String>,
}

/// The workspace: the first workspace folder, else the root URI, else the current folder.
pub fn workspace_root(params: &lsp::InitializeParams) -> PathBuf {
    let from_folders = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| convert::path_of(&f.uri));
    #[allow(deprecated)]
    let from_root = params.root_uri.as_ref().and_then(convert::path_of);
    from_folders
        .or(from_root)
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_default())
}

impl Session {
    pub fn new(root: PathBuf, encoding: Encoding) -> Session {
        let (tx, rx) = unbounded();
        Session {
            root,
            parses: Default::default(),
            encoding,
            docs: HashMap::new(),
            generation: 0,
            tx,
            rx,
            published: HashSet::new(),
            current: HashMap::new(),
            shown: Vec::new(),
        }
    }

    pub fn results(&self) -> &Receiver<Analysis> {
        &self.rx
    }

    pub fn open(&mut self, p: lsp::DidOpenTextDocumentParams) {
        if let Some(path) = convert::path_of(&p.text_document.uri) {
            self.docs.insert(
                path,
                Doc {
                    text: p.text_document.text,
                },
            );
            self.analyze();
        }
    }

    pub fn change(&mut self, p: lsp::DidChangeTextDocumentParams) {
        let Some(path) = convert::path_of(&p.text_document.uri) else {
            return;
        };
        let Some(doc) = self.docs.get_mut(&path) else {
            return;
        };
        for c in p.content_changes {
            match c.range {
                None => doc.text = c.text,
                Some(r) => {
                    let start = convert::offset(&doc.text, r.start, self.encoding);
                    let end = convert::offset(&doc.text, r.end, self.encoding).max(start);
                    doc.text.replace_range(start..end, &c.text);
                }
            }
        }
        self.analyze();
    }

    pub fn close(&mut self, p: lsp::DidCloseTextDocumentParams) {
        if let Some(path) = convert::path_of(&p.text_document.uri) {
            self.docs.remove(&path);
            self.analyze();
        }
    }

    /// Starts an analysis of the workspace with the open documents; a newer one supersedes it.
    pub fn analyze(&mut self) {
        self.generation += 1;
        let generation = self.generation;
        let overlay: Vec<(PathBuf, String)> = self
            .docs
            .iter()
            .map(|(p, d)| (p.clone(), d.text.clone()))
            .collect();
        let (root, enc, tx) = (self.root.clone(), self.encoding, self.tx.clone());
        let parses = self.parses.clone();
        let spawned = std::thread::Builder::new()
            .stack_size(ANALYSIS_STACK)
            .spawn(move || {
                let result = analyze(&root, &overlay, enc, generation, parses);
                let _ = tx.send(result);
            });
        if spawned.is_err() {
            self.generation -= 1;
        }
    }

    /// The notifications for a finished analysis (none when a newer one is under way).
    pub fn publish(&mut self, a: Analysis) -> Vec<Message> {
        if a.generation != self.generation {
            return Vec::new();
        }
        let mut out = Vec::new();
        if let Some(e) = &a.error {
            out.push(log_message(lsp::MessageType::WARNING, e));
        }
        let mut now = HashSet::new();
        for (path, diags) in &a.by_file {
            now.insert(path.clone());
            out.extend(publish(path, diags.clone()));
        }
        // An open document always hears back, with no findings too.
        for path in self.docs.keys() {
            if !now.contains(path) && !self.published.contains(path) {
                out.extend(publish(path, Vec::new()));
            }
        }
        for path in self.published.difference(&now) {
            out.extend(publish(path, Vec::new()));
        }
        self.published = now;
        self.current = a.by_file;
        // Blind spots once per change, not on every line.
        if a.blind_spots != self.shown && !a.blind_spots.is_empty() {
            let text = format!(
                "impermalint: {} (findings about what is missing are not reported there)",
                a.blind_spots.join("; ")
            );
            out.push(log_message(lsp::MessageType::INFO, &text));
            out.push(Message::Notification(Notification::new(
                "window/showMessage".to_string(),
                lsp::ShowMessageParams {
                    typ: lsp::MessageType::INFO,
                    message: text,
                },
            )));
        }
        self.shown = a.blind_spots;
        out
    }

    /// Quick fixes for the findings in the requested range: for every one, suppressing it with
    /// a reason (`# impermalint: allow(CODE) -- `) on the line before.
    pub fn code_actions(&self, p: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let Some(path) = convert::path_of(&p.text_document.uri) else {
            return Vec::new();
        };
        let text = match self.docs.get(&path) {
            Some(d) => d.text.clone(),
            None => std::fs::read_to_string(&path).unwrap_or_default(),
        };
        let mut out = Vec::new();
        for d in p
            .context
            .diagnostics
            .iter()
            .filter(|d| d.source.as_deref() == Some("impermalint"))
        {
            let Some(lsp::NumberOrString::String(code)) = &d.code else {
                continue;
            };
            // The mechanical fix, when the finding has one.
            if let Some(fix) = d.data.as_ref().and_then(|v| v.get("fix"))
                && let (Some(title), Ok(changes)) = (
                    fix.get("title").and_then(|t| t.as_str()),
                    serde_json::from_value::<HashMap<lsp::Url, Vec<lsp::TextEdit>>>(
                        fix.get("changes").cloned().unwrap_or_default(),
                    ),
                )
            {
                out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: title.to_string(),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![d.clone()]),
                    edit: Some(lsp::WorkspaceEdit {
                        changes: Some(changes),
                        ..Default::default()
                    }),
                    is_preferred: Some(true),
                    ..Default::default()
                }));
            }
            let line = d.range.start.line;
            let indent: String = text
                .lines()
                .nth(line as usize)
                .unwrap_or("")
                .chars()
                .take_while(|c| c.is_whitespace())
                .collect();
            let at = lsp::Position { line, character: 0 };
            let edit = lsp::TextEdit {
                range: lsp::Range { start: at, end: at },
                new_text: format!("{indent}# impermalint: allow({code}) -- \n"),
            };
            let mut changes = HashMap::new();
            changes.insert(p.text_document.uri.clone(), vec![edit]);
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("Suppress {code} here (with a reason)"),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }),
                ..Default::default()
            }));
        }
        out
    }

    /// The documentation of the rules whose findings are under the cursor.
    pub fn hover(&self, p: &lsp::HoverParams) -> Option<lsp::Hover> {
        let path = convert::path_of(&p.text_document_position_params.text_document.uri)?;
        let pos = p.text_document_position_params.position;
        let diags = self.current.get(&path)?;
        let mut docs = Vec::new();
        for d in diags {
            let inside = (d.range.start.line, d.range.start.character) <= (pos.line, pos.character)
                && (pos.line, pos.character) <= (d.range.end.line, d.range.end.character);
            if !inside {
                continue;
            }
            if let Some(lsp::NumberOrString::String(code)) = &d.code
                && let Some(rule) = crate::rules::find(code)
            {
                docs.push(rule.doc.to_string());
            }
        }
        docs.dedup();
        (!docs.is_empty()).then(|| lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: docs.join("\n---\n"),
            }),
            range: None,
        })
    }
}

fn publish(path: &Path, diagnostics: Vec<lsp::Diagnostic>) -> Option<Message> {
    let uri = convert::uri_of(path)?;
    Some(Message::Notification(Notification::new(
        "textDocument/publishDiagnostics".to_string(),
        lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    )))
}

fn log_message(typ: lsp::MessageType, message: &str) -> Message {
    Message::Notification(Notification::new(
        "window/logMessage".to_string(),
        lsp::LogMessageParams {
            typ,
            message: message.to_string(),
        },
    ))
}

/// A fix's edits as a WorkspaceEdit's `changes` (uri → text edits).
fn fix_edits(
    f: &crate::fix::Fix,
    sources: &mut crate::source::SourceDb,
    enc: Encoding,
) -> Option<HashMap<lsp::Url, Vec<lsp::TextEdit>>> {
    let file = crate::fix::file_of(f).to_string();
    let text = sources.get(&file)?.text.to_string();
    let lines = LineMap::new(&text);
    let edits = crate::fix::edits(f, &text)?;
    let uri = convert::uri_of(Path::new(&file))?;
    let list = edits
        .iter()
        .map(|e| lsp::TextEdit {
            range: lsp::Range {
                start: convert::position(&text, &lines, e.start, enc),
                end: convert::position(&text, &lines, e.end, enc),
            },
            new_text: e.text.clone(),
        })
        .collect();
    Some(HashMap::from([(uri, list)]))
}

/// One analysis: the static frontend on the workspace with the open documents, the rules,
/// and every finding placed in LSP's terms.
fn analyze(
    root: &Path,
    overlay: &[(PathBuf, String)],
    enc: Encoding,
    generation: u64,
    parses: std::sync::Arc<crate::nix::files::ParseCache>,
) -> Analysis {
    let mut a = Analysis {
        generation,
        by_file: HashMap::new(),
        blind_spots: Vec::new(),
        error: None,
    };
    let settings = crate::settings::Settings::discover(root).unwrap_or_default();
    // The workspace's config file decides what besides the workspace may be read.
    let mut opts = settings.read_options();
    opts.parse_cache = Some(parses);
    let mut loaded = match crate::nix::frontend::load_overlay(root, &opts, overlay) {
        Ok(l) => l,
        Err(e) => {
            a.error = Some(e);
            return a;
        }
    };
    let diags = crate::app::lint(&loaded.hosts, &settings, &mut loaded.sources);
    let coverage = crate::report::Coverage::of(&loaded.hosts);
    for h in coverage.incomplete() {
        let what: Vec<String> = h
            .placed(&mut loaded.sources)
            .iter()
            .map(|u| u.describe())
            .collect();
        a.blind_spots.push(format!(
            "{} was not read fully: {}",
            h.label(),
            what.join(", ")
        ));
    }
    // Texts and line maps of the files findings are in.
    let mut texts: HashMap<String, Option<(String, LineMap)>> = HashMap::new();
    let mut text_of = |sources: &mut crate::source::SourceDb, file: &str| {
        texts
            .entry(file.to_string())
            .or_insert_with(|| {
                sources
                    .get(file)
                    .map(|f| (f.text.to_string(), LineMap::new(&f.text)))
            })
            .clone()
    };
    for d in &diags {
        let Some(at) = &d.at else { continue };
        let Some((text, lines)) = text_of(&mut loaded.sources, &at.file) else {
            continue;
        };
        let mut place = |loc: &crate::facts::Loc| {
            let (t, l) = text_of(&mut loaded.sources, &loc.file)?;
            Some(lsp::Location {
                uri: convert::uri_of(Path::new(&loc.file))?,
                range: lsp::Range {
                    start: convert::position(&t, &l, loc.start as usize, enc),
                    end: convert::position(&t, &l, loc.end as usize, enc),
                },
            })
        };
        if let Some(mut ld) = convert::diagnostic(d, &text, &lines, enc, &mut place) {
            // The mechanical fix travels with the diagnostic, for codeAction.
            if let Some(f) = &d.fix
                && let Some(edits) = fix_edits(f, &mut loaded.sources, enc)
            {
                ld.data =
                    Some(serde_json::json!({ "fix": { "title": f.title, "changes": edits } }));
            }
            a.by_file
                .entry(PathBuf::from(&at.file))
                .or_default()
                .push(ld);
        }
    }
    a
}
