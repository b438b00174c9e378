//! Source files of one check: read and parsed once each (in parallel for a scanned folder),
//! shared by every host's evaluation. Green trees are thread-safe; each evaluating thread makes
//! its own syntax tree from them.

use rnix::ParseError;
use rowan::GreenNode;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Files larger than this are reported, not parsed.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A problem with a file, at a byte range.
#[derive(Debug, Clone)]
pub struct FileError {
    pub message: String,
    /// The file could not be read at all (missing, a folder, too large): reported where it is
    /// imported rather than inside it.
    pub unreadable: bool,
    pub start: u32,
    pub end: u32,
}

pub struct Parsed {
    pub path: PathBuf,
    pub text: Arc<str>,
    /// `None` when the file could not be read or does not parse: it is not evaluated.
    pub green: Option<GreenNode>,
    /// The first error (later ones usually cascade from it).
    pub error: Option<FileError>,
}

#[derive(Default)]
pub struct Files {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    ids: HashMap<PathBuf, FileId>,
    files: Vec<Arc<Parsed>>,
}

impl Files {
    /// Parses many files at once, in parallel.
    pub fn preload(&self, paths: &[PathBuf]) {
        use rayon::prelude::*;
        let parsed: Vec<Parsed> = paths.par_iter().map(|p| parse_file(p)).collect();
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        for p in parsed {
            if !inner.ids.contains_key(&p.path) {
                let id = FileId(inner.files.len() as u32);
                inner.ids.insert(p.path.clone(), id);
                inner.files.push(Arc::new(p));
            }
        }
    }

    /// The file at `path`, parsing it the first time.
    pub fn get(&self, path: &Path) -> (FileId, Arc<Parsed>) {
        let path = normalize_path(path);
        {
            let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(&id) = inner.ids.get(&path) {
                return (id, inner.files[id.0 as usize].clone());
            }
        }
        let parsed = Arc::new(parse_file(&path));
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = inner.ids.get(&path) {
            return (id, inner.files[id.0 as usize].clone());
        }
        let id = FileId(inner.files.len() as u32);
        inner.ids.insert(path, id);
        inner.files.push(parsed.clone());
        (id, parsed)
    }

    pub fn by_id(&self, id: FileId) -> Arc<Parsed> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).files[id.0 as usize].clone()
    }

    pub fn all(&self) -> Vec<Arc<Parsed>> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .files
            .clone()
    }
}

/// Absolute and lexically clean, so one file has one id however it was reached.
pub fn normalize_path(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

fn parse_file(path: &Path) -> Parsed {
    let fail = |message: String, text: Arc<str>| Parsed {
        path: normalize_path(path),
        text,
        green: None,
        error: Some(FileError {
            message,
            unreadable: true,
            start: 0,
            end: 0,
        }),
    };
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            return fail(
                format!(
                    "{} is a directory without default.nix",
                    crate::source::display_path(&path.to_string_lossy())
                ),
                "".into(),
            );
        }
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            return fail(
                format!(
                    "{} is too large to check ({} MiB)",
                    crate::source::display_path(&path.to_string_lossy()),
                    m.len() >> 20
                ),
                "".into(),
            );
        }
        _ => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return fail(
                format!(
                    "cannot read {}: {e}",
                    crate::source::display_path(&path.to_string_lossy())
                ),
                "".into(),
            );
        }
    };
    let text: Arc<str> = match String::from_utf8(bytes) {
        Ok(s) => s.into(),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy: Arc<str> = String::from_utf8_lossy(e.as_bytes()).into();
            let mut p = fail(
                format!(
                    "{} is not valid UTF-8 (byte {at})",
                    crate::source::display_path(&path.to_string_lossy())
                ),
                lossy,
            );
            if let Some(err) = &mut p.error {
                err.unreadable = false;
                err.start = at as u32;
                err.end = at as u32;
            }
            return p;
        }
    };
    let parse = rnix::Root::parse(&text);
    let error = parse.errors().first().map(|e| describe(e, &text));
    Parsed {
        path: normalize_path(path),
        text: text.clone(),
        green: if error.is_none() {
            Some(parse.syntax().green().to_owned())
        } else {
            None
        },
        error,
    }
}

fn token_name(kind: rnix::SyntaxKind) -> String {
    use rnix::SyntaxKind::*;
    let s = match kind {
        TOKEN_SEMICOLON => ";",
        TOKEN_COLON => ":",
        TOKEN_COMMA => ",",
        TOKEN_DOT => ".",
        TOKEN_ASSIGN => "=",
        TOKEN_L_BRACE => "{",
        TOKEN_R_BRACE => "}",
        TOKEN_L_BRACK => "[",
        TOKEN_R_BRACK => "]",
        TOKEN_L_PAREN => "(",
        TOKEN_R_PAREN => ")",
        TOKEN_IN => "in",
        TOKEN_THEN => "then",
        TOKEN_ELSE => "else",
        TOKEN_IDENT => "an identifier",
        other => {
            return format!("{other:?}")
                .trim_start_matches("TOKEN_")
                .trim_start_matches("NODE_")
                .to_lowercase();
        }
    };
    format!("`{s}`")
}

fn describe(e: &ParseError, text: &str) -> FileError {
    let end = text.len() as u32;
    let snippet = |r: rnix::TextRange| {
        let s = &text[usize::from(r.start()).min(text.len())..usize::from(r.end()).min(text.len())];
        let s: String = s.chars().take(30).collect();
        s.trim().to_string()
    };
    let wanted = |w: &[rnix::SyntaxKind]| {
        w.iter()
            .map(|k| token_name(*k))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    let (message, start, stop) = match e {
        ParseError::Unexpected(r) => (
            format!("syntax error: unexpected `{}`", snippet(*r)),
            r.start().into(),
            r.end().into(),
        ),
        ParseError::UnexpectedExtra(r) => (
            format!(
                "syntax error: unexpected `{}` after the end of the expression",
                snippet(*r)
            ),
            r.start().into(),
            r.end().into(),
        ),
        ParseError::UnexpectedWanted(_, r, w) => (
            format!(
                "syntax error: unexpected `{}`, expected {}",
                snippet(*r),
                wanted(w)
            ),
            r.start().into(),
            r.end().into(),
        ),
        ParseError::UnexpectedDoubleBind(r) => (
            "syntax error: a pattern is bound twice".to_string(),
            r.start().into(),
            r.end().into(),
        ),
        ParseError::UnexpectedEOF => ("syntax error: unexpected end of file".to_string(), end, end),
        ParseError::UnexpectedEOFWanted(w) => (
            format!(
                "syntax error: unexpected end of file, expected {}",
                wanted(w)
            ),
            end,
            end,
        ),
        ParseError::DuplicatedArgs(r, name) => (
            format!("syntax error: argument `{name}` is given twice"),
            r.start().into(),
            r.end().into(),
        ),
        ParseError::RecursionLimitExceeded => (
            "syntax error: the expression is nested too deeply to parse".to_string(),
            0,
            0,
        ),
        _ => ("syntax error".to_string(), 0, 0),
    };
    FileError {
        message,
        unreadable: false,
        start,
        end: stop,
    }
}
