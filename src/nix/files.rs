//! Source files of one check: read and parsed once each (in parallel for a scanned folder),
//! shared by every host's evaluation. Green trees are thread-safe; each evaluating thread makes
//! its own syntax tree from them.

use rnix::ParseError;
use rowan::GreenNode;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use crate::access::MAX_FILE_BYTES;
use crate::access::{Access, AccessError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// What is wrong with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// It does not parse (or is not UTF-8): an IMP001 finding inside it.
    Syntax,
    /// It could not be read at all (missing, a folder, too large, a symlink loop): reported
    /// where it is imported.
    Unreadable,
    /// It lies outside the checked tree: not read, reported as unread where it is imported.
    Denied,
}

/// A problem with a file, at a byte range.
#[derive(Debug, Clone)]
pub struct FileError {
    pub message: String,
    /// What to do about it, when it is not a syntax error (whose help is to fix the syntax).
    pub help: Option<&'static str>,
    pub problem: Problem,
    pub start: u32,
    pub end: u32,
}

impl FileError {
    /// The file could not be read (so it is reported where it is imported, not inside it).
    pub fn unreadable(&self) -> bool {
        self.problem != Problem::Syntax
    }
}

pub struct Parsed {
    /// The resolved path (symlinks followed) when the file could be read; the path as asked for
    /// otherwise.
    pub path: PathBuf,
    pub text: Arc<str>,
    /// `None` when the file could not be read or does not parse: it is not evaluated.
    pub green: Option<GreenNode>,
    /// The first error (later ones usually cascade from it).
    pub error: Option<FileError>,
    /// Some host's evaluation imported it: its syntax errors are findings (a file nothing
    /// uses is not part of any configuration).
    pub reached: std::sync::atomic::AtomicBool,
}

/// Parsed files kept from one check to the next (the language server's analyses): a file
/// whose text did not change is not parsed again.
#[derive(Default)]
pub struct ParseCache {
    by_path: Mutex<HashMap<PathBuf, CachedParse>>,
}

struct CachedParse {
    text: Arc<str>,
    green: Option<GreenNode>,
    error: Option<FileError>,
}

impl std::fmt::Debug for ParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.by_path.lock().map(|m| m.len()).unwrap_or(0);
        write!(f, "ParseCache({n} files)")
    }
}

impl ParseCache {
    /// The parse of `text` at `path`: the kept one when the text is the same, else a new one
    /// (which is kept).
    fn parse(&self, path: PathBuf, text: Arc<str>) -> Parsed {
        if let Some(c) = self
            .by_path
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&path)
            .filter(|c| c.text == text)
        {
            return Parsed {
                path,
                text: c.text.clone(),
                green: c.green.clone(),
                error: c.error.clone(),
                reached: Default::default(),
            };
        }
        let parsed = parse_text(path.clone(), text);
        self.by_path
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                path,
                CachedParse {
                    text: parsed.text.clone(),
                    green: parsed.green.clone(),
                    error: parsed.error.clone(),
                },
            );
        parsed
    }

    /// Forgets the files a check did not read (deleted, or no longer imported).
    pub fn keep_only(&self, paths: &std::collections::HashSet<PathBuf>) {
        self.by_path
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|p, _| paths.contains(p));
    }

    /// Whether the kept parse of `path` is the one given (for tests).
    pub fn holds(&self, path: &Path, green: &GreenNode) -> bool {
        self.by_path
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .and_then(|c| c.green.as_ref())
            .is_some_and(|g| std::ptr::eq::<rowan::GreenNodeData>(&**g, &**green))
    }
}

/// Every file one check reads, through one [`Access`].
pub struct Files {
    pub access: Access,
    /// Flake inputs whose sources may be read (none unless the user named them).
    pub inputs: super::inputs::InputDirs,
    /// `lib.version` of the pinned nixpkgs, when the lock says it.
    pub nixpkgs_version: Option<String>,
    /// Absolute paths of the machine and the folders they are read from (`--path-map`).
    pub path_map: Vec<(PathBuf, PathBuf)>,
    /// Parses kept from an earlier check (the language server), if any.
    pub parse_cache: Option<Arc<ParseCache>>,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// By the path as asked for and by the resolved path: one file has one id however it is
    /// reached (a symlink, `..`, a second import).
    ids: HashMap<PathBuf, FileId>,
    files: Vec<Arc<Parsed>>,
}

impl Files {
    pub fn new(access: Access) -> Files {
        Files::with_inputs(access, super::inputs::InputDirs::default())
    }

    pub fn with_inputs(access: Access, inputs: super::inputs::InputDirs) -> Files {
        Files {
            access,
            inputs,
            nixpkgs_version: None,
            path_map: Vec::new(),
            parse_cache: None,
            inner: Mutex::default(),
        }
    }

