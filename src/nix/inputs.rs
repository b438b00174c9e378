//! Flake inputs whose source can be read: named by the user (`--input NAME=DIR`, like Nix's
//! `--override-input`), or locked in flake.lock and present in the local Nix store
//! (`--inputs-from-store`).
//!
//! The static frontend never fetches anything, so a module from an input is normally a blind
//! spot. When the input's source is on the machine, its modules can be read like the
//! configuration's own. Only the inputs the user pointed at are read: the folders are added to
//! the allowed roots (confinement still holds for everything else), and a store path is derived
//! from the lock's `narHash`, never from text a configuration controls.
//!
//! Nested inputs (an input's own inputs) are found through the lock graph, `follows` included.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Where the Nix store is (the default store; Nix's `NIX_STORE_DIR` is not honoured).
pub const STORE_DIR: &str = "/nix/store";

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// `--input NAME=DIR`: the root flake's input NAME (or what a fetcher fetches from the URL
    /// NAME) is read from DIR.
    pub overrides: Vec<(String, PathBuf)>,
    /// `--inputs-from-store`: read locked inputs found in the local Nix store.
    pub from_store: bool,
}

/// Everything that decides what a check may read: the allowed folders and the inputs.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub allow: Vec<PathBuf>,
    pub inputs: InputOptions,
    /// Absolute paths of the machine read from a folder here (`--path-map PATH=DIR`).
    pub path_map: Vec<(PathBuf, PathBuf)>,
    /// Parses kept from an earlier check, reused where a file's text did not change (the
    /// language server keeps one across its analyses).
    pub parse_cache: Option<std::sync::Arc<super::files::ParseCache>>,
}

/// Parses `PATH=DIR` for `--path-map`: PATH must be absolute.
pub fn parse_path_map(s: &str) -> Result<(PathBuf, PathBuf), String> {
    match s.split_once('=') {
        Some((from, to)) if from.starts_with('/') && !to.is_empty() => {
            Ok((PathBuf::from(from), PathBuf::from(to)))
        }
        _ => Err(format!(
            "expected PATH=DIR with an absolute PATH (/etc/nixos=.), got {s:?}"
        )),
    }
}

/// Parses `NAME=DIR`, where NAME is a flake input's name or the URL a fetcher fetches
/// (`builtins.fetchTarball`, npins, niv). A URL may itself contain `=`: it ends at the last one.
pub fn parse_override(s: &str) -> Result<(String, PathBuf), String> {
    let split = if s.contains("://") {
        s.rsplit_once('=')
    } else {
        s.split_once('=')
    };
    match split {
        Some((name, dir)) if !name.is_empty() && !dir.is_empty() => {
            Ok((name.to_string(), PathBuf::from(dir)))
        }
        _ => Err(format!("`{s}`: expected NAME=DIR")),
    }
}

/// The inputs of one check whose sources can be read, by the name an External value carries
/// (`input:NAME`): the root flake's input names, and lock node keys for nested inputs.
#[derive(Debug, Default)]
pub struct InputDirs {
    /// Source folder per name.
    dirs: HashMap<String, PathBuf>,
    /// For each name, its own inputs: input name -> name (lock node key) of that input.
    children: HashMap<String, BTreeMap<String, String>>,
}

impl InputDirs {
    /// Finds the readable inputs of a flake from its lock (if it has one). Overrides whose
    /// folder does not exist are an error.
    pub fn find(lock: Option<&Value>, opts: &InputOptions) -> Result<InputDirs, String> {
        let mut out = InputDirs::default();
        if let Some(lock) = lock {
            out.read_lock(lock, opts.from_store);
        }
        for (name, path) in &opts.overrides {
            let path = std::fs::canonicalize(path)
                .ok()
                .filter(|p| p.is_dir())
                .ok_or_else(|| format!("--input {name}={}: no such folder", path.display()))?;
            out.dirs.insert(name.clone(), path);
        }
        Ok(out)
    }

    fn read_lock(&mut self, lock: &Value, from_store: bool) {
        let nodes = &lock["nodes"];
        let root = lock["root"].as_str().unwrap_or("root");
        let Some(root_inputs) = nodes[root]["inputs"].as_object() else {
            return;
        };
        // Root inputs by their names; every other node by its key, unless a root input
        // already uses that name for a different node.
        let mut names: HashMap<String, String> = HashMap::new();
        for name in root_inputs.keys() {
            if let Some(key) = follow(lock, root, name) {
                names.insert(key, name.clone());
            }
        }
        let Some(all) = nodes.as_object() else { return };
        let taken: Vec<String> = names.values().cloned().collect();
        for key in all.keys() {
            if key != root && !names.contains_key(key) && !taken.contains(key) {
                names.insert(key.clone(), key.clone());
            }
        }
        for (key, name) in &names {
            let node = &nodes[key];
            if let Some(ins) = node["inputs"].as_object() {
                let kids = ins
                    .keys()
                    .filter_map(|i| Some((i.clone(), names.get(&follow(lock, key, i)?)?.clone())))
                    .collect();
                self.children.insert(name.clone(), kids);
            }
            if from_store
                && let Some(path) = node["locked"]["narHash"].as_str().and_then(store_path)
                && path.is_dir()
            {
                self.dirs.insert(name.clone(), path);
            }
        }
    }

