//! The file-access layer: every file and folder the static frontend (and the reporters) read goes
//! through an [`Access`], which confines reading to the allowed roots.
//!
//! impermalint runs in CI on configurations from pull requests. A configuration must not be able
//! to make it read, and so print, a file of the machine it runs on: `imports = [ /etc/shadow ];`,
//! `../../..` paths, a symlink in the checkout that points outside it, `builtins.readFile`. Paths
//! are resolved (symlinks and `..`) before the test, so no spelling gets around it. A path that
//! resolves outside every root is not read at all: the caller reports it as unread and its value
//! stays unknown. Whether such a path exists is not revealed either.

use std::io;
use std::path::{Component, Path, PathBuf};

/// Files larger than this are reported, not parsed (documented in the README).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// The roots reading is confined to.
#[derive(Debug, Clone)]
pub struct Access {
    /// Canonical (symlink-free) folders.
    roots: Vec<PathBuf>,
}

/// Why a path was not read.
#[derive(Debug)]
pub enum AccessError {
    /// It resolves outside every allowed root (the path as it was asked for).
    Outside(PathBuf),
    /// Resolving it goes round a symlink loop.
    Loop(PathBuf),
    /// It is inside the roots, but reading it failed (missing, a folder, permissions).
    Io(PathBuf, io::Error),
    /// It is inside the roots but larger than [`MAX_FILE_BYTES`].
    TooLarge(PathBuf, u64),
}

impl AccessError {
    /// Denied by confinement rather than by the file system: reported as unread, never as a
    /// broken file.
    pub fn is_denied(&self) -> bool {
        matches!(self, AccessError::Outside(_))
    }

    /// What to do about it, for a report.
    pub fn help(&self) -> &'static str {
        match self {
            AccessError::Outside(_) => {
                "allow the folder with --allow-path, or map the path with --path-map PATH=DIR"
            }
            AccessError::Loop(_) => {
                "fix the symlinks: following them leads back to where they start"
            }
            AccessError::TooLarge(..) => {
                "impermalint does not read .nix files over 32 MiB (a bound on memory); split the file, or check with --flake"
            }
            AccessError::Io(_, e) if e.kind() == io::ErrorKind::NotFound => {
                "fix the import, or add the file: nothing it would define is checked"
            }
            AccessError::Io(..) => "make the file readable: nothing it defines is checked",
        }
    }

    /// One line for a report; names the path, never its contents.
    pub fn describe(&self) -> String {
        let show = |p: &Path| crate::source::display_path(&p.to_string_lossy());
        match self {
            AccessError::Outside(p) => format!(
                "outside the checked tree: {} (allow it with --allow-path)",
                show(p)
            ),
            AccessError::Loop(p) => format!("{} is a symlink loop", show(p)),
            AccessError::TooLarge(p, n) => format!(
                "{} is too large to check ({} MiB; the limit is {} MiB)",
                show(p),
                n >> 20,
                MAX_FILE_BYTES >> 20
            ),
            AccessError::Io(p, e) if e.kind() == io::ErrorKind::NotFound => {
                format!("{}: no such file", show(p))
            }
            AccessError::Io(p, e) => format!("cannot read {}: {}", show(p), plain(e)),
        }
    }
}

/// An io::Error without the "(os error N)" suffix.
fn plain(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// What a path is, once resolved inside the roots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    File,
    Dir,
    /// Only from [`Access::read_dir`], which does not follow links (as `builtins.readDir`).
    Symlink,
    Other,
    Missing,
}

impl Access {
    /// Confines reading to `roots` (which must exist) and nothing else.
    pub fn new(roots: &[PathBuf]) -> Result<Access, String> {
        let mut out = Vec::new();
        for r in roots {
            let c =
                std::fs::canonicalize(r).map_err(|e| format!("{}: {}", r.display(), plain(&e)))?;
            let c = if c.is_dir() {
                c
            } else {
                c.parent().map(Path::to_path_buf).unwrap_or(c)
            };
            if !out.contains(&c) {
                out.push(c);
            }
        }
        Ok(Access { roots: out })
    }

