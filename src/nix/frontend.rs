//! The static frontend's entry point: finds the files and hosts, evaluates each host (in
//! parallel, each on a thread with a large stack), and returns their facts.

use super::eval::Eval;
use super::extract::{Extractor, file_loc};
use super::files::{Files, normalize_path};
use super::hosts::{self, Discovery, HostSpec};
use super::value::*;
use crate::app::Loaded;
use crate::facts::{Host, SourceError, Versions};
use crate::knowledge::Scope;
use crate::source::SourceDb;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Stack for evaluation threads: the depth limit keeps recursion well inside it.
const EVAL_STACK: usize = 256 * 1024 * 1024;
/// Folders never scanned for .nix files.
const SKIP_DIRS: &[&str] = &["node_modules", "target", ".git", ".direnv", "result"];

/// All .nix files below `dir` (no symlinked folders, so no loops).
pub fn scan(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(ft) = e.file_type() else { continue };
            let name = e.file_name();
            let name = name.to_string_lossy();
            if ft.is_dir() {
                if !name.starts_with('.')
                    && !SKIP_DIRS.contains(&name.as_ref())
                    && !name.starts_with("result")
                {
                    stack.push(e.path());
                }
            } else if name.ends_with(".nix") && (ft.is_file() || e.path().is_file()) {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

pub fn load(path: &Path) -> Result<Loaded, String> {
    if !path.exists() {
        return Err(format!("{}: no such file or folder", path.display()));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(EVAL_STACK)
        .build()
        .map_err(|e| format!("cannot start evaluation threads: {e}"))?;
    // Parsing, evaluating and dropping deep syntax trees all happen on the large stacks.
    pool.install(|| load_in_pool(&normalize_path(path)))
}

fn load_in_pool(path: &Path) -> Result<Loaded, String> {
    let path = path.to_path_buf();
    let files = Files::default();
    let nix_files = if path.is_dir() {
        scan(&path)
    } else {
        vec![path.clone()]
    };
    if path.is_dir() && nix_files.is_empty() {
        return Err(format!("{}: no .nix files here", path.display()));
    }
    files.preload(&nix_files);
    let base = if path.is_dir() {
        path.clone()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };

    let versions = super::flake_lock::read(&base);
    let discovery = hosts::discover(&path, &nix_files);
    let mut hosts: Vec<Host> = match &discovery {
        Discovery::Flake { dir } => {
            // Values are per thread (Rc), so each host's thread reads the flake's outputs again;
            // the parsed files are shared, and the outputs themselves are cheap to evaluate.
            let names = {
                let mut ev = Eval::new(&files);
                hosts::flake_hosts(&mut ev, dir)
                    .map(|hs| hs.into_iter().map(|h| h.name).collect::<Vec<_>>())
            };
            match names {
                Some(names) if !names.is_empty() => names
                    .par_iter()
                    .map(|name| {
                        let mut ev = Eval::new(&files);
                        let spec = hosts::flake_hosts(&mut ev, dir)
                            .and_then(|hs| hs.into_iter().find(|h| &h.name == name))
                            .unwrap_or(HostSpec {
                                name: name.clone(),
                                modules: vec![ready(V::unknown())],
                                special_args: Attrs::default(),
                            });
                        evaluate(&mut ev, spec, &versions)
                    })
                    .collect(),
                _ => {
                    eprintln!(
                        "impermalint: warning: {}: nixosConfigurations cannot be read without Nix; checking the folder as one configuration",
                        dir.join("flake.nix").display()
                    );
                    match hosts::fallback(dir, &nix_files) {
                        Discovery::Modules { roots } => {
                            vec![evaluate_paths(&files, roots, &versions)]
                        }
                        Discovery::Flake { .. } => Vec::new(),
                    }
                }
            }
        }
        Discovery::Modules { roots } => vec![evaluate_paths(&files, roots.clone(), &versions)],
    };

    let errors: Vec<SourceError> = files
        .all()
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let e = f.error.as_ref().filter(|e| !e.unreadable)?;
            Some(SourceError {
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
        sources.insert(f.path.clone(), f.text.clone());
    }
    Ok(Loaded {
        hosts,
        sources,
        base,
    })
}

fn evaluate_paths(files: &Files, roots: Vec<PathBuf>, versions: &Versions) -> Host {
    let mut ev = Eval::new(files);
    let modules = roots
        .into_iter()
        .map(|p| {
            ready(V::new(
                Val::Path(std::rc::Rc::new(normalize_path(&p))),
                None,
            ))
        })
        .collect();
    evaluate(
        &mut ev,
        HostSpec {
            name: None,
            modules,
            special_args: Attrs::default(),
        },
        versions,
    )
}

fn evaluate(ev: &mut Eval, spec: HostSpec, versions: &Versions) -> Host {
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
