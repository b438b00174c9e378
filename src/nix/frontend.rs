//! The static frontend's entry point: finds the files and hosts, evaluates each host (in
//! parallel, each on a thread with a large stack), and returns their facts.

use super::eval::Eval;
use super::extract::{Extractor, file_loc};
use super::files::{Files, normalize_path};
use super::hosts::{self, HostSpec};
use super::inputs::{InputDirs, ReadOptions};
use super::machines;
use super::value::*;
use crate::access::{Access, Kind};
use crate::app::Loaded;
use crate::facts::{Host, SourceError, Versions};
use crate::knowledge::Scope;
use crate::source::SourceDb;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Stack for evaluation threads: the depth limit keeps recursion well inside it.
const EVAL_STACK: usize = super::eval::DEEP_STACK;
/// Folders never scanned for .nix files.
const SKIP_DIRS: &[&str] = &["node_modules", "target", ".git", ".direnv", "result"];

/// All .nix files below `dir` that lie inside the checked tree (symlinked folders are not
/// followed, so there are no loops; a linked file that resolves outside is left out).
pub fn scan(access: &Access, dir: &Path) -> Vec<PathBuf> {
    scan_bounded(access, dir).unwrap_or_default()
}

/// Folders a scan visits at the most: a configuration is far smaller; pointing the checker at
/// `/` or a home folder must end with a clear error, not walk the machine.
pub const MAX_SCANNED_DIRS: usize = 100_000;

