//! Evaluating one Nix expression to JSON, the way `nix-instantiate --eval --strict --json` does,
//! for the differential tests against Nix (and anything else that needs a plain value). The
//! answer is None where the partial evaluator does not know the whole value.

use super::eval::Eval;
use super::files::Files;
use super::value::*;
use crate::access::Access;
use serde_json::{Map, Value};
use std::path::Path;

/// How deep a value is converted (guards against cyclic or huge values).
const MAX_JSON_DEPTH: usize = 200;

/// The JSON value of `text`, evaluated in a folder where it may read nothing; Ok(None) when
/// some part of it is unknown; Err when it does not parse.
pub fn eval_to_json(text: &str) -> Result<Option<Value>, String> {
    let dir = std::env::temp_dir();
    let access = Access::new(std::slice::from_ref(&dir)).map_err(|e| e.to_string())?;
    let files = Files::new(access);
    let path = dir.join("impermalint-expression.nix");
    let id = files.insert_text(&path, text);
    if let Some(e) = &files.by_id(id).error {
        return Err(e.message.clone());
    }
    let mut ev = Eval::new(&files);
    let (v, _) = ev.import(Path::new(&path), None);
    Ok(to_json(&mut ev, &v, 0))
}

/// Forces a value deeply into JSON; None if anything in it is unknown or not JSON.
pub fn to_json(ev: &mut Eval, v: &V, depth: usize) -> Option<Value> {
    if depth > MAX_JSON_DEPTH {
        return None;
    }
    Some(match &v.kind {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Int(i) => Value::from(*i),
        Val::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number)?,
        Val::Str(s) => Value::String(s.to_string()),
        Val::List(items) => {
            let mut out = Vec::new();
            for t in items.iter() {
                let x = ev.force(t);
                out.push(to_json(ev, &x, depth + 1)?);
            }
            Value::Array(out)
        }
        Val::Attrs(_) | Val::Config(_) => {
            let attrs = ev.as_attrs(v)?;
            if attrs.partial || attrs.rest.is_some() {
                return None;
            }
            // A set with outPath or __toString is a string in JSON; not modelled here.
            if attrs.get("outPath").is_some() || attrs.get("__toString").is_some() {
                return None;
            }
            let mut out = Map::new();
            for (k, b) in attrs.map.iter() {
                let x = ev.force(&b.value.clone());
                out.insert(k.to_string(), to_json(ev, &x, depth + 1)?);
            }
            Value::Object(out)
        }
        _ => return None,
    })
}