    /// The roots for checking `path`: the enclosing git work tree when there is one, else the
    /// folder given (or the folder of the file given), plus the folders the user allows.
    pub fn for_check(path: &Path, allow: &[PathBuf]) -> Result<Access, String> {
        let abs = std::fs::canonicalize(path)
            .map_err(|e| format!("{}: {}", path.display(), plain(&e)))?;
        let dir = if abs.is_dir() {
            abs.clone()
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or(abs.clone())
        };
        let root = git_work_tree(&dir).unwrap_or(dir);
        let mut roots = vec![root];
        roots.extend(allow.iter().cloned());
        Access::new(&roots)
    }

    /// The same roots and `more`.
    pub fn widened(&self, more: &[PathBuf]) -> Result<Access, String> {
        let roots: Vec<PathBuf> = self.roots.iter().chain(more).cloned().collect();
        Access::new(&roots)
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// The path with symlinks and `..` resolved, if it lies inside a root. A path that does not
    /// exist is resolved through its nearest existing ancestor.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, AccessError> {
        let abs = lexical(path);
        let resolved = match std::fs::canonicalize(&abs) {
            Ok(c) => c,
            Err(e) if is_loop(&e) => return Err(AccessError::Loop(abs)),
            Err(_) => {
                // Missing (or unreadable): resolve the longest existing prefix, keep the rest.
                let mut rest = Vec::new();
                let mut cur = abs.clone();
                loop {
                    match std::fs::canonicalize(&cur) {
                        Ok(c) => {
                            let mut out = c;
                            for part in rest.iter().rev() {
                                out.push(part);
                            }
                            break lexical(&out);
                        }
                        Err(e) if is_loop(&e) => return Err(AccessError::Loop(abs)),
                        Err(_) => {
                            let Some(name) = cur.file_name().map(|n| n.to_os_string()) else {
                                return Err(AccessError::Outside(abs));
                            };
                            rest.push(name);
                            if !cur.pop() {
                                return Err(AccessError::Outside(abs));
                            }
                        }
                    }
                }
            }
        };
        if self.roots.iter().any(|r| resolved.starts_with(r)) {
            Ok(resolved)
        } else {
            Err(AccessError::Outside(abs))
        }
    }

    /// What the path is (following symlinks), inside the roots.
    pub fn kind(&self, path: &Path) -> Result<Kind, AccessError> {
        let p = self.resolve(path)?;
        Ok(match std::fs::metadata(&p) {
            Ok(m) if m.is_file() => Kind::File,
            Ok(m) if m.is_dir() => Kind::Dir,
            Ok(_) => Kind::Other,
            Err(_) => Kind::Missing,
        })
    }

    /// The bytes of a file inside the roots, within the size limit.
    pub fn read(&self, path: &Path) -> Result<(PathBuf, Vec<u8>), AccessError> {
        // Open first, then ask the kernel where the open file is: the check and the read are of
        // the same file (no window for a link to change between them), and one lookup replaces
        // one per path component. Opening does not wait on a FIFO (non-blocking), and nothing
        // is read before the check.
        let opened = open_nonblocking(&lexical(path))
            .ok()
            .and_then(|f| Some((opened_path(&f)?, f)));
        let Some((p, file)) = opened else {
            // Missing, a loop, permissions, or no way to ask: the path resolved step by step
            // tells them apart (and says nothing about what lies outside the roots).
            let p = self.resolve(path)?;
            return read_checked(path, &p, std::fs::File::open(&p));
        };
        if !self.roots.iter().any(|r| p.starts_with(r)) {
            return Err(AccessError::Outside(lexical(path)));
        }
        read_checked(path, &p, Ok(file))
    }

    /// A folder's entries inside the roots: name and kind, links not followed (as
    /// `builtins.readDir`), sorted by name.
    pub fn read_dir(&self, path: &Path) -> Result<Vec<(String, Kind)>, AccessError> {
        let p = self.resolve(path)?;
        self.read_resolved_dir(&p)
    }

