//! tack pins flake inputs without flake.lock: `tack` writes `.tack/pins.lock.json` and a
//! resolver, `.tack/default.nix`, that fetches each pin and calls its flake. A configuration
//! gets its inputs with `import ./.tack { overrides = …; }`. The resolver fetches, which the
//! static check never does; its result is read here as what it is, the set of the pinned inputs,
//! each an input like a flake's (`input:<name>`, read from its source when the user gives it).

use super::eval::Eval;
use super::value::*;
use serde_json::Value;
use std::path::Path;

/// The header tack writes at the top of the resolver it manages.
const HEADER: &str = "tack-managed resolver";

/// Is this file tack's generated resolver?
pub fn is_resolver(path: &Path, text: &str) -> bool {
    path.parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == ".tack")
        && text.lines().take(3).any(|l| l.contains(HEADER))
}

/// The resolver as a value: a function of its arguments (`overrides`, which only replace
/// sources) returning the pinned inputs.
pub fn resolver(ev: &mut Eval, path: &Path) -> V {
    let lock = path.with_file_name("pins.lock.json");
    let pins: Option<Value> = ev
        .files
        .access
        .read(&lock)
        .ok()
        .and_then(|(_, bytes)| serde_json::from_slice(&bytes).ok());
    let Some(Value::Object(pins)) = pins else {
        return V::unknown();
    };
    let mut inputs = Attrs::default();
    for (name, pin) in &pins {
        let url = match (pin["owner"].as_str(), pin["repo"].as_str()) {
            (Some(owner), Some(repo)) => format!("github:{owner}/{repo}"),
            _ => pin["url"].as_str().unwrap_or_default().to_string(),
        };
        if super::hosts::is_nixpkgs(name, &url) && !ev.nixpkgs_inputs.contains(name) {
            ev.nixpkgs_inputs.push(name.clone());
        }
        if !url.is_empty() {
            ev.input_urls.insert(name.clone(), url);
        }
        inputs.map.insert(
            name.as_str().into(),
            Binding {
                value: ready(V::new(Val::External(format!("input:{name}").into()), None)),
                at: None,
            },
        );
    }
    let inputs = V::attrs(inputs, None);
    V::new(
        Val::Prim(std::rc::Rc::new(PrimApp {
            prim: super::builtins::Prim::Const,
            args: vec![ready(inputs)],
        })),
        None,
    )
}
