//! Builtins and lib functions that read the checked tree: `readFile`, `readDir`,
//! `pathExists`, `readFileType`, `lib.filesystem.listFilesRecursive`, `lib.fileset`, and
//! import-tree. Every read goes through the check's [`crate::access::Access`]: a path outside the
//! checked tree is not read, its value is unknown, and the host reports it as unread.

use super::builtins::Prim;
use super::eval::Eval;
use super::value::*;
use crate::access::Kind;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Files a listing may return (a guard against listing a huge tree).
const MAX_LISTED: usize = 20_000;

fn path_of(ev: &mut Eval, t: &Thunk) -> Option<(PathBuf, Option<Span>)> {
    let v = ev.force(t);
    match &v.kind {
        Val::Path(p) => Some(((**p).clone(), v.at)),
        Val::Str(s) if s.starts_with('/') => {
            Some((ev.files.machine_path(std::path::Path::new(&**s)), v.at))
        }
        _ => None,
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::File => "regular",
        Kind::Dir => "directory",
        Kind::Symlink => "symlink",
        Kind::Other | Kind::Missing => "unknown",
    }
}

pub fn call(ev: &mut Eval, p: Prim, a: &[Thunk], at: Option<Span>) -> V {
    match p {
        Prim::ReadFile => {
            let Some((path, pat)) = path_of(ev, &a[0]) else {
                return V::unknown();
            };
            match ev.files.access.read(&path) {
                Ok((_, bytes)) => V::str(&String::from_utf8_lossy(&bytes), None),
                Err(e) => {
                    ev.note_unread(e.describe(), pat.or(at));
                    V::unknown()
                }
            }
        }
        Prim::ReadDir => {
            let Some((path, pat)) = path_of(ev, &a[0]) else {
                return V::unknown();
            };
            match ev.files.access.read_dir(&path) {
                Ok(entries) => {
                    let mut out = Attrs::default();
                    for (name, kind) in entries {
                        out.map.insert(
                            name.as_str().into(),
                            Binding {
                                value: ready(V::str(kind_name(kind), None)),
                                at: pat,
                            },
                        );
                    }
                    V::attrs(out, at)
                }
                Err(e) => {
                    ev.note_unread(e.describe(), pat.or(at));
                    V::unknown()
                }
            }
        }
        Prim::ReadFileType => {
            let Some((path, pat)) = path_of(ev, &a[0]) else {
                return V::unknown();
            };
            let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            match (ev.files.access.read_dir(&parent), name) {
                (Ok(entries), Some(name)) => entries
                    .into_iter()
                    .find(|(n, _)| *n == name)
                    .map_or_else(V::unknown, |(_, k)| V::str(kind_name(k), at)),
                (Err(e), _) => {
                    ev.note_unread(e.describe(), pat.or(at));
                    V::unknown()
                }
                _ => V::unknown(),
            }
        }
        Prim::ListFilesRecursive => match path_of(ev, &a[0]) {
            Some((dir, pat)) => match files_below(ev, &dir, pat.or(at), &|_| true) {
                Some(files) => paths_list(files, at),
                None => V::unknown(),
            },
            None => V::unknown(),
        },
        Prim::ImportTree => import_tree(ev, &a[0], at),
        Prim::FilesetToList => match fileset(ev, &a[0], at) {
            Some(files) => paths_list(files, at),
            None => V::unknown(),
        },
        Prim::FileFilter => {
            let Some(files) = fileset(ev, &a[1], at) else {
                return V::unknown();
            };
            let mut out = Vec::new();
            for f in files {
                let info = file_info(&f);
                let pred = ev.force(&a[0]);
                match ev.apply(pred, ready(info), at).as_bool() {
                    Some(true) => out.push(f),
                    Some(false) => {}
                    None => return V::unknown(),
                }
            }
            fileset_value(out, at)
        }
        Prim::FilesetUnions => {
            let v = ev.force(&a[0]);
            let Some(items) = ev.as_list(&v) else {
                return V::unknown();
            };
            let mut out = Vec::new();
            for t in items.iter() {
                match fileset(ev, t, at) {
                    Some(fs) => out.extend(fs),
                    None => return V::unknown(),
                }
            }
            out.sort();
            out.dedup();
            fileset_value(out, at)
        }
        Prim::FilesetUnion | Prim::FilesetDifference | Prim::FilesetIntersection => {
            let (Some(x), Some(y)) = (fileset(ev, &a[0], at), fileset(ev, &a[1], at)) else {
                return V::unknown();
            };
            let out: Vec<PathBuf> = match p {
                Prim::FilesetUnion => {
                    let mut u: Vec<PathBuf> = x.into_iter().chain(y).collect();
                    u.sort();
                    u.dedup();
                    u
                }
                Prim::FilesetDifference => x.into_iter().filter(|f| !y.contains(f)).collect(),
                _ => x.into_iter().filter(|f| y.contains(f)).collect(),
            };
            fileset_value(out, at)
        }
        Prim::FilesetMaybeMissing => ev.force(&a[0]),
        Prim::HaumeaLoad => haumea_load(ev, &a[0], at),
        _ => V::unknown(),
    }
}

