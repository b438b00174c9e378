//! Host discovery: a flake's nixosConfigurations, else configuration.nix, else the given file or
//! folder as one host.

use super::eval::{Eval, Selected};
use super::value::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One host to evaluate: its root modules and the extra arguments modules receive.
pub struct HostSpec {
    pub name: Option<String>,
    pub modules: Vec<Thunk>,
    pub special_args: Attrs,
}

pub enum Discovery {
    Flake { dir: PathBuf },
    Modules { roots: Vec<PathBuf> },
}

/// Decides what the given path is, without evaluating anything.
pub fn discover(path: &Path, nix_files: &[PathBuf]) -> Discovery {
    if path.is_file() {
        if path.file_name().is_some_and(|n| n == "flake.nix") {
            return Discovery::Flake {
                dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            };
        }
        return Discovery::Modules {
            roots: vec![path.to_path_buf()],
        };
    }
    if path.join("flake.nix").is_file() {
        return Discovery::Flake {
            dir: path.to_path_buf(),
        };
    }
    fallback(path, nix_files)
}

/// configuration.nix, else default.nix, else every .nix file of the folder as one host.
pub fn fallback(dir: &Path, nix_files: &[PathBuf]) -> Discovery {
    for name in ["configuration.nix", "default.nix"] {
        if dir.join(name).is_file() {
            return Discovery::Modules {
                roots: vec![dir.join(name)],
            };
        }
    }
    Discovery::Modules {
        roots: nix_files
            .iter()
            .filter(|p| p.file_name().is_none_or(|n| n != "flake.nix"))
            .cloned()
            .collect(),
    }
}

/// Input names of a flake and whether each is a nixpkgs.
fn flake_inputs(ev: &mut Eval, flake: &V) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    let inputs = match ev.select_key(flake, "inputs") {
        Selected::Found(v) => v,
        _ => return out,
    };
    let Some(attrs) = ev.as_attrs(&inputs) else {
        return out;
    };
    for (name, b) in attrs.map.iter() {
        let v = ev.force(&b.value.clone());
        let url = match &v.kind {
            Val::Str(s) => s.to_string(),
            _ => match ev.select_key(&v, "url") {
                Selected::Found(u) => u.as_str().unwrap_or_default().to_string(),
                _ => String::new(),
            },
        };
        let is_nixpkgs =
            name.starts_with("nixpkgs") || url.contains("nixpkgs") || url.contains("nixos-");
        out.insert(name.to_string(), is_nixpkgs);
    }
    out
}

/// The hosts of a flake, or None when its nixosConfigurations cannot be evaluated statically.
pub fn flake_hosts(ev: &mut Eval, dir: &Path) -> Option<Vec<HostSpec>> {
    let (flake, _) = ev.import(&dir.join("flake.nix"));
    let inputs = flake_inputs(ev, &flake);
    ev.nixpkgs_inputs = inputs
        .iter()
        .filter(|(_, n)| **n)
        .map(|(k, _)| k.clone())
        .collect();
    if !ev.nixpkgs_inputs.iter().any(|n| n == "nixpkgs") {
        ev.nixpkgs_inputs.push("nixpkgs".to_string());
    }
    let outputs = match ev.select_key(&flake, "outputs") {
        Selected::Found(v) => v,
        _ => return None,
    };
    let mut arg = Attrs::default();
    for name in inputs.keys().map(String::as_str).chain(["self", "nixpkgs"]) {
        let v = V::new(Val::External(format!("input:{name}").into()), None);
        arg.map.entry(name.into()).or_insert(Binding {
            value: ready(v),
            at: None,
        });
    }
    // Inputs not declared (follows, registry) are unknown, not absent.
    arg.partial = true;
    let outputs = ev.apply(outputs, ready(V::attrs(arg, None)), None);
    let configs = match ev.select_key(&outputs, "nixosConfigurations") {
        Selected::Found(v) => v,
        _ => return None,
    };
    let attrs = ev.as_attrs(&configs)?;
    let mut hosts = Vec::new();
    for (name, b) in attrs.map.iter() {
        let sys = ev.force(&b.value.clone());
        let Val::System(spec) = &sys.kind else {
            // A host we cannot read is still a host: its facts are incomplete.
            hosts.push(HostSpec {
                name: Some(name.to_string()),
                modules: vec![ready(V::unknown())],
                special_args: Attrs::default(),
            });
            continue;
        };
        let spec = spec.clone();
        let modules = match spec.get("modules").map(|m| ev.force(&m.value.clone())) {
            Some(m) => match ev.as_list(&m) {
                Some(list) => list.to_vec(),
                None => vec![ready(V::unknown())],
            },
            None => Vec::new(),
        };
        let special_args = match spec.get("specialArgs").map(|m| ev.force(&m.value.clone())) {
            Some(v) => ev.as_attrs(&v).map(|a| (*a).clone()).unwrap_or_default(),
            None => Attrs::default(),
        };
        hosts.push(HostSpec {
            name: Some(name.to_string()),
            modules,
            special_args,
        });
    }
    if attrs.partial && hosts.is_empty() {
        return None;
    }
    Some(hosts)
}
