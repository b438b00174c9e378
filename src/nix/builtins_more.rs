//! More builtins and lib functions, on the paths real configurations take: regular
//! expressions, string surgery, attribute paths, JSON and TOML, `lib.extend`, and the fetchers
//! (whose results are external values named by what they fetch).

use super::builtins::{Prim, attrs_of, int_of, list_of, prim_value, str_of};
use super::eval::{Eval, Selected};
use super::value::*;
use std::rc::Rc;

/// A POSIX extended regular expression as the regex crate reads it, anchored at both ends
/// (builtins.match) or not (builtins.split). None for what it cannot read faithfully.
fn regex(re: &str, anchored: bool) -> Option<regex::Regex> {
    // Bracket classes like [[:alpha:]] are understood by the regex crate as they are.
    let body = if anchored {
        format!("^(?:{re})$")
    } else {
        re.to_string()
    };
    regex::RegexBuilder::new(&body)
        .size_limit(1 << 20)
        .build()
        .ok()
}

fn captures(c: &regex::Captures) -> Vec<Thunk> {
    (1..c.len())
        .map(|i| {
            ready(match c.get(i) {
                Some(m) => V::str(m.as_str(), None),
                None => V::new(Val::Null, None),
            })
        })
        .collect()
}

pub fn call(ev: &mut Eval, p: Prim, a: &[Thunk], at: Option<Span>) -> V {
    match p {
        Prim::Match => {
            let (Some(re), Some(s)) = (str_of(ev, &a[0]), str_of(ev, &a[1])) else {
                return V::unknown();
            };
            let Some(r) = regex(&re, true) else {
                return V::unknown();
            };
            match r.captures(&s) {
                Some(c) => V::list(captures(&c), at),
                None => V::new(Val::Null, at),
            }
        }
        Prim::Split => {
            let (Some(re), Some(s)) = (str_of(ev, &a[0]), str_of(ev, &a[1])) else {
                return V::unknown();
            };
            let Some(r) = regex(&re, false) else {
                return V::unknown();
            };
            let mut out = Vec::new();
            let mut last = 0;
            for c in r.captures_iter(&s) {
                let Some(m) = c.get(0) else { continue };
                out.push(ready(V::str(&s[last..m.start()], None)));
                out.push(ready(V::list(captures(&c), None)));
                last = m.end();
            }
            out.push(ready(V::str(&s[last..], None)));
            V::list(out, at)
        }
        Prim::Substring => {
            let (Some(start), Some(len), Some(s)) =
                (int_of(ev, &a[0]), int_of(ev, &a[1]), str_of(ev, &a[2]))
            else {
                return V::unknown();
            };
            if start < 0 {
                return V::unknown();
            }
            let bytes = s.as_bytes();
            let from = (start as usize).min(bytes.len());
            let to = if len < 0 {
                bytes.len()
            } else {
                from.saturating_add(len as usize).min(bytes.len())
            };
            V::str(&String::from_utf8_lossy(&bytes[from..to]), at)
        }
        Prim::ReplaceStrings => {
            let (Some(from), Some(to), Some(s)) =
                (list_of(ev, &a[0]), list_of(ev, &a[1]), str_of(ev, &a[2]))
            else {
                return V::unknown();
            };
            let mut pats = Vec::new();
            for (f, t) in from.iter().zip(to.iter()) {
                let (Some(f), Some(t)) = (str_of(ev, f), str_of(ev, t)) else {
                    return V::unknown();
                };
                pats.push((f, t));
            }
            if pats.len() != from.len() || from.len() != to.len() {
                return V::unknown();
            }
            V::str(&replace_strings(&s, &pats), at)
        }
        Prim::HasInfix => match (str_of(ev, &a[0]), str_of(ev, &a[1])) {
            (Some(x), Some(s)) => V::new(Val::Bool(s.contains(&*x)), at),
            _ => V::unknown(),
        },
        // `hasExt "nix"` of a file name (lib.fileset.fileFilter's predicate argument).
        Prim::HasExtOf => match (str_of(ev, &a[0]), str_of(ev, &a[1])) {
            (Some(name), Some(ext)) => V::new(Val::Bool(name.ends_with(&format!(".{ext}"))), at),
            _ => V::unknown(),
        },
        Prim::SetAttrByPath => {
            let Some(path) = list_of(ev, &a[0]) else {
                return V::unknown();
            };
            let mut value = a[1].clone();
            for k in path.iter().rev() {
                let Some(k) = str_of(ev, k) else {
                    return V::unknown();
                };
                let mut attrs = Attrs::default();
                attrs.map.insert(k, Binding { value, at });
                value = ready(V::attrs(attrs, at));
            }
            ev.force(&value)
        }
        Prim::GetAttrFromPath => {
            let Some(path) = list_of(ev, &a[0]) else {
                return V::unknown();
            };
            let mut cur = ev.force(&a[1]);
            for k in path.iter() {
                let Some(k) = str_of(ev, k) else {
                    return V::unknown();
                };
                match ev.select_key(&cur, &k) {
                    Selected::Found(v) => cur = v,
                    _ => return V::unknown(),
                }
            }
            cur
        }
        Prim::FunctionArgs => {
            let f = ev.force(&a[0]);
            match &f.kind {
                Val::Lambda(l) => {
                    let mut attrs = Attrs::default();
                    for (name, has_default) in formals(l) {
                        attrs.map.insert(
                            name,
                            Binding {
                                value: ready(V::bool(has_default)),
                                at: None,
                            },
                        );
                    }
                    V::attrs(attrs, at)
                }
                _ => V::unknown(),
            }
        }
        // `pkgs.callPackage f overrides`: f (a file or a function) called with the package
        // set's attributes it asks for, the overrides first.
        Prim::CallPackage => {
            let f = ev.force(&a[1]);
            let f = match &f.kind {
                Val::Path(p) => ev.import(&p.clone(), f.at.or(at)).0,
                _ => f,
            };
            let Val::Lambda(l) = &f.kind else {
                return V::unknown();
            };
            let names = formals(l);
            let overrides = attrs_of(ev, &a[2]);
            let pkgs = ev.force(&a[0]);
            let mut args = Attrs::default();
            for (name, _) in names {
                let given = overrides.as_ref().and_then(|o| o.get(&name).cloned());
                let value = match given {
                    Some(b) => b.value,
                    None => match ev.select_key(&pkgs, &name) {
                        Selected::Found(v) => ready(v),
                        _ => ready(V::unknown()),
                    },
                };
                args.map.insert(name, Binding { value, at: None });
            }
            if let Some(o) = &overrides {
                for (k, b) in o.map.iter() {
                    args.map.entry(k.clone()).or_insert_with(|| b.clone());
                }
            }
            ev.apply(f.clone(), ready(V::attrs(args, None)), at)
        }
        // assertMsg cond msg: true, or an error (unknown here).
        Prim::AssertMsg => match ev.force(&a[0]).as_bool() {
            Some(true) => V::bool(true),
            _ => V::unknown(),
        },
        Prim::FromJson => match str_of(ev, &a[0]) {
            Some(s) => serde_json::from_str::<serde_json::Value>(&s)
                .map(|j| from_json(&j, at))
                .unwrap_or_else(|_| V::unknown()),
            None => V::unknown(),
        },
        Prim::FromToml => match str_of(ev, &a[0]) {
            Some(s) => toml::from_str::<toml::Value>(&s)
                .map(|t| from_toml(&t, at))
                .unwrap_or_else(|_| V::unknown()),
            None => V::unknown(),
        },
        // lib.extend f: lib's fix-point with f's overlay (final, prev) applied.
        // `lib.extend g`: lib is `makeExtensible` of a function of its final value, as in
        // nixpkgs (lib/default.nix), so every extension sees the others through `final`.
        Prim::Extend => {
            let base = ready(prim_value(Prim::LibBase));
            let f = ready(partial(Prim::Extends, vec![a[0].clone(), base]));
            extensible(ev, f, at)
        }
        // `makeExtensible f`: the fix-point of f, with `extend`.
        Prim::MakeExtensible => extensible(ev, a[0].clone(), at),
        // makeExtensibleWithCustomName name f: makeExtensible, its `extend` called `name`.
        Prim::MakeExtensibleWithCustomName => match str_of(ev, &a[0]) {
            Some(n) => extensible_named(ev, &n, a[1].clone(), at),
            None => V::unknown(),
        },
        Prim::ExtendWithName => {
            let f = ready(partial(Prim::Extends, vec![a[2].clone(), a[1].clone()]));
            match str_of(ev, &a[0]) {
                Some(n) => extensible_named(ev, &n, f, at),
                None => V::unknown(),
            }
        }
        Prim::ExtendWith => {
            let f = ready(partial(Prim::Extends, vec![a[1].clone(), a[0].clone()]));
            extensible(ev, f, at)
        }
        // `extends g f final`: prev = f final; prev // g final prev.
        Prim::Extends => {
            let (g, f, fin) = (&a[0], &a[1], &a[2]);
            let fv = ev.force(f);
            let prev = ev.apply(fv, fin.clone(), at);
            let gv = ev.force(g);
            let g_final = ev.apply(gv, fin.clone(), at);
            let ext = ev.apply(g_final, ready(prev.clone()), at);
            match (ev.as_attrs(&prev), ev.as_attrs(&ext)) {
                (Some(p), Some(e)) => {
                    let mut out = (*p).clone();
                    out.partial |= e.partial;
                    for (k, v) in e.map.iter() {
                        out.map.insert(k.clone(), v.clone());
                    }
                    V::attrs(out, at)
                }
                (Some(p), None) => {
                    let mut out = (*p).clone();
                    out.partial = true;
                    V::attrs(out, at)
                }
                _ => V::unknown(),
            }
        }
        // nixpkgs' lib as a function of its final value: its `nixosSystem` gives modules that
        // final lib (nixpkgs' flake.nix passes `lib = final` to eval-config.nix).
        Prim::LibBase => {
            let lib = ev.lib_thunk();
            let base = ev.force(&lib);
            let Some(attrs) = ev.as_attrs(&base) else {
                return base;
            };
            let mut out = (*attrs).clone();
            out.set(
                "nixosSystem",
                ready(partial(Prim::NixosSystemLib, vec![a[0].clone()])),
            );
            V::attrs(out, at)
        }
        // `nixosSystem args` of an extended lib: `{ lib = final; } // args`.
        Prim::NixosSystemLib => {
            let Some(args) = attrs_of(ev, &a[1]) else {
                return V::unknown();
            };
            let mut spec = (*args).clone();
            spec.map.entry("lib".into()).or_insert(Binding {
                value: a[0].clone(),
                at: None,
            });
            V::new(Val::System(Rc::new(spec)), at)
        }
        Prim::FindFirst => {
            let Some(items) = list_of(ev, &a[2]) else {
                return V::unknown();
            };
            for x in items.iter() {
                let pred = ev.force(&a[0]);
                match ev.apply(pred, x.clone(), at).as_bool() {
                    Some(true) => return ev.force(x),
                    Some(false) => {}
                    None => return V::unknown(),
                }
            }
            ev.force(&a[1])
        }
        Prim::ImportJson | Prim::ImportToml => {
            let text = super::reads::call(ev, Prim::ReadFile, a, at);
            let parse = if p == Prim::ImportJson {
                Prim::FromJson
            } else {
                Prim::FromToml
            };
            call(ev, parse, &[ready(text)], at)
        }
        Prim::Trim => match str_of(ev, &a[0]) {
            Some(s) => V::str(
                s.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\n' || c == '\r'),
                at,
            ),
            None => V::unknown(),
        },
        // flake-utils: `eachSystem systems f` is `{ <attr>.<system> = (f system).<attr>; }`.
        Prim::EachSystem | Prim::EachDefaultSystem => {
            let (systems, f) = if p == Prim::EachSystem {
                let Some(list) = list_of(ev, &a[0]) else {
                    return V::unknown();
                };
                let mut names = Vec::new();
                for t in list.iter() {
                    match str_of(ev, t) {
                        Some(s) => names.push(s),
                        None => return V::unknown(),
                    }
                }
                (names, a[1].clone())
            } else {
                let names = [
                    "x86_64-linux",
                    "aarch64-linux",
                    "x86_64-darwin",
                    "aarch64-darwin",
                ]
                .iter()
                .map(|s| Rc::<str>::from(*s))
                .collect();
                (names, a[0].clone())
            };
            each_system(ev, &systems, &f, at)
        }
        // `pkgs.applyPatches { src = nixpkgs; patches = …; }`: for what the linter reads (lib,
        // nixosSystem, modules), a patched source is its source.
        Prim::ApplyPatches => {
            let arg = ev.force(&a[0]);
            match ev.select_key(&arg, "src") {
                super::eval::Selected::Found(src) => src,
                _ => V::unknown(),
            }
        }
        // What a fetcher fetches is outside the configuration: an external value named by its
        // URL, so a module from it is still recognised (`"${fetchTarball url}/nixos.nix"`),
        // unless the user gave its source (`--input URL=DIR`): then it is that folder, as the
        // store path is in Nix.
        Prim::Fetch => {
            let v = ev.force(&a[0]);
            let url = match &v.kind {
                Val::Str(s) => Some(s.to_string()),
                _ => match ev.select_key(&v, "url") {
                    Selected::Found(u) => u.as_str().map(str::to_string),
                    _ => None,
                },
            };
            if let Some(dir) = url.as_deref().and_then(|u| ev.files.inputs.dir(u)) {
                return V::new(Val::Path(Rc::new(dir.to_path_buf())), at);
            }
            match url {
                Some(u) => V::new(Val::External(format!("fetch:{u}").into()), at),
                None => V::new(Val::External("fetch:".into()), at),
            }
        }
        // `builtins.getFlake "github:owner/repo"`: a flake outside the configuration, named by
        // its reference like an input is by its URL.
        Prim::GetFlake => match str_of(ev, &a[0]) {
            Some(r) => V::new(Val::External(format!("flake:{r}").into()), at),
            None => V::new(Val::External("flake:".into()), at),
        },
        // `builtins.path { path = ./x; name = …; }` copies the path to the store: the copy has
        // the same files (a filter can only leave some out), read where they are.
        Prim::StorePath => {
            let arg = ev.force(&a[0]);
            match &arg.kind {
                Val::Path(_) => arg,
                _ => match ev.select_key(&arg, "path") {
                    Selected::Found(p) => match &p.kind {
                        Val::Str(s) if s.starts_with('/') => V::new(
                            Val::Path(Rc::new(ev.files.machine_path(std::path::Path::new(&**s)))),
                            p.at,
                        ),
                        _ => p,
                    },
                    _ => V::unknown(),
                },
            }
        }
        _ => V::unknown(),
    }
}