/// A file set is kept as the sorted list of its files.
fn fileset_value(files: Vec<PathBuf>, at: Option<Span>) -> V {
    paths_list(files, at)
}

fn paths_list(files: Vec<PathBuf>, at: Option<Span>) -> V {
    V::list(
        files
            .into_iter()
            .map(|f| ready(V::new(Val::Path(Rc::new(f)), at)))
            .collect(),
        at,
    )
}

/// The files of a file set: a path (a file, or every file below a folder) or a list of them.
fn fileset(ev: &mut Eval, t: &Thunk, at: Option<Span>) -> Option<Vec<PathBuf>> {
    let v = ev.force(t);
    match &v.kind {
        Val::Path(p) => {
            let p = (**p).clone();
            match ev.files.access.kind(&p) {
                Ok(Kind::Dir) => files_below(ev, &p, v.at.or(at), &|_| true),
                Ok(Kind::Missing) => Some(Vec::new()),
                Ok(_) => Some(vec![p]),
                Err(e) => {
                    ev.note_unread(e.describe(), v.at.or(at));
                    None
                }
            }
        }
        Val::List(items) => {
            let mut out = Vec::new();
            for i in items.iter() {
                let x = ev.force(i);
                match &x.kind {
                    Val::Path(p) => out.push((**p).clone()),
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// `{ name, type, hasExt }` for `lib.fileset.fileFilter`'s predicate.
fn file_info(f: &Path) -> V {
    let name = f
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut a = Attrs::default();
    let put = |a: &mut Attrs, k: &str, v: V| {
        a.set(k, ready(v));
    };
    put(&mut a, "name", V::str(&name, None));
    put(&mut a, "type", V::str("regular", None));
    let ext_of = name.clone();
    let has_ext = V::new(
        Val::Prim(Rc::new(PrimApp {
            prim: Prim::HasExtOf,
            args: vec![ready(V::str(&ext_of, None))],
        })),
        None,
    );
    put(&mut a, "hasExt", has_ext);
    V::attrs(a, None)
}

/// Every file below `dir` (sorted, links not followed into folders) for which `keep` holds.
fn files_below(
    ev: &mut Eval,
    dir: &Path,
    at: Option<Span>,
    keep: &dyn Fn(&Path) -> bool,
) -> Option<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match ev.files.access.read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                ev.note_unread(e.describe(), at);
                return None;
            }
        };
        for (name, kind) in entries {
            let p = d.join(&name);
            match kind {
                Kind::Dir => stack.push(p),
                _ if keep(&p) => out.push(p),
                _ => {}
            }
        }
        if out.len() > MAX_LISTED {
            ev.note_unread(
                format!("files below {} (over {MAX_LISTED})", dir.display()),
                at,
            );
            return None;
        }
    }
    out.sort();
    Some(out)
}

/// vic/import-tree: `import-tree ./modules` is a module importing every `.nix` file below the
/// folder whose path has no component starting with `_`; a list of paths is read likewise.
fn import_tree(ev: &mut Eval, arg: &Thunk, at: Option<Span>) -> V {
    let v = ev.force(arg);
    let roots: Vec<Thunk> = match &v.kind {
        Val::List(items) => items.to_vec(),
        _ => vec![ready(v.clone())],
    };
    let mut files = Vec::new();
    for r in &roots {
        let Some((dir, pat)) = path_of(ev, r) else {
            return V::unknown();
        };
        let base = dir.clone();
        let keep = move |p: &Path| {
            p.extension().is_some_and(|e| e == "nix")
                && !p
                    .strip_prefix(&base)
                    .unwrap_or(p)
                    .components()
                    .any(|c| c.as_os_str().to_string_lossy().starts_with('_'))
        };
        match ev.files.access.kind(&dir) {
            Ok(Kind::Dir) => match files_below(ev, &dir, pat.or(at), &keep) {
                Some(fs) => files.extend(fs),
                None => return V::unknown(),
            },
            Ok(_) => files.push(dir),
            Err(e) => {
                ev.note_unread(e.describe(), pat.or(at));
                return V::unknown();
            }
        }
    }
    let mut module = Attrs::default();
    module.map.insert(
        "imports".into(),
        Binding {
            value: ready(paths_list(files, at)),
            at,
        },
    );
    V::attrs(module, at)
}

/// nix-community/haumea's `load { src; loader ? default; inputs ? { }; transformer ? [ ]; }`, as
/// seen from outside the tree: every entry whose name does not start with `_`, folders as nested
/// sets (each passed through the transformers with its cursor), `.nix` files by their name
/// without the extension and loaded with `loader (inputs // { self, super, root }) path` (the
/// default loader imports the file and calls it with the inputs), other files as null.
fn haumea_load(ev: &mut Eval, spec: &Thunk, at: Option<Span>) -> V {
    let spec = ev.force(spec);
    let field = |ev: &mut Eval, k: &str| match ev.select_key(&spec, k) {
        super::eval::Selected::Found(v) => Some(v),
        _ => None,
    };
    let Some(src) = field(ev, "src") else {
        return V::unknown();
    };
    let Some((dir, pat)) = path_of(ev, &ready(src)) else {
        return V::unknown();
    };
    let loader = field(ev, "loader");
    let mut inputs = field(ev, "inputs")
        .and_then(|i| ev.as_attrs(&i).map(|a| (*a).clone()))
        .unwrap_or_default();
    // self, super and root are haumea's own; not modelled.
    inputs.partial = true;
    let transformers: Vec<V> = match field(ev, "transformer") {
        None => Vec::new(),
        Some(t) => match ev.as_list(&t) {
            Some(list) => list.iter().map(|x| ev.force(x)).collect(),
            None => vec![t],
        },
    };
    let cx = Haumea {
        loader,
        inputs: ready(V::attrs(inputs, at)),
        transformers,
        at: pat.or(at),
    };
    cx.folder(ev, &dir, &[], 0)
}

struct Haumea {
    loader: Option<V>,
    inputs: Thunk,
    transformers: Vec<V>,
    at: Option<Span>,
}

impl Haumea {
    fn folder(&self, ev: &mut Eval, dir: &Path, cursor: &[Rc<str>], depth: usize) -> V {
        if depth > 32 {
            return V::unknown();
        }
        let entries = match ev.files.access.read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                ev.note_unread(e.describe(), self.at);
                return V::unknown();
            }
        };
        let mut out = Attrs::default();
        for (name, kind) in entries {
            if name.starts_with('_') {
                continue;
            }
            let path = dir.join(&name);
            let (key, value) = match kind {
                Kind::Dir => {
                    let mut c = cursor.to_vec();
                    c.push(name.as_str().into());
                    (name.clone(), self.folder(ev, &path, &c, depth + 1))
                }
                Kind::File | Kind::Symlink => {
                    let stem = match name.rsplit_once('.') {
                        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
                        _ => continue,
                    };
                    let value = if name.ends_with(".nix") {
                        self.load(ev, path)
                    } else {
                        V::new(Val::Null, self.at)
                    };
                    (stem, value)
                }
                _ => continue,
            };
            out.map.insert(
                key.as_str().into(),
                Binding {
                    value: ready(value),
                    at: self.at,
                },
            );
        }
        let mut v = V::attrs(out, self.at);
        let cursor_v = V::list(
            cursor.iter().map(|c| ready(V::str(c, None))).collect(),
            None,
        );
        for t in &self.transformers {
            let g = ev.apply(t.clone(), ready(cursor_v.clone()), self.at);
            v = ev.apply(g, ready(v), self.at);
        }
        v
    }

    fn load(&self, ev: &mut Eval, path: std::path::PathBuf) -> V {
        let p = V::new(Val::Path(Rc::new(path)), self.at);
        match &self.loader {
            Some(loader) => {
                let g = ev.apply(loader.clone(), self.inputs.clone(), self.at);
                ev.apply(g, ready(p), self.at)
            }
            None => {
                let Val::Path(path) = &p.kind else {
                    return V::unknown();
                };
                let f = ev.import(path, self.at).0;
                if matches!(f.kind, Val::Lambda(_)) {
                    ev.apply(f, self.inputs.clone(), self.at)
                } else {
                    f
                }
            }
        }
    }
}