    /// [`Access::read_dir`] of a folder already resolved inside the roots: one that `resolve`
    /// returned, or a `Kind::Dir` entry (not a link) of such a folder, which lies inside it.
    pub fn read_resolved_dir(&self, p: &Path) -> Result<Vec<(String, Kind)>, AccessError> {
        if !self.roots.iter().any(|r| p.starts_with(r)) {
            return Err(AccessError::Outside(p.to_path_buf()));
        }
        let path = p;
        let entries = std::fs::read_dir(p).map_err(|e| AccessError::Io(lexical(path), e))?;
        let mut out = Vec::new();
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let kind = match e.file_type() {
                Ok(t) if t.is_symlink() => Kind::Symlink,
                Ok(t) if t.is_dir() => Kind::Dir,
                Ok(t) if t.is_file() => Kind::File,
                _ => Kind::Other,
            };
            out.push((name, kind));
        }
        out.sort();
        Ok(out)
    }
}

/// Opens a file for reading without waiting for a writer if it is a FIFO.
fn open_nonblocking(path: &Path) -> io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    o.open(path)
}

/// Where an open file is, symlinks resolved, as the kernel says (Linux: /proc/self/fd).
fn opened_path(file: &std::fs::File) -> Option<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let p = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()?;
        p.is_absolute().then_some(p)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
        None
    }
}

/// Reads an opened file (at `resolved`, asked for as `path`): a regular file within the size
/// limit.
fn read_checked(
    path: &Path,
    resolved: &Path,
    file: io::Result<std::fs::File>,
) -> Result<(PathBuf, Vec<u8>), AccessError> {
    use std::io::Read;
    let io_err = |e| AccessError::Io(lexical(path), e);
    let mut file = file.map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    if meta.is_dir() {
        return Err(io_err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    if !meta.is_file() {
        // A device or a FIFO could be read forever.
        return Err(io_err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is not a regular file",
        )));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(AccessError::TooLarge(lexical(path), meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Never more than the limit, should the file grow while it is read.
    (&mut file)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(AccessError::TooLarge(lexical(path), bytes.len() as u64));
    }
    Ok((resolved.to_path_buf(), bytes))
}

fn is_loop(e: &io::Error) -> bool {
    // ELOOP has no stable ErrorKind yet; "too many levels of symbolic links" is errno 40 on Linux
    // and 62 on macOS.
    matches!(e.raw_os_error(), Some(40) | Some(62))
}

/// Absolute and lexically clean (`.` and `..` folded), without touching the file system.
pub fn lexical(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// The git work tree that contains `dir`: the nearest folder with a `.git` entry.
pub fn git_work_tree(dir: &Path) -> Option<PathBuf> {
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if d.join(".git").exists() {
            return Some(d.to_path_buf());
        }
        cur = d.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("root");
        let outside = t.path().join("outside");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(root.join("sub/a.nix"), "{ }").unwrap();
        std::fs::write(outside.join("secret"), "s3cret").unwrap();
        (t, root, outside)
    }

    #[test]
    fn reads_inside_and_refuses_outside() {
        let (_t, root, outside) = tree();
        let a = Access::new(std::slice::from_ref(&root)).unwrap();
        assert!(a.read(&root.join("sub/a.nix")).is_ok());
        assert!(a.read(&outside.join("secret")).unwrap_err().is_denied());
        assert!(
            a.read(&root.join("sub/../../outside/secret"))
                .unwrap_err()
                .is_denied()
        );
        // A missing file outside is denied too: existence is not revealed.
        assert!(a.kind(&outside.join("nothing")).unwrap_err().is_denied());
        assert_eq!(a.kind(&root.join("nothing")).unwrap(), Kind::Missing);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_resolved_before_the_test() {
        let (_t, root, outside) = tree();
        std::os::unix::fs::symlink(outside.join("secret"), root.join("link.nix")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("dirlink")).unwrap();
        std::os::unix::fs::symlink(root.join("loop1"), root.join("loop2")).unwrap();
        std::os::unix::fs::symlink(root.join("loop2"), root.join("loop1")).unwrap();
        let a = Access::new(std::slice::from_ref(&root)).unwrap();
        assert!(a.read(&root.join("link.nix")).unwrap_err().is_denied());
        assert!(
            a.read(&root.join("dirlink/secret"))
                .unwrap_err()
                .is_denied()
        );
        assert!(matches!(
            a.read(&root.join("loop1")),
            Err(AccessError::Loop(_))
        ));
        let allowed = Access::new(&[root.clone(), outside.clone()]).unwrap();
        assert_eq!(allowed.read(&root.join("link.nix")).unwrap().1, b"s3cret");
    }
}