/// The formal arguments of a function (`{ a, b ? 1, ... }:`), with whether each has a default.
fn formals(l: &Lambda) -> Vec<(Rc<str>, bool)> {
    let Some(rnix::ast::Param::Pattern(pat)) = l.node.param() else {
        return Vec::new();
    };
    pat.pat_entries()
        .filter_map(|entry| {
            let name = entry.ident()?.ident_token()?;
            Some((name.text().into(), entry.default().is_some()))
        })
        .collect()
}

/// A function applied to some of its arguments.
fn partial(prim: Prim, args: Vec<Thunk>) -> V {
    V::new(Val::Prim(Rc::new(PrimApp { prim, args })), None)
}

/// The fix-point of `f` with `extend = g: makeExtensible (extends g f)`, as lib.fixedPoints'
/// makeExtensible.
fn extensible(ev: &mut Eval, f: Thunk, at: Option<Span>) -> V {
    extensible_named(ev, "extend", f, at)
}

/// makeExtensibleWithCustomName: `extensible`, its extending function called `name`.
fn extensible_named(ev: &mut Eval, name: &str, f: Thunk, at: Option<Span>) -> V {
    let cell = super::builtins::fix_point(f.clone());
    ev.keep_alive(cell.clone());
    let v = ev.force(&cell);
    let Some(attrs) = ev.as_attrs(&v) else {
        return v;
    };
    let mut out = (*attrs).clone();
    out.set(
        name,
        ready(partial(
            Prim::ExtendWithName,
            vec![ready(V::str(name, None)), f],
        )),
    );
    V::attrs(out, at)
}