    /// An absolute path the configuration writes, where it is read from: below a `--path-map`
    /// folder when one maps it, else itself.
    pub fn machine_path(&self, p: &Path) -> PathBuf {
        let p = normalize_path(p);
        for (from, to) in &self.path_map {
            if let Ok(rest) = p.strip_prefix(from) {
                return to.join(rest);
            }
        }
        p
    }

    /// Parses many files at once, in parallel.
    pub fn preload(&self, paths: &[PathBuf]) {
        use rayon::prelude::*;
        let parsed: Vec<(PathBuf, Parsed)> = paths
            .par_iter()
            .map(|p| (normalize_path(p), self.parse_file(p)))
            .collect();
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        for (asked, p) in parsed {
            inner.add(asked, p);
        }
    }

    /// The file at `path`, parsing it the first time.
    pub fn get(&self, path: &Path) -> (FileId, Arc<Parsed>) {
        let asked = normalize_path(path);
        {
            let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(&id) = inner.ids.get(&asked) {
                return (id, inner.files[id.0 as usize].clone());
            }
        }
        let parsed = self.parse_file(&asked);
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let id = inner.add(asked, parsed);
        (id, inner.files[id.0 as usize].clone())
    }

    /// A file whose text is given rather than read (an expression, an editor's unsaved
    /// buffer): it replaces whatever was known at that path.
    pub fn insert_text(&self, path: &Path, text: &str) -> FileId {
        let parsed = self.parse_text(normalize_path(path), text.into());
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let asked = normalize_path(path);
        if let Some(&id) = inner.ids.get(&asked) {
            inner.files[id.0 as usize] = Arc::new(parsed);
            return id;
        }
        inner.add(asked, parsed)
    }

    pub fn by_id(&self, id: FileId) -> Arc<Parsed> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).files[id.0 as usize].clone()
    }

    fn parse_file(&self, path: &Path) -> Parsed {
        parse_file(&self.access, path, self.parse_cache.as_deref())
    }

    fn parse_text(&self, path: PathBuf, text: Arc<str>) -> Parsed {
        match &self.parse_cache {
            Some(c) => c.parse(path, text),
            None => parse_text(path, text),
        }
    }

    /// The paths of every file read (for [`ParseCache::keep_only`]).
    pub fn paths(&self) -> std::collections::HashSet<PathBuf> {
        self.all().iter().map(|f| f.path.clone()).collect()
    }

    /// Drops the parsed files on every thread of the pool: a syntax tree is freed node by
    /// node, and for thousands of files that takes as long as parsing them took.
    pub fn drop_in_parallel(self) {
        use rayon::prelude::*;
        let inner = self.inner.into_inner().unwrap_or_else(|e| e.into_inner());
        inner.files.into_par_iter().for_each(drop);
    }

    pub fn all(&self) -> Vec<Arc<Parsed>> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .files
            .clone()
    }
}

impl Inner {
    fn add(&mut self, asked: PathBuf, parsed: Parsed) -> FileId {
        if let Some(&id) = self.ids.get(&asked).or_else(|| self.ids.get(&parsed.path)) {
            self.ids.insert(asked, id);
            return id;
        }
        let id = FileId(self.files.len() as u32);
        self.ids.insert(asked, id);
        self.ids.insert(parsed.path.clone(), id);
        self.files.push(Arc::new(parsed));
        id
    }
}

/// Absolute and lexically clean, so one file has one id however it was reached.
pub fn normalize_path(path: &Path) -> PathBuf {
    crate::access::lexical(path)
}

fn parse_file(access: &Access, path: &Path, cache: Option<&ParseCache>) -> Parsed {
    let (resolved, bytes) = match access.read(path) {
        Ok(x) => x,
        Err(e) => {
            let problem = if e.is_denied() {
                Problem::Denied
            } else {
                Problem::Unreadable
            };
            let message = match &e {
                AccessError::Io(p, io) if io.kind() == std::io::ErrorKind::IsADirectory => {
                    format!(
                        "{} is a directory without default.nix",
                        crate::source::display_path(&p.to_string_lossy())
                    )
                }
                // `import ./folder` of a folder with no default.nix.
                AccessError::Io(p, io)
                    if io.kind() == std::io::ErrorKind::NotFound
                        && p.file_name().is_some_and(|n| n == "default.nix")
                        && p.parent().is_some_and(Path::is_dir) =>
                {
                    format!(
                        "{} is a directory without default.nix",
                        crate::source::display_path(&p.parent().unwrap_or(p).to_string_lossy())
                    )
                }
                _ => e.describe(),
            };
            return Parsed {
                path: normalize_path(path),
                text: "".into(),
                green: None,
                error: Some(FileError {
                    message,
                    help: Some(e.help()),
                    problem,
                    start: 0,
                    end: 0,
                }),
                reached: Default::default(),
            };
        }
    };
    let text: Arc<str> = match String::from_utf8(bytes) {
        Ok(s) => s.into(),
        Err(e) => {
            let at = e.utf8_error().valid_up_to() as u32;
            return Parsed {
                path: resolved.clone(),
                text: String::from_utf8_lossy(e.as_bytes()).into(),
                green: None,
                error: Some(FileError {
                    help: None,
                    message: format!(
                        "{} is not valid UTF-8 (byte {at})",
                        crate::source::display_path(&resolved.to_string_lossy())
                    ),
                    problem: Problem::Syntax,
                    start: at,
                    end: at,
                }),
                reached: Default::default(),
            };
        }
    };
    match cache {
        Some(c) => c.parse(resolved, text),
        None => parse_text(resolved, text),
    }
}

