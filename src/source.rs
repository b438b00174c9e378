//! Source texts the reporters show, by path: what a frontend read, else read from disk on demand.

use crate::access::Access;
use crate::report::linemap::{LineMap, Position};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub lines: LineMap,
}

#[derive(Default)]
pub struct SourceDb {
    files: HashMap<PathBuf, Option<SourceFile>>,
    /// Files not inserted are read through this, confined to the checked tree; without it,
    /// nothing is read from disk (a diagnostic about such a file names its path only).
    access: Option<Access>,
}

impl SourceDb {
    pub fn confined(access: Access) -> SourceDb {
        SourceDb {
            files: HashMap::new(),
            access: Some(access),
        }
    }

    pub fn insert(&mut self, path: PathBuf, text: Arc<str>) {
        let lines = LineMap::new(&text);
        self.files
            .insert(path.clone(), Some(SourceFile { path, text, lines }));
    }

    /// The file's text, reading it from disk the first time (None when unreadable).
    pub fn get(&mut self, path: &str) -> Option<&SourceFile> {
        let key = PathBuf::from(path);
        let access = self.access.as_ref();
        self.files
            .entry(key.clone())
            .or_insert_with(|| {
                let (_, bytes) = access?.read(&key).ok()?;
                let text: Arc<str> = String::from_utf8_lossy(&bytes).into();
                let lines = LineMap::new(&text);
                Some(SourceFile {
                    path: key,
                    text,
                    lines,
                })
            })
            .as_ref()
    }

    pub fn position(&mut self, path: &str, offset: u32) -> Option<Position> {
        let f = self.get(path)?;
        Some(f.lines.position(&f.text, offset as usize))
    }
}

/// Shows `path` relative to the current directory when it lies below it.
pub fn display_path(path: &str) -> String {
    let p = Path::new(path);
    if let Ok(cwd) = std::env::current_dir()
        && cwd.parent().is_some()
        && let Ok(rel) = p.strip_prefix(&cwd)
    {
        return rel.to_string_lossy().into_owned();
    }
    path.to_string()
}

/// Writes a file whole or not at all: a temporary file beside it (with the old file's
/// permissions), then a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.impermalint-{}",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|_| {
        if let Ok(meta) = std::fs::metadata(path) {
            let _ = std::fs::set_permissions(&tmp, meta.permissions());
        }
        std::fs::rename(&tmp, path)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| format!("cannot write {}: {e}", path.display()))
}