fn each_system(ev: &mut Eval, systems: &[Rc<str>], f: &Thunk, at: Option<Span>) -> V {
    let mut per_attr: std::collections::BTreeMap<Rc<str>, Attrs> = Default::default();
    for system in systems {
        let fv = ev.force(f);
        let out = ev.apply(fv, ready(V::str(system, at)), at);
        let Some(attrs) = ev.as_attrs(&out) else {
            return V::unknown();
        };
        for (k, b) in attrs.map.iter() {
            per_attr
                .entry(k.clone())
                .or_default()
                .map
                .insert(system.clone(), b.clone());
        }
    }
    let mut result = Attrs::default();
    for (k, v) in per_attr {
        result.map.insert(
            k,
            Binding {
                value: ready(V::attrs(v, at)),
                at,
            },
        );
    }
    V::attrs(result, at)
}

/// builtins.replaceStrings: at each position the first pattern that matches wins; an empty
/// pattern matches between characters.
fn replace_strings(s: &str, pats: &[(Rc<str>, Rc<str>)]) -> String {
    let mut out = String::new();
    let mut i = 0;
    let bytes = s.as_bytes();
    while i <= bytes.len() {
        let mut matched = false;
        for (f, t) in pats {
            if s[i..].starts_with(&**f) {
                out.push_str(t);
                if f.is_empty() {
                    if let Some(c) = s[i..].chars().next() {
                        out.push(c);
                        i += c.len_utf8();
                    } else {
                        i += 1;
                    }
                } else {
                    i += f.len();
                }
                matched = true;
                break;
            }
        }
        if !matched {
            match s[i..].chars().next() {
                Some(c) => {
                    out.push(c);
                    i += c.len_utf8();
                }
                None => break,
            }
        }
    }
    out
}