/// Like [`scan`], or an error when the tree is larger than [`MAX_SCANNED_DIRS`] folders.
pub fn scan_bounded(access: &Access, dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    // Resolved once: the folders below are entries that are not links, so resolved too.
    let root = access.resolve(dir).map_err(|e| e.describe())?;
    let mut stack = vec![root.clone()];
    let mut visited = 0usize;
    while let Some(d) = stack.pop() {
        visited += 1;
        if visited > MAX_SCANNED_DIRS {
            return Err(format!(
                "{}: more than {MAX_SCANNED_DIRS} folders below it; check the configuration's own folder",
                dir.display()
            ));
        }
        let Ok(entries) = access.read_resolved_dir(&d) else {
            continue;
        };
        // The files keep the path as asked for (`dir` may be reached through a link).
        let asked = dir.join(d.strip_prefix(&root).unwrap_or(Path::new("")));
        for (name, kind) in entries {
            let path = if kind == Kind::Dir {
                d.join(&name)
            } else {
                asked.join(&name)
            };
            match kind {
                Kind::Dir
                    if !name.starts_with('.')
                        && !SKIP_DIRS.contains(&name.as_str())
                        && !name.starts_with("result") =>
                {
                    stack.push(path)
                }
                Kind::File if name.ends_with(".nix") => out.push(path),
                Kind::Symlink
                    if name.ends_with(".nix") && access.kind(&path).ok() == Some(Kind::File) =>
                {
                    out.push(path)
                }
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads the configuration at `path` (a folder or a .nix file), confined to its tree.
pub fn load(path: &Path) -> Result<Loaded, String> {
    load_with(path, &ReadOptions::default())
}

/// Like [`load`], also reading what `opts` allows (more folders, flake inputs' sources).
pub fn load_with(path: &Path, opts: &ReadOptions) -> Result<Loaded, String> {
    load_overlay(path, opts, &[])
}

/// Like [`load_with`], with some files' texts given instead of read (an editor's open buffers).
/// A given file outside the checked tree is ignored: it is not read from there either.
pub fn load_overlay(
    path: &Path,
    opts: &ReadOptions,
    overlay: &[(PathBuf, String)],
) -> Result<Loaded, String> {
    if std::fs::symlink_metadata(path).is_err() {
        return Err(format!("{}: no such file or folder", path.display()));
    }
    // The lock is read inside the checked tree; the inputs it lets us read widen the roots.
    let access = Access::for_check(path, &opts.allow)?;
    let flake_dir = match access.kind(path) {
        Ok(Kind::Dir) => path.to_path_buf(),
        _ => path.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    let lock = super::flake_lock::load(&access, &flake_dir);
    let inputs = InputDirs::find(lock.as_ref(), &opts.inputs)?;
    let versions = lock
        .as_ref()
        .map(super::flake_lock::versions)
        .unwrap_or_default();
    // The folders --path-map reads from are named by the user, like inputs' sources.
    let mut path_map = Vec::new();
    for (from, to) in &opts.path_map {
        let to = std::fs::canonicalize(to)
            .map_err(|e| format!("--path-map {}: {}: {e}", from.display(), to.display()))?;
        path_map.push((normalize_path(from), to));
    }
    let mut roots = inputs.roots();
    roots.extend(path_map.iter().map(|(_, to)| to.clone()));
    let access = access.widened(&roots)?;
    let release = inputs
        .dir("nixpkgs")
        .and_then(|d| access.read(&d.join("lib/.version")).ok())
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned());
    let nixpkgs_version = lock
        .as_ref()
        .and_then(|l| super::flake_lock::nixpkgs_version(l, release.as_deref()));
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(EVAL_STACK)
        .build()
        .map_err(|e| format!("cannot start evaluation threads: {e}"))?;
    // Parsing, evaluating and dropping deep syntax trees all happen on the large stacks.
    pool.install(|| {
        let mut files = Files::with_inputs(access, inputs);
        files.nixpkgs_version = nixpkgs_version;
        files.path_map = path_map;
        files.parse_cache = opts.parse_cache.clone();
        load_in_pool(&normalize_path(path), files, &versions, overlay)
    })
}

fn load_in_pool(
    path: &Path,
    files: Files,
    versions: &Versions,
    overlay: &[(PathBuf, String)],
) -> Result<Loaded, String> {
    let is_dir = files.access.kind(path).map_err(|e| e.describe())? == Kind::Dir;
    for (p, text) in overlay {
        if let Ok(resolved) = files.access.resolve(p) {
            files.insert_text(&resolved, text);
        }
    }
    let (dir, nix_files) = if is_dir {
        let found = crate::timing::time(crate::timing::Phase::Scan, || {
            scan_bounded(&files.access, path)
        })?;
        (path.to_path_buf(), found)
    } else {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (dir, vec![path.to_path_buf()])
    };
    if is_dir && nix_files.is_empty() {
        return Err(format!("{}: no .nix files here", path.display()));
    }
    crate::timing::time(crate::timing::Phase::Parse, || files.preload(&nix_files));
    let evaluating = std::time::Instant::now();
    let is_flake = if is_dir {
        nix_files.contains(&dir.join("flake.nix"))
    } else {
        path.file_name().is_some_and(|n| n == "flake.nix")
    };
    let hive = dir.join("hive.nix");
    let mut hosts: Vec<Host> = if is_flake {
        let flake = dir.join("flake.nix");
        read_hosts(&files, &dir, &nix_files, versions, &|ev| {
            hosts::flake_hosts(ev, flake.parent().unwrap_or(Path::new(".")))
        })
    } else if is_dir
        && nix_files.contains(&hive)
        && !nix_files.contains(&dir.join("configuration.nix"))
    {
        read_hosts(&files, &dir, &nix_files, versions, &|ev| {
            hosts::hive_file_hosts(ev, &hive)
        })
    } else if !is_dir {
        vec![evaluate_paths(
            &files,
            None,
            vec![path.to_path_buf()],
            versions,
            None,
        )]
    } else {
        machines::entry_points(&files, &dir, &nix_files)
            .into_par_iter()
            .map(|(name, root)| evaluate_paths(&files, name, vec![root], versions, None))
            .collect()
    };

    crate::timing::since(crate::timing::Phase::Evaluate, evaluating);
    let errors: Vec<SourceError> = files
        .all()
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let e = f.error.as_ref().filter(|e| !e.unreadable())?;
            if !f.reached.load(std::sync::atomic::Ordering::Relaxed) {
                return None;
            }
            Some(SourceError {
                help: e.help.map(str::to_string),
                message: e.message.clone(),
                at: file_loc(&files, super::files::FileId(i as u32), e.start, e.end),
            })
        })
        .collect();
    for h in &mut hosts {
        h.source_errors.extend(errors.iter().cloned());
    }
    let mut sources = SourceDb::default();
    for f in files.all() {
        if f.error.as_ref().is_none_or(|e| !e.unreadable()) {
            sources.insert(f.path.clone(), f.text.clone());
        }
    }
    if let Some(cache) = &files.parse_cache {
        cache.keep_only(&files.paths());
    }
    crate::timing::time(crate::timing::Phase::Free, || files.drop_in_parallel());
    Ok(Loaded {
        hosts,
        sources,
        base: dir,
    })
}

/// The hosts `read` finds (a flake's, a colmena hive's); when they cannot be read, each
/// machine's entry point, marked as read without them.
fn read_hosts(
    files: &Files,
    dir: &Path,
    nix_files: &[PathBuf],
    versions: &Versions,
    read: &(dyn Fn(&mut Eval) -> Result<Vec<HostSpec>, String> + Sync),
) -> Vec<Host> {
    // Values are per thread (Rc), so each host's thread reads the host list again; the parsed
    // files are shared, and the outputs themselves are cheap to evaluate.
    let names = {
        let mut ev = Eval::on_deep_stack(files);
        read(&mut ev).map(|hs| hs.into_iter().map(|h| h.name).collect::<Vec<_>>())
    };
    match names {
        Ok(names) => names
            .par_iter()
            .map(|name| {
                let mut ev = Eval::on_deep_stack(files);
                let spec = read(&mut ev)
                    .ok()
                    .and_then(|hs| hs.into_iter().find(|h| &h.name == name));
                let spec = spec.unwrap_or_else(|| HostSpec {
                    name: name.clone(),
                    modules: Vec::new(),
                    special_args: Attrs::default(),
                    unreadable: Some(("the host's definition".to_string(), None)),
                });
                evaluate(&mut ev, spec, versions)
            })
            .collect(),
        Err(why) => {
            let entries = machines::entry_points(files, dir, nix_files);
            // Nothing to fall back on: still one host, not read, so the report says so
            // instead of "no findings".
            if entries.is_empty() {
                let note = format!("the list of hosts: {why}; no machine entry file found either");
                return vec![evaluate_paths(
                    files,
                    None,
                    Vec::new(),
                    versions,
                    Some(note),
                )];
            }
            let note = format!("the list of hosts: {why}; found by their entry files instead");
            entries
                .into_par_iter()
                .map(|(name, root)| {
                    evaluate_paths(files, name, vec![root], versions, Some(note.clone()))
                })
                .collect()
        }
    }
}

fn evaluate_paths(
    files: &Files,
    name: Option<String>,
    roots: Vec<PathBuf>,
    versions: &Versions,
    note: Option<String>,
) -> Host {
    let mut ev = Eval::on_deep_stack(files);
    let modules = roots
        .into_iter()
        .map(|p| ready(V::new(Val::Path(Rc::new(normalize_path(&p))), None)))
        .collect();
    evaluate(
        &mut ev,
        HostSpec {
            name,
            modules,
            special_args: Attrs::default(),
            unreadable: note.map(|n| (n, None)),
        },
        versions,
    )
}

fn evaluate(ev: &mut Eval, spec: HostSpec, versions: &Versions) -> Host {
    if let Some((what, at)) = spec.unreadable {
        ev.note_unread(what, at);
    }
    let sys = ev.new_system(spec.modules, spec.special_args, Scope::Nixos);
    let nixpkgs_date = versions.nixpkgs.as_ref().and_then(|p| p.date.clone());
    let mut host = Extractor {
        ev,
        sys,
        nixpkgs_date,
    }
    .host(spec.name);
    host.versions = versions.clone();
    host
}