/// Brackets nested deeper than this are refused before parsing: no configuration comes near
/// it, and the parser's time grows faster than linearly with nesting.
pub const MAX_NESTING: usize = 1000;

/// The first place where brackets (`[`, `(`, `{`, `${`) nest deeper than [`MAX_NESTING`]: one
/// linear pass, so any input is rejected in linear time.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'[' | b'(' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b')' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The first place where more than [`MAX_NESTING`] operands follow each other outside a list
/// (`f a b c ...`): a chain of applications, as deep as that many brackets to the parser.
fn long_application(text: &str) -> Option<usize> {
    use rnix::SyntaxKind::*;
    let mut offset = 0;
    let mut run = 0usize;
    let mut lists = vec![false];
    for (kind, s) in rnix::tokenize(text) {
        match kind {
            TOKEN_WHITESPACE | TOKEN_COMMENT => {}
            TOKEN_IDENT | TOKEN_INTEGER | TOKEN_FLOAT | TOKEN_URI | TOKEN_PATH_ABS
            | TOKEN_PATH_REL | TOKEN_PATH_HOME | TOKEN_PATH_SEARCH => {
                if !lists.last().copied().unwrap_or(false) {
                    run += 1;
                    if run > MAX_NESTING {
                        return Some(offset);
                    }
                }
            }
            TOKEN_L_BRACK => {
                lists.push(true);
                run = 0;
            }
            TOKEN_L_PAREN | TOKEN_L_BRACE | TOKEN_INTERPOL_START => {
                lists.push(false);
                run = 0;
            }
            TOKEN_R_BRACK | TOKEN_R_PAREN | TOKEN_R_BRACE | TOKEN_INTERPOL_END => {
                if lists.len() > 1 {
                    lists.pop();
                }
                run = 0;
            }
            _ => run = 0,
        }
        offset += s.len();
    }
    None
}

/// Parses a file's text.
fn parse_text(path: PathBuf, text: Arc<str>) -> Parsed {
    if let Some(at) = too_deep(&text).or_else(|| long_application(&text)) {
        return Parsed {
            path,
            text: text.clone(),
            green: None,
            error: Some(FileError {
                help: None,
                message: format!(
                    "syntax error: the expression is nested too deeply (more than {MAX_NESTING} levels)"
                ),
                problem: Problem::Syntax,
                start: at as u32,
                end: at as u32 + 1,
            }),
            reached: Default::default(),
        };
    }
    let parse = rnix::Root::parse(&text);
    let error = parse.errors().first().map(|e| describe(e, &text));
    Parsed {
        path,
        text: text.clone(),
        green: if error.is_none() {
            Some(parse.syntax().green().to_owned())
        } else {
            None
        },
        error,
        reached: Default::default(),
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
        help: None,
        problem: Problem::Syntax,
        start,
        end: stop,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &Parsed, b: &Parsed) -> bool {
        match (&a.green, &b.green) {
            (Some(x), Some(y)) => std::ptr::eq::<rowan::GreenNodeData>(&**x, &**y),
            _ => false,
        }
    }

    #[test]
    fn an_unchanged_file_is_not_parsed_again() {
        let cache = ParseCache::default();
        let path = PathBuf::from("/w/configuration.nix");
        let first = cache.parse(path.clone(), "{ a = 1; }".into());
        let again = cache.parse(path.clone(), "{ a = 1; }".into());
        assert!(same(&first, &again), "the kept tree is reused");
        assert!(cache.holds(&path, again.green.as_ref().unwrap()));
        let changed = cache.parse(path.clone(), "{ a = 2; }".into());
        assert!(!same(&first, &changed), "a changed text is parsed anew");
        assert!(cache.holds(&path, changed.green.as_ref().unwrap()));
        // A syntax error is kept too, and forgotten with the file.
        let broken = cache.parse(path.clone(), "{ a = ".into());
        assert!(broken.error.is_some());
        assert!(cache.parse(path.clone(), "{ a = ".into()).error.is_some());
        cache.keep_only(&Default::default());
        assert!(!cache.holds(&path, first.green.as_ref().unwrap()));
    }
}