fn from_json(j: &serde_json::Value, at: Option<Span>) -> V {
    use serde_json::Value as J;
    match j {
        J::Null => V::new(Val::Null, at),
        J::Bool(b) => V::new(Val::Bool(*b), at),
        J::Number(n) => match n.as_i64() {
            Some(i) => V::new(Val::Int(i), at),
            None => n
                .as_f64()
                .map_or_else(V::unknown, |f| V::new(Val::Float(f), at)),
        },
        J::String(s) => V::str(s, at),
        J::Array(items) => V::list(items.iter().map(|x| ready(from_json(x, at))).collect(), at),
        J::Object(map) => {
            let mut attrs = Attrs::default();
            for (k, v) in map {
                attrs.map.insert(
                    k.as_str().into(),
                    Binding {
                        value: ready(from_json(v, at)),
                        at,
                    },
                );
            }
            V::attrs(attrs, at)
        }
    }
}

fn from_toml(t: &toml::Value, at: Option<Span>) -> V {
    use toml::Value as T;
    match t {
        T::String(s) => V::str(s, at),
        T::Integer(i) => V::new(Val::Int(*i), at),
        T::Float(f) => V::new(Val::Float(*f), at),
        T::Boolean(b) => V::new(Val::Bool(*b), at),
        T::Datetime(_) => V::unknown(),
        T::Array(items) => V::list(items.iter().map(|x| ready(from_toml(x, at))).collect(), at),
        T::Table(map) => {
            let mut attrs = Attrs::default();
            for (k, v) in map {
                attrs.map.insert(
                    k.as_str().into(),
                    Binding {
                        value: ready(from_toml(v, at)),
                        at,
                    },
                );
            }
            V::attrs(attrs, at)
        }
    }
}

/// `lib.fileset`: its own namespace (its `toList` is not `lib.toList`).
pub fn fileset_namespace() -> V {
    namespace(&[
        ("toList", Prim::FilesetToList),
        ("fileFilter", Prim::FileFilter),
        ("unions", Prim::FilesetUnions),
        ("union", Prim::FilesetUnion),
        ("difference", Prim::FilesetDifference),
        ("intersection", Prim::FilesetIntersection),
        ("maybeMissing", Prim::FilesetMaybeMissing),
    ])
}

/// `lib.filesystem`.
pub fn filesystem_namespace() -> V {
    namespace(&[("listFilesRecursive", Prim::ListFilesRecursive)])
}

fn namespace(items: &[(&str, Prim)]) -> V {
    let mut attrs = Attrs {
        partial: true,
        ..Attrs::default()
    };
    for (name, p) in items {
        attrs.map.insert(
            (*name).into(),
            Binding {
                value: ready(prim_value(*p)),
                at: None,
            },
        );
    }
    V::attrs(attrs, None)
}
