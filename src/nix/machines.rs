//! Hosts of a folder that is not a readable flake: `configuration.nix` at the top, else each
//! machine's entry point as a host of its own (named after its folder), never every file merged
//! into one configuration.
//!
//! An entry point is a file that no other file imports and that reads as a NixOS machine:
//! `configuration.nix` anywhere, `default.nix` or `<name>.nix` in a folder of machines
//! (`hosts/`, `machines/`, `systems/`, `nodes/`), else a file that declares what only a
//! machine declares (file systems, a boot loader, a host name, a state version).

use super::files::Files;
use rnix::SyntaxKind;
use rowan::ast::AstNode;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Folders whose children are machines.
const MACHINE_DIRS: &[&str] = &["hosts", "machines", "systems", "nodes", "hosts-nixos"];
/// Option prefixes only a machine's own configuration sets.
const MACHINE_KEYS: &[&str] = &[
    "fileSystems",
    "boot.loader",
    "networking.hostName",
    "system.stateVersion",
];
/// File names that are never a machine's entry point.
const NOT_ENTRY: &[&str] = &[
    "flake.nix",
    "shell.nix",
    "hardware-configuration.nix",
    "home.nix",
];

/// Named entry points (None: the one configuration of the folder).
pub fn entry_points(
    files: &Files,
    dir: &Path,
    nix_files: &[PathBuf],
) -> Vec<(Option<String>, PathBuf)> {
    let top = dir.join("configuration.nix");
    if nix_files.contains(&top) {
        return vec![(None, top)];
    }
    let referenced = referenced_files(files, nix_files);
    let unreferenced: Vec<&PathBuf> = nix_files
        .iter()
        .filter(|p| !referenced.contains(*p))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| !NOT_ENTRY.contains(&&*n.to_string_lossy()))
        })
        .collect();
    let top_default = dir.join("default.nix");
    if unreferenced.contains(&&top_default) && reads_as_machine(files, &top_default) {
        return vec![(None, top_default)];
    }
    let mut hosts: BTreeMap<String, PathBuf> = BTreeMap::new();
    for p in &unreferenced {
        if let Some(name) = machine_name(p, dir) {
            hosts.entry(name).or_insert_with(|| (*p).clone());
        }
    }
    if hosts.is_empty() {
        for p in &unreferenced {
            if reads_as_machine(files, p) {
                hosts.entry(name_of(p)).or_insert_with(|| (*p).clone());
            }
        }
    }
    if hosts.is_empty() {
        // No machine in sight: the files that nothing imports, as one configuration.
        return unreferenced
            .into_iter()
            .map(|p| (None, p.clone()))
            .collect();
    }
    hosts.into_iter().map(|(n, p)| (Some(n), p)).collect()
}

/// Folders whose machines are not NixOS (nix-darwin, home-manager).
const NOT_NIXOS_DIRS: &[&str] = &["darwin", "home", "homes", "home-manager"];

/// The machine a file is the entry point of, from where it sits.
fn machine_name(p: &Path, top: &Path) -> Option<String> {
    let rel = p.strip_prefix(top).unwrap_or(p);
    if rel
        .components()
        .any(|c| NOT_NIXOS_DIRS.contains(&&*c.as_os_str().to_string_lossy()))
    {
        return None;
    }
    let file = p.file_name()?.to_string_lossy().into_owned();
    let parent = p.parent()?;
    let parent_name = parent.file_name()?.to_string_lossy().into_owned();
    // ez-configs and nixos-unified: configurations/nixos/<name>/default.nix.
    let grand_dir = parent.parent()?;
    if file == "default.nix"
        && grand_dir.file_name().is_some_and(|n| n == "nixos")
        && grand_dir
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == "configurations")
    {
        return Some(parent_name);
    }
    if file == "configuration.nix" && parent != top {
        return Some(parent_name);
    }
    let grand = parent.parent()?.file_name()?.to_string_lossy().into_owned();
    if file == "default.nix" && MACHINE_DIRS.contains(&grand.as_str()) {
        return Some(parent_name);
    }
    if MACHINE_DIRS.contains(&parent_name.as_str()) && file != "default.nix" {
        return file.strip_suffix(".nix").map(str::to_string);
    }
    None
}

fn name_of(p: &Path) -> String {
    let file = p.file_stem().map(|n| n.to_string_lossy().into_owned());
    match file.as_deref() {
        Some("default") | Some("configuration") | None => p
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        Some(f) => f.to_string(),
    }
}

/// Files some other file names with a path literal (`./x.nix`, `../common`): not entry points.
fn referenced_files(files: &Files, nix_files: &[PathBuf]) -> HashSet<PathBuf> {
    let mut out = HashSet::new();
    for p in nix_files {
        let (_, parsed) = files.get(p);
        let Some(green) = &parsed.green else { continue };
        let root = rnix::SyntaxNode::new_root(green.clone());
        let base = parsed.path.parent().unwrap_or(Path::new("/")).to_path_buf();
        for node in root.descendants() {
            if !matches!(
                node.kind(),
                SyntaxKind::NODE_PATH_ABS | SyntaxKind::NODE_PATH_REL
            ) {
                continue;
            }
            let text = node.text().to_string();
            if text.contains("${") || text.starts_with('<') || text.starts_with('~') {
                continue;
            }
            let target = super::files::normalize_path(&base.join(&text));
            if target == parsed.path {
                continue;
            }
            out.insert(target.join("default.nix"));
            out.insert(target);
        }
    }
    out
}

/// Does the file set what only a machine sets?
fn reads_as_machine(files: &Files, p: &Path) -> bool {
    let (_, parsed) = files.get(p);
    let Some(green) = &parsed.green else {
        return false;
    };
    let root = rnix::SyntaxNode::new_root(green.clone());
    root.descendants()
        .filter_map(rnix::ast::AttrpathValue::cast)
        .filter_map(|apv| apv.attrpath())
        .map(|path| path.syntax().text().to_string())
        .any(|path| {
            MACHINE_KEYS
                .iter()
                .any(|k| path == *k || path.starts_with(&format!("{k}.")) || path.ends_with(k))
        })
}