    /// The folder of the input with this name (or of the source fetched from this URL), when
    /// it can be read.
    pub fn dir(&self, name: &str) -> Option<&Path> {
        self.dirs.get(name).map(PathBuf::as_path)
    }

    /// The inputs of the input with this name: input name -> name.
    pub fn children(&self, name: &str) -> Option<&BTreeMap<String, String>> {
        self.children.get(name)
    }

    /// Folders to add to the allowed roots.
    pub fn roots(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = self.dirs.values().cloned().collect();
        v.sort();
        v.dedup();
        v
    }
}

/// The lock node that input `name` of node `from` refers to (a key, or a `follows` path from
/// the root), or None for a broken lock. Follows chains are bounded.
fn follow(lock: &Value, from: &str, name: &str) -> Option<String> {
    let root = lock["root"].as_str().unwrap_or("root");
    let mut target = lock["nodes"][from]["inputs"][name].clone();
    for _ in 0..32 {
        match target {
            Value::String(key) => return Some(key),
            Value::Array(path) => {
                let mut node = root.to_string();
                let mut path = path.iter();
                let first = path.next()?.as_str()?;
                let mut step = lock["nodes"][&node]["inputs"][first].clone();
                for p in path {
                    node = match step {
                        Value::String(k) => k,
                        _ => return None,
                    };
                    step = lock["nodes"][&node]["inputs"][p.as_str()?].clone();
                }
                target = step;
            }
            _ => return None,
        }
    }
    None
}

/// The store path of a flake input's source from its lock `narHash` (`sha256-<base64>`): a
/// fixed-output path named `source`, as Nix computes it.
pub fn store_path(nar_hash: &str) -> Option<PathBuf> {
    use sha2::{Digest, Sha256};
    let b64 = nar_hash.strip_prefix("sha256-")?;
    let digest = base64_decode(b64).filter(|d| d.len() == 32)?;
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let fingerprint = format!("source:sha256:{hex}:{STORE_DIR}:source");
    let hash = Sha256::digest(fingerprint.as_bytes());
    let mut compressed = [0u8; 20];
    for (i, b) in hash.iter().enumerate() {
        compressed[i % 20] ^= b;
    }
    Some(PathBuf::from(format!(
        "{STORE_DIR}/{}-source",
        nix_base32(&compressed)
    )))
}

/// Nix's base-32 (its own alphabet, least significant bits first).
fn nix_base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdfghijklmnpqrsvwxyz";
    let len = (bytes.len() * 8).div_ceil(5);
    (0..len)
        .rev()
        .map(|n| {
            let (i, j) = (n * 5 / 8, n * 5 % 8);
            let lo = u16::from(bytes[i]) >> j;
            let hi = bytes.get(i + 1).map_or(0, |b| u16::from(*b) << (8 - j));
            ALPHABET[usize::from((lo | hi) & 0x1f)] as char
        })
        .collect()
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().take_while(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn store_paths_as_nix_computes_them() {
        // `nix-store --print-fixed-path --recursive sha256 <hash> source` for these hashes.
        for (hash, path) in [
            (
                "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
                "/nix/store/f6jkrn77ysv9dhs8hh6s2faflhjc930i-source",
            ),
            (
                "sha256-FhNVyQZuDvWOozJ1mNuFJ/LY62r3PtBC+kzQNzdi400=",
                "/nix/store/24z7g2x5wxswn2a4dqbydqigxaf2n6hi-source",
            ),
        ] {
            assert_eq!(store_path(hash).unwrap(), PathBuf::from(path));
        }
        assert!(store_path("md5-abc").is_none());
        assert!(store_path("sha256-!!").is_none());
    }

    #[test]
    fn follows_are_resolved_through_the_root() {
        let lock = json!({
            "root": "root",
            "nodes": {
                "root": {"inputs": {"a": "a", "nixpkgs": "nixpkgs"}},
                "a": {"inputs": {"nixpkgs": ["nixpkgs"], "b": "b"}},
                "b": {"inputs": {"c": ["a", "b"]}},
                "nixpkgs": {}
            }
        });
        assert_eq!(follow(&lock, "a", "nixpkgs").as_deref(), Some("nixpkgs"));
        assert_eq!(follow(&lock, "b", "c").as_deref(), Some("b"));
        let mut dirs = InputDirs::default();
        dirs.read_lock(&lock, false);
        assert_eq!(dirs.children("a").unwrap()["nixpkgs"], "nixpkgs");
        assert_eq!(dirs.children("a").unwrap()["b"], "b");
    }

    #[test]
    fn overrides_name_a_folder() {
        assert_eq!(
            parse_override("srvos=../srvos").unwrap(),
            ("srvos".to_string(), PathBuf::from("../srvos"))
        );
        let url = "https://example.org/a.tar.gz?rev=1";
        assert_eq!(
            parse_override(&format!("{url}=/src/a")).unwrap(),
            (url.to_string(), PathBuf::from("/src/a"))
        );
        assert!(parse_override("srvos").is_err());
        assert!(parse_override("=x").is_err());
    }
}
