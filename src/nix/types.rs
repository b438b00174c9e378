//! `lib.types`, as far as the module system needs it to find declarations: which option types
//! hold a set of values of another type (`attrsOf`, `lazyAttrsOf`), and which are submodules
//! (whose options, and their defaults, apply below each instance). Every type is a set with
//! `_type = "option-type"` and its `name`; the others are only named.

use super::builtins::{Prim, prim_value};
use super::eval::{Eval, Selected};
use super::value::*;
use std::rc::Rc;

/// Types that wrap one element type.
const WRAPPERS: &[&str] = &[
    "attrsOf",
    "lazyAttrsOf",
    "listOf",
    "nullOr",
    "uniq",
    "unique",
    "functionTo",
    "nonEmptyListOf",
    "oneOf",
];
/// Types of two.
const COMBINATORS: &[&str] = &["either"];
/// Plain types, named.
const PLAIN: &[&str] = &[
    "str",
    "string",
    "nonEmptyStr",
    "singleLineStr",
    "lines",
    "commas",
    "envVar",
    "bool",
    "int",
    "ints",
    "port",
    "float",
    "number",
    "numbers",
    "path",
    "pathInStore",
    "package",
    "attrs",
    "anything",
    "raw",
    "unspecified",
    "deferredModule",
    "enum",
    "strMatching",
    "separatedString",
    "shellPackage",
    "passwdEntry",
    "externalPath",
];

fn named(name: &str, more: &[(&str, Thunk)]) -> V {
    let mut a = Attrs::default();
    let mut put = |k: &str, value: Thunk| {
        a.map.insert(k.into(), Binding { value, at: None });
    };
    put("_type", ready(V::str("option-type", None)));
    put("name", ready(V::str(name, None)));
    for (k, v) in more {
        put(k, v.clone());
    }
    put(
        "check",
        ready(V::new(
            Val::Prim(Rc::new(PrimApp {
                prim: Prim::TypeCheck,
                args: vec![ready(V::str(name, None))],
            })),
            None,
        )),
    );
    V::attrs(a, None)
}

fn applied(p: Prim, name: &str) -> V {
    V::new(
        Val::Prim(Rc::new(PrimApp {
            prim: p,
            args: vec![ready(V::str(name, None))],
        })),
        None,
    )
}

/// `lib.types`.
pub fn namespace() -> V {
    let mut attrs = Attrs {
        partial: true,
        ..Attrs::default()
    };
    let mut put = |k: &str, v: V| {
        attrs.set(k, ready(v));
    };
    for w in WRAPPERS {
        put(w, applied(Prim::TypeConstructor1, w));
    }
    for c in COMBINATORS {
        put(c, applied(Prim::TypeConstructor2, c));
    }
    for p in PLAIN {
        put(p, named(p, &[]));
    }
    put("submodule", prim_value(Prim::SubmoduleType));
    put("coercedTo", prim_value(Prim::CoercedToType));
    put("submoduleWith", prim_value(Prim::SubmoduleWithType));
    put("attrsWith", prim_value(Prim::AttrsWithType));
    V::attrs(attrs, None)
}

pub fn call(ev: &mut Eval, p: Prim, a: &[Thunk], _at: Option<Span>) -> V {
    let name = |ev: &mut Eval| ev.force(&a[0]).as_str().unwrap_or("unknown").to_string();
    match p {
        Prim::TypeConstructor1 => {
            let n = name(ev);
            named(&n, &[("elemType", a[1].clone())])
        }
        Prim::TypeConstructor2 => named(&name(ev), &[]),
        Prim::SubmoduleType => named("submodule", &[("__modules", a[0].clone())]),
        // coercedTo from f to: values below are `to`'s.
        Prim::CoercedToType => named("coercedTo", &[("elemType", a[2].clone())]),
        // attrsWith { elemType, lazy ? false, ... }: attrsOf or lazyAttrsOf (lib/types.nix).
        Prim::AttrsWithType => {
            let spec = ev.force(&a[0]);
            let elem = match ev.select_key(&spec, "elemType") {
                Selected::Found(t) => ready(t),
                _ => ready(V::unknown()),
            };
            let lazy = match ev.select_key(&spec, "lazy") {
                Selected::Found(l) => l.as_bool() == Some(true),
                _ => false,
            };
            let name = if lazy { "lazyAttrsOf" } else { "attrsOf" };
            named(name, &[("elemType", elem)])
        }
        Prim::SubmoduleWithType => {
            let spec = ev.force(&a[0]);
            let modules = match ev.select_key(&spec, "modules") {
                Selected::Found(m) => ready(m),
                _ => ready(V::unknown()),
            };
            named("submodule", &[("__modules", modules)])
        }
        // `type.check v`, as far as the kind of a known value decides it.
        Prim::TypeCheck => {
            let n = name(ev);
            let v = ev.force(&a[1]);
            let any = matches!(n.as_str(), "anything" | "raw" | "unspecified");
            let string = matches!(
                n.as_str(),
                "str" | "string" | "lines" | "commas" | "envVar" | "singleLineStr"
            );
            // Types whose check rejects null (nullOr, either, oneOf… may accept it).
            let not_null = string
                || matches!(
                    n.as_str(),
                    "bool"
                        | "int"
                        | "path"
                        | "package"
                        | "attrs"
                        | "listOf"
                        | "attrsOf"
                        | "lazyAttrsOf"
                        | "submodule"
                        | "enum"
                        | "port"
                );
            match &v.kind {
                _ if any => V::bool(true),
                Val::Null if n == "nullOr" => V::bool(true),
                Val::Null if not_null => V::bool(false),
                Val::Str(_) if string => V::bool(true),
                Val::Bool(_) if n == "bool" => V::bool(true),
                _ => V::unknown(),
            }
        }
        _ => V::unknown(),
    }
}

/// What a type says about the values below a value of it.
pub enum Below {
    /// `attrsOf t`, `lazyAttrsOf t`: every name holds a `t`.
    Each(V),
    /// A submodule: its modules (a module, or a list of them).
    Submodule(Thunk),
    Nothing,
}

pub fn below(ev: &mut Eval, ty: &V) -> Below {
    let field = |ev: &mut Eval, k: &str| match ev.select_key(ty, k) {
        Selected::Found(v) => Some(v),
        _ => None,
    };
    let Some(name) = field(ev, "name").and_then(|n| n.as_str().map(str::to_string)) else {
        return Below::Nothing;
    };
    match name.as_str() {
        "attrsOf" | "lazyAttrsOf" => match field(ev, "elemType") {
            Some(t) => Below::Each(t),
            None => Below::Nothing,
        },
        "nullOr" | "uniq" | "unique" | "coercedTo" => match field(ev, "elemType") {
            Some(t) => below(ev, &t),
            None => Below::Nothing,
        },
        "submodule" => match ty {
            V {
                kind: Val::Attrs(a),
                ..
            } => a
                .get("__modules")
                .map_or(Below::Nothing, |b| Below::Submodule(b.value.clone())),
            _ => Below::Nothing,
        },
        _ => Below::Nothing,
    }
}
