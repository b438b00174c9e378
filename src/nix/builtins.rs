//! `builtins` and the `lib` functions configurations use, plus the binary operators.
//! Functions that read the outside world (readFile, fetchers, derivations) return Unknown.

use super::eval::{Coerced, Eval, Selected};
use super::value::*;
use rnix::ast::BinOpKind;
use std::collections::BTreeMap;
use std::rc::Rc;

macro_rules! prims {
    ($($variant:ident $arity:literal $($name:literal)|+ ;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Prim { $($variant,)* }

        impl Prim {
            pub fn arity(self) -> usize {
                match self { $(Prim::$variant => $arity,)* }
            }
            /// Every name (in lib or builtins) this function goes by.
            pub fn names(self) -> &'static [&'static str] {
                match self { $(Prim::$variant => &[$($name),+],)* }
            }
            pub const ALL: &'static [Prim] = &[$(Prim::$variant,)*];
        }
    };
}

prims! {
    // module system
    MkIf 2 "mkIf";
    MkMerge 1 "mkMerge";
    MkOverride 2 "mkOverride";
    MkForce 1 "mkForce";
    MkDefault 1 "mkDefault";
    MkOptionDefault 1 "mkOptionDefault";
    MkImageMediaOverride 1 "mkImageMediaOverride" | "mkVMOverride";
    MkBefore 1 "mkBefore";
    MkAfter 1 "mkAfter";
    MkOrder 2 "mkOrder";
    MkOption 1 "mkOption";
    MkEnableOption 1 "mkEnableOption";
    MkPackageOption 3 "mkPackageOption";
    MkOptionModule 2 "mkRemovedOptionModule" | "mkChangedOptionModule" | "mkMergedOptionModule";
    MkAliasDefinitions 1 "mkAliasDefinitions";
    AliasModule 3 "mkRenamedOptionModule" | "mkAliasOptionModule" | "mkRenamedOptionModuleWith";
    NixosSystem 1 "nixosSystem";
    // lists
    Map 2 "map";
    Filter 2 "filter";
    Optional 2 "optional";
    Optionals 2 "optionals";
    ConcatLists 1 "concatLists";
    Flatten 1 "flatten";
    ConcatMap 2 "concatMap";
    Unique 1 "unique" | "lists.unique";
    Elem 2 "elem";
    Length 1 "length";
    Head 1 "head";
    Tail 1 "tail";
    Last 1 "last";
    ElemAt 2 "elemAt";
    Foldl 3 "foldl'" | "foldl";
    Foldr 3 "foldr" | "fold";
    Any 2 "any";
    All 2 "all";
    ForEach 2 "forEach";
    GenList 2 "genList";
    Range 2 "range";
    Reverse 1 "reverseList";
    Imap0 2 "imap0";
    Ifilter0 2 "ifilter0";
    // `lib.imap` is lib/trivial.nix's deprecated name for imap1.
    Imap1 2 "imap1" | "imap";
    SubtractLists 2 "subtractLists";
    Remove 2 "remove";
    ToList 1 "toList";
    Singleton 1 "singleton";
    SetDefaultModuleLocation 2 "setDefaultModuleLocation";
    IsList 1 "isList";
    // attribute sets
    OptionalAttrs 2 "optionalAttrs";
    MapAttrs 2 "mapAttrs";
    MapAttrs2 2 "mapAttrs'";
    MapAttrsToList 2 "mapAttrsToList";
    ConcatMapAttrs 2 "concatMapAttrs";
    GenAttrs 2 "genAttrs";
    NameValuePair 2 "nameValuePair";
    ListToAttrs 1 "listToAttrs";
    AttrNames 1 "attrNames";
    AttrValues 1 "attrValues";
    FilterAttrs 2 "filterAttrs";
    RecursiveUpdate 2 "recursiveUpdate";
    HasAttr 2 "hasAttr";
    GetAttr 2 "getAttr";
    AttrByPath 3 "attrByPath";
    RemoveAttrs 2 "removeAttrs";
    CatAttrs 2 "catAttrs";
    MergeAttrsList 1 "mergeAttrsList";
    IsAttrs 1 "isAttrs";
    // strings
    OptionalString 2 "optionalString";
    HasPrefix 2 "hasPrefix";
    HasSuffix 2 "hasSuffix";
    RemovePrefix 2 "removePrefix";
    RemoveSuffix 2 "removeSuffix";
    NameFromUrl 2 "nameFromURL";
    ConcatStrings 1 "concatStrings";
    ConcatStringsSep 2 "concatStringsSep";
    ConcatMapStrings 2 "concatMapStrings";
    ConcatMapStringsSep 3 "concatMapStringsSep";
    ToString 1 "toString";
    SplitString 2 "splitString";
    StringLength 1 "stringLength";
    ToLower 1 "toLower";
    ToUpper 1 "toUpper";
    IsString 1 "isString";
    // misc
    // String context is not modelled: discarding it is the identity.
    Id 1 "id" | "unsafeDiscardStringContext" | "unsafeDiscardOutputDependency";
    Const 2 "const";
    Flip 3 "flip";
    Pipe 2 "pipe";
    Trace 2 "trace" | "warn" | "warnIf";
    Seq 2 "seq";
    DeepSeq 2 "deepSeq";
    Throw 1 "throw" | "abort";
    TryEval 1 "tryEval";
    Import 1 "import";
    Fix 1 "fix";
    IsBool 1 "isBool";
    IsFunction 1 "isFunction";
    PathExists 1 "pathExists";
    BaseNameOf 1 "baseNameOf";
    TypeOf 1 "typeOf";
    Unknown1 1 "derivation" | "hashString" | "toFile";
    GetEnv 1 "getEnv";
    Collect 2 "collect";
    IsPath 1 "isPath";
    VersionOlder 2 "versionOlder";
    VersionAtLeast 2 "versionAtLeast";
    // lists, sets, numbers and versions (builtins_pure.rs)
    Sort 2 "sort";
    Partition 2 "partition";
    GroupBy 2 "groupBy";
    ZipAttrsWith 2 "zipAttrsWith";
    IntersectAttrs 2 "intersectAttrs";
    AddInt 2 "add";
    SubInt 2 "sub";
    MulInt 2 "mul";
    DivInt 2 "div";
    LessThan 2 "lessThan";
    BitAnd 2 "bitAnd";
    BitOr 2 "bitOr";
    BitXor 2 "bitXor";
    ToJson 1 "toJSON";
    DirOf 1 "dirOf";
    IsNull 1 "isNull";
    IsInt 1 "isInt";
    IsFloat 1 "isFloat";
    GenericClosure 1 "genericClosure";
    SplitVersion 1 "splitVersion";
    CompareVersions 2 "compareVersions";
    ParseDrvName 1 "parseDrvName";
    Ceil 1 "ceil";
    Floor 1 "floor";
    // more builtins (builtins_more.rs)
    Match 2 "match";
    Split 2 "split";
    Substring 3 "substring";
    ReplaceStrings 3 "replaceStrings";
    HasInfix 2 "hasInfix";
    HasExtOf 2 "__hasExtOf";
    SetAttrByPath 2 "setAttrByPath";
    GetAttrFromPath 2 "getAttrFromPath";
    FunctionArgs 1 "functionArgs";
    AssertMsg 2 "assertMsg";
    FromJson 1 "fromJSON";
    FromToml 1 "fromTOML";
    Extend 1 "extend";
    MakeExtensible 1 "makeExtensible";
    MakeExtensibleWithCustomName 2 "makeExtensibleWithCustomName";
    ExtendWithName 3 "__extendWithName";
    FindFirst 3 "findFirst";
    ImportJson 1 "importJSON";
    ImportToml 1 "importTOML";
    Trim 1 "trim";
    EachSystem 2 "__eachSystem";
    EachDefaultSystem 1 "__eachDefaultSystem";
    // lib.fixedPoints: `extends g f` applied to `final`; lib itself as an extensible function
    // of its final value; an extensible set's `extend`; nixosSystem of an extended lib.
    Extends 3 "__extends";
    LibBase 1 "__libBase";
    ExtendWith 2 "__extendWith";
    NixosSystemLib 2 "__nixosSystemLib";
    Fetch 1 "fetchTarball" | "fetchGit" | "fetchurl" | "fetchTree" | "fetchFromGitHub";
    GetFlake 1 "getFlake";
    // `builtins.path { path; name; filter; }` (only under builtins: lib.path is a namespace).
    StorePath 1 "__path";
    // reading the checked tree (reads.rs)
    ReadFile 1 "readFile" | "fileContents";
    ReadDir 1 "readDir";
    ReadFileType 1 "readFileType";
    ListFilesRecursive 1 "__listFilesRecursive";
    ImportTree 1 "__importTree";
    HaumeaLoad 1 "__haumeaLoad";
    FilesetToList 1 "__filesetToList";
    FileFilter 2 "__fileFilter";
    FilesetUnions 1 "__filesetUnions";
    FilesetUnion 2 "__filesetUnion";
    FilesetDifference 2 "__filesetDifference";
    FilesetIntersection 2 "__filesetIntersection";
    FilesetMaybeMissing 1 "__filesetMaybeMissing";
    // flake-parts (flake_parts.rs)
    MkFlake 2 "__mkFlake";
    EvalModules 1 "evalModules";
    WithSystem 2 "__withSystem";
    ModuleWithSystem 1 "__moduleWithSystem";
    ImportApply 2 "__importApply" | "importApply";
    ApplyPatches 1 "__applyPatches";
    CallPackage 3 "__callPackage";
    MakeHive 1 "__makeHive";
    // lib.types (types.rs)
    TypeConstructor1 2 "__typeConstructor1";
    TypeConstructor2 3 "__typeConstructor2";
    SubmoduleType 1 "__submodule";
    SubmoduleWithType 1 "__submoduleWith";
    CoercedToType 3 "__coercedTo";
    AttrsWithType 1 "__attrsWith";
    TypeCheck 2 "__typeCheck";
}

/// Names available without `builtins.` in Nix.
const GLOBALS: &[&str] = &[
    "map",
    "toString",
    "throw",
    "abort",
    "import",
    "baseNameOf",
    "removeAttrs",
    "derivation",
    "fetchTarball",
    "fetchGit",
    "fetchTree",
    "fromTOML",
    "dirOf",
    "isNull",
];

impl Prim {
    pub fn global(name: &str) -> Option<Prim> {
        if !GLOBALS.contains(&name) {
            return None;
        }
        Prim::by_name(name)
    }

    pub fn by_name(name: &str) -> Option<Prim> {
        Prim::ALL
            .iter()
            .copied()
            .find(|p| p.names().contains(&name))
    }
}

pub fn prim_value(p: Prim) -> V {
    V::new(
        Val::Prim(Rc::new(PrimApp {
            prim: p,
            args: Vec::new(),
        })),
        None,
    )
}

fn prim_set(partial: bool) -> Attrs {
    let mut attrs = Attrs {
        partial,
        ..Attrs::default()
    };
    for &p in Prim::ALL {
        // Internal functions have `__` names: reached only through their namespace.
        for name in p.names().iter().filter(|n| !n.starts_with("__")) {
            attrs.map.insert(
                (*name).into(),
                Binding {
                    value: ready(prim_value(p)),
                    at: None,
                },
            );
        }
    }
    attrs
}

/// `lib`: the functions above, with lib's sub-namespaces pointing back at lib itself, and the
/// version of the pinned nixpkgs when it is known (`lib.version`, `lib.trivial.release`).
pub fn lib_value(version: Option<&str>) -> V {
    let mut attrs = prim_set(true);
    if let Some(version) = version {
        let release = version.splitn(3, '.').take(2).collect::<Vec<_>>().join(".");
        let suffix = &version[release.len()..];
        for (k, v) in [
            ("version", version),
            ("release", &*release),
            ("versionSuffix", suffix),
        ] {
            attrs.set(k, ready(V::str(v, None)));
        }
    }
    let this = Rc::new(attrs.clone());
    for ns in [
        "lists",
        "attrsets",
        "strings",
        "modules",
        "options",
        "trivial",
        "fixedPoints",
        "debug",
    ] {
        attrs.set(ns, ready(V::new(Val::Attrs(this.clone()), None)));
    }
    for (ns, v) in [
        ("fileset", super::builtins_more::fileset_namespace()),
        ("filesystem", super::builtins_more::filesystem_namespace()),
        ("types", super::types::namespace()),
    ] {
        attrs.set(ns, ready(v));
    }
    V::attrs(attrs, None)
}

pub fn builtins_value() -> V {
    let mut attrs = prim_set(true);
    attrs.set("path", ready(prim_value(Prim::StorePath)));
    V::attrs(attrs, None)
}

fn int(v: &V) -> Option<i64> {
    match v.kind {
        Val::Int(i) => Some(i),
        _ => None,
    }
}

/// Deep equality; None when either side is not fully known.
pub fn equal(ev: &mut Eval, a: &V, b: &V) -> Option<bool> {
    Some(match (&a.kind, &b.kind) {
        (Val::Unknown | Val::Undefined | Val::External(_), _)
        | (_, Val::Unknown | Val::Undefined | Val::External(_)) => {
            return None;
        }
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Int(x), Val::Int(y)) => x == y,
        (Val::Float(x), Val::Float(y)) => x == y,
        (Val::Int(x), Val::Float(y)) | (Val::Float(y), Val::Int(x)) => (*x as f64) == *y,
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Path(x), Val::Path(y)) => x == y,
        (Val::List(x), Val::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (p, q) in x.iter().zip(y.iter()) {
                let (p, q) = (ev.force(p), ev.force(q));
                if !equal(ev, &p, &q)? {
                    return Some(false);
                }
            }
            true
        }
        (Val::Attrs(_) | Val::Config(_), Val::Attrs(_) | Val::Config(_)) => {
            let (x, y) = (ev.as_attrs(a)?, ev.as_attrs(b)?);
            if x.partial || y.partial {
                return None;
            }
            if x.map.len() != y.map.len() || !x.map.keys().eq(y.map.keys()) {
                return Some(false);
            }
            for (k, bx) in x.map.iter() {
                let by = y.map.get(k)?.clone();
                let (p, q) = (ev.force(&bx.value.clone()), ev.force(&by.value));
                if !equal(ev, &p, &q)? {
                    return Some(false);
                }
            }
            true
        }
        // Values of different types are never equal in Nix (`f == null` is false, and so is
        // `lib.mkIf c x == null`: a property is an attribute set there). Two functions, or two
        // values the reader models apart from plain attribute sets, are not compared.
        (x, y) => match (type_class(x), type_class(y)) {
            (Some(p), Some(q)) if p != q => false,
            _ => return None,
        },
    })
}

/// Which of Nix's types a value has, as far as `==` tells them apart; `None` when not known.
fn type_class(v: &Val) -> Option<u8> {
    Some(match v {
        Val::Null => 0,
        Val::Bool(_) => 1,
        Val::Int(_) | Val::Float(_) => 2,
        Val::Str(_) => 3,
        Val::Path(_) => 4,
        Val::List(_) => 5,
        Val::Attrs(_) | Val::Config(_) | Val::Options(_) => 6,
        Val::Prop(_) | Val::Option(_) | Val::System(_) => 6,
        Val::Lambda(_) | Val::Prim(_) => 7,
        Val::Unknown | Val::Undefined | Val::External(_) => return None,
    })
}

pub fn binop(ev: &mut Eval, op: BinOpKind, l: V, r: V, at: Option<Span>) -> V {
    use BinOpKind::*;
    match op {
        Equal | NotEqual => match equal(ev, &l, &r) {
            Some(eq) => V::new(Val::Bool(eq == (op == Equal)), at),
            None => V::unknown(),
        },
        Concat => {
            let len = |v: &V| match &v.kind {
                Val::List(xs) => xs.len(),
                _ => 1,
            };
            ev.charge(len(&l) + len(&r));
            let mut items: Vec<Thunk> = Vec::new();
            for side in [&l, &r] {
                match &side.kind {
                    Val::List(xs) => items.extend(xs.iter().cloned()),
                    // An unknown list contributes an unknown number of unknown items.
                    _ => items.push(ready(V::new(Val::Unknown, side.at))),
                }
            }
            V::list(items, at)
        }
        Update => {
            // `input // { ... }` and `{ ... } // input` keep the known side (an input is
            // assumed not to redefine a name the configuration sets); names the set does not
            // have are the input's.
            let rest_of = |v: &V| match &v.kind {
                Val::External(n) => Some(Rest::External(format!("{n}.").into())),
                _ => None,
            };
            if let Some(rest) = rest_of(&l)
                && let Some(b) = ev.as_attrs(&r)
            {
                let mut out = (*b).clone();
                out.rest = Some(rest);
                return V::attrs(out, at);
            }
            if let Some(rest) = rest_of(&r)
                && let Some(a) = ev.as_attrs(&l)
            {
                let mut out = (*a).clone();
                out.rest = Some(rest);
                return V::attrs(out, at);
            }
            let (la, ra) = (ev.as_attrs(&l), ev.as_attrs(&r));
            match (la, ra) {
                (Some(a), Some(b)) => {
                    ev.charge(a.map.len() + b.map.len());
                    let mut out = (*a).clone();
                    out.partial |= b.partial;
                    out.rest = b.rest.clone().or(out.rest);
                    for (k, v) in b.map.iter() {
                        out.map.insert(k.clone(), v.clone());
                    }
                    // An option updated with more attributes (`mkEnableOption "x" // {
                    // default = true; }`) is still an option.
                    if matches!(l.kind, Val::Option(_)) {
                        return V::new(Val::Option(Rc::new(out)), at);
                    }
                    V::attrs(out, at)
                }
                (None, Some(b)) if l.is_unknown() => {
                    let mut out = (*b).clone();
                    out.partial = true;
                    V::attrs(out, at)
                }
                _ => V::unknown(),
            }
        }
        Add => match (&l.kind, &r.kind) {
            (Val::Int(a), Val::Int(b)) => V::new(Val::Int(a.wrapping_add(*b)), at),
            (Val::Float(a), Val::Float(b)) => V::new(Val::Float(a + b), at),
            (Val::Int(a), Val::Float(b)) | (Val::Float(b), Val::Int(a)) => {
                V::new(Val::Float(*a as f64 + b), at)
            }
            (Val::Str(a), Val::Str(b)) => {
                // A step per 64 bytes copied (see Eval::charge).
                ev.charge((a.len() + b.len()) / 64);
                V::new(Val::Str(format!("{a}{b}").into()), at)
            }
            (Val::Path(p), Val::Str(s)) => {
                let joined = format!("{}{}", p.display(), s);
                V::new(
                    Val::Path(Rc::new(super::files::normalize_path(std::path::Path::new(
                        &joined,
                    )))),
                    at,
                )
            }
            // `root + /host.nix`: the second path's text appended (`self + /x.nix` below).
            (Val::Path(p), Val::Path(q)) => {
                let joined = format!("{}{}", p.display(), q.display());
                V::new(
                    Val::Path(Rc::new(super::files::normalize_path(std::path::Path::new(
                        &joined,
                    )))),
                    at,
                )
            }
            (Val::External(n), Val::Str(s)) => V::new(Val::External(format!("{n}{s}").into()), at),
            (Val::External(n), Val::Path(q)) => {
                V::new(Val::External(format!("{n}{}", q.display()).into()), at)
            }
            // A set with outPath (an npins source, a flake input, `self`) plus a string or a
            // path.
            (Val::Attrs(_) | Val::Config(_), Val::Str(_) | Val::Path(_)) => match ev
                .coerce_to_string(&l)
            {
                Coerced::Str(a) => binop(ev, op, V::new(Val::Path(Rc::new(a.into())), l.at), r, at),
                Coerced::External(n) => binop(ev, op, V::new(Val::External(n.into()), l.at), r, at),
                Coerced::Unknown => V::unknown(),
            },
            _ => V::unknown(),
        },
        Sub | Mul | Div => match (int(&l), int(&r)) {
            (Some(a), Some(b)) => match op {
                Sub => V::new(Val::Int(a.wrapping_sub(b)), at),
                Mul => V::new(Val::Int(a.wrapping_mul(b)), at),
                _ if b != 0 => V::new(Val::Int(a.wrapping_div(b)), at),
                _ => V::unknown(),
            },
            _ => V::unknown(),
        },
        Less | LessOrEq | More | MoreOrEq => {
            let ord = match (&l.kind, &r.kind) {
                (Val::Int(a), Val::Int(b)) => a.cmp(b),
                (Val::Str(a), Val::Str(b)) => a.cmp(b),
                _ => return V::unknown(),
            };
            let res = match op {
                Less => ord.is_lt(),
                LessOrEq => ord.is_le(),
                More => ord.is_gt(),
                _ => ord.is_ge(),
            };
            V::new(Val::Bool(res), at)
        }
        _ => V::unknown(),
    }
}

/// The definition an alias module makes: `to` as a view of `config.<from>`. Each level of
/// `to` is named only when the level above is read, as for `a.${x}.b = …;` in Nix: the module
/// system lists a module's top-level names while it collects modules, when `config` cannot be
/// read yet, and a later name of the path may read it (`[ "hjem" "users" user ]`).
fn alias_definition(ev: &mut Eval, a: &[Thunk], at: Option<Span>) -> V {
    let Some(to) = list_of(ev, &a[1]) else {
        return V::unknown();
    };
    alias_level(ev, Rc::new(a.to_vec()), to, 0, at)
}

fn alias_level(
    ev: &mut Eval,
    a: Rc<Vec<Thunk>>,
    to: Rc<Vec<Thunk>>,
    i: usize,
    at: Option<Span>,
) -> V {
    let Some(k) = to.get(i) else {
        return alias_source(ev, &a);
    };
    let Some(key) = str_of(ev, k) else {
        return V::unknown();
    };
    let value = lazy(move |ev: &mut Eval| alias_level(ev, a.clone(), to.clone(), i + 1, at));
    let mut attrs = Attrs::default();
    attrs.map.insert(key, Binding { value, at });
    V::attrs(attrs, at)
}

/// The definitions of `config.<from>` of an alias module's arguments, as definitions here
/// (`mkMerge`, as mkAliasDefinitions forwards them: each keeps its own kind, lists and deferred
/// modules alike).
fn alias_source(ev: &mut Eval, a: &[Thunk]) -> V {
    let args = ev.force(&a[2]);
    let (Selected::Found(config), Some(from)) =
        (ev.select_key(&args, "config"), list_of(ev, &a[0]))
    else {
        return V::unknown();
    };
    let Val::Config(c) = &config.kind else {
        return V::unknown();
    };
    let (system, mut path) = (c.system, c.path.clone());
    for k in from.iter() {
        match str_of(ev, k) {
            Some(k) => path.push(k),
            None => return V::unknown(),
        }
    }
    let defs = ev.config_defs(system, &path);
    prop(Prop::Merge(ready(V::list(defs, None))), None)
}

/// `import` of a file from outside the configuration: read from the input's source when the
/// user gave it; an input's `flake.nix` loaded by hand (call-flake, flake-compat, input
/// patchers) is a flake whose outputs are that input; anything else stays external.
fn import_external(ev: &mut Eval, name: &str, at: Option<Span>) -> V {
    let imported = format!("import {name}");
    // Inputs the rules model (nixpkgs, impermanence, …) are never read.
    let nixpkgs = ev
        .input_of(name)
        .is_some_and(|(i, _)| ev.nixpkgs_inputs.iter().any(|n| n == i));
    let modelled = nixpkgs || ev.classify(name).is_some();
    if !modelled
        && let Some(V {
            kind: Val::Path(p), ..
        }) = super::hosts::external_source(ev, &imported)
    {
        return ev.import(&p, at).0;
    }
    if let Some(input) = name.strip_suffix("/flake.nix") {
        let outputs = V::new(
            Val::Prim(Rc::new(PrimApp {
                prim: Prim::Const,
                args: vec![ready(V::new(Val::External(input.into()), at))],
            })),
            at,
        );
        let mut flake = Attrs {
            partial: true,
            ..Attrs::default()
        };
        flake.set("outputs", ready(outputs));
        return V::attrs(flake, at);
    }
    V::new(Val::External(imported.into()), at)
}

fn prop(p: Prop, at: Option<Span>) -> V {
    V::new(Val::Prop(Rc::new(p)), at)
}

/// A string argument; a path counts as its name (as Nix coerces it for string functions).
pub(super) fn str_of(ev: &mut Eval, t: &Thunk) -> Option<Rc<str>> {
    let v = ev.force(t);
    match v.kind {
        Val::Str(s) => Some(s),
        Val::Path(p) => Some(p.to_string_lossy().into()),
        _ => None,
    }
}

fn apply_to(ev: &mut Eval, f: &Thunk, arg: Thunk) -> V {
    let f = ev.force(f);
    ev.apply(f, arg, None)
}

/// `let x = f x; in x`: a thunk that passes itself to `f` (held weakly, so no cycle leaks).
pub fn fix_point(f: Thunk) -> Thunk {
    let cell: Thunk = ready(V::unknown());
    let this = Rc::downgrade(&cell);
    *cell.0.borrow_mut() = ThunkState::Lazy(Rc::new(move |ev: &mut Eval| {
        let Some(this) = this.upgrade() else {
            return V::unknown();
        };
        let fv = ev.force(&f);
        ev.apply(fv, this, None)
    }));
    cell
}

/// `f x` as a lazy thunk (map, mapAttrs, genAttrs keep items lazy).
fn lazy_apply(f: &Thunk, arg: Thunk) -> Thunk {
    let f = f.clone();
    lazy(move |ev: &mut Eval| apply_to(ev, &f, arg.clone()))
}

fn lazy_apply2(f: &Thunk, a: Thunk, b: Thunk) -> Thunk {
    let f = f.clone();
    lazy(move |ev: &mut Eval| {
        let g = apply_to(ev, &f, a.clone());
        ev.apply(g, b.clone(), None)
    })
}

/// A predicate's verdict: Some(bool) or None when unknown.
fn test(ev: &mut Eval, f: &Thunk, args: &[Thunk]) -> Option<bool> {
    let mut v = ev.force(f);
    for a in args {
        v = ev.apply(v, a.clone(), None);
    }
    v.as_bool()
}

/// Arguments as the functions of lists, sets and numbers take them (shared with the
/// builtins_*.rs files).
/// The list a builtin reads, paid for with a step per item (see [`Eval::charge`]): a builtin
/// called in a loop over a long list (`elem` in a `filter`) costs the product of the two.
pub(super) fn list_of(ev: &mut Eval, t: &Thunk) -> Option<Rc<Vec<Thunk>>> {
    let v = ev.force(t);
    let items = ev.as_list(&v)?;
    ev.charge(items.len());
    Some(items)
}

/// The set a builtin reads, paid for with a step per attribute, as [`list_of`].
pub(super) fn attrs_of(ev: &mut Eval, t: &Thunk) -> Option<Rc<Attrs>> {
    let v = ev.force(t);
    let attrs = ev.as_attrs(&v)?;
    ev.charge(attrs.map.len());
    Some(attrs)
}

pub(super) fn int_of(ev: &mut Eval, t: &Thunk) -> Option<i64> {
    match ev.force(t).kind {
        Val::Int(i) => Some(i),
        _ => None,
    }
}

fn key_str(ev: &mut Eval, t: &Thunk) -> Option<Rc<str>> {
    str_of(ev, t)
}

fn attrs_from(pairs: Vec<(Rc<str>, Thunk)>, partial: bool) -> V {
    let mut a = Attrs {
        partial,
        ..Attrs::default()
    };
    for (k, v) in pairs {
        a.map.insert(k, Binding { value: v, at: None });
    }
    V::attrs(a, None)
}

pub fn call(ev: &mut Eval, p: Prim, a: &[Thunk], at: Option<Span>) -> V {
    use Prim::*;
    let unknown = V::unknown;
    match p {
        Match
        | Split
        | Substring
        | ReplaceStrings
        | HasInfix
        | HasExtOf
        | SetAttrByPath
        | GetAttrFromPath
        | FunctionArgs
        | AssertMsg
        | FromJson
        | FromToml
        | Extend
        | Extends
        | LibBase
        | ExtendWith
        | NixosSystemLib
        | CallPackage
        | Fetch
        | GetFlake
        | StorePath
        | ApplyPatches
        | MakeExtensible
        | MakeExtensibleWithCustomName
        | ExtendWithName
        | FindFirst
        | ImportJson
        | ImportToml
        | Trim
        | EachSystem
        | EachDefaultSystem => {
            return super::builtins_more::call(ev, p, a, at);
        }
        ReadFile | ReadDir | ReadFileType | ListFilesRecursive | ImportTree | HaumeaLoad
        | FilesetToList | FileFilter | FilesetUnions | FilesetUnion | FilesetDifference
        | FilesetIntersection | FilesetMaybeMissing => return super::reads::call(ev, p, a, at),
        MkFlake | WithSystem | ModuleWithSystem | ImportApply | EvalModules => {
            return super::flake_parts::call(ev, p, a, at);
        }
        MakeHive => return super::hosts::make_hive(ev, &a[0], at),
        Sort | Partition | GroupBy | ZipAttrsWith | IntersectAttrs | AddInt | SubInt | MulInt
        | DivInt | LessThan | BitAnd | BitOr | BitXor | ToJson | DirOf | IsNull | IsInt
        | IsFloat | GenericClosure | SplitVersion | CompareVersions | ParseDrvName | Ceil
        | Floor => return super::builtins_pure::call(ev, p, a, at),
        TypeConstructor1 | TypeConstructor2 | SubmoduleType | SubmoduleWithType | CoercedToType
        | AttrsWithType | TypeCheck => {
            return super::types::call(ev, p, a, at);
        }
        _ => {}
    }
    match p {
        MkIf => prop(Prop::If(a[0].clone(), a[1].clone()), at),
        MkMerge => prop(Prop::Merge(a[0].clone()), at),
        MkOverride => match int_of(ev, &a[0]) {
            Some(prio) => prop(Prop::Override(prio, a[1].clone()), at),
            None => unknown(),
        },
        MkForce => prop(Prop::Override(50, a[0].clone()), at),
        MkImageMediaOverride => prop(Prop::Override(60, a[0].clone()), at),
        MkDefault => prop(Prop::Override(1000, a[0].clone()), at),
        MkOptionDefault => prop(Prop::Override(1500, a[0].clone()), at),
        MkBefore => prop(Prop::Order(500, a[0].clone()), at),
        MkAfter => prop(Prop::Order(1500, a[0].clone()), at),
        MkOrder => match int_of(ev, &a[0]) {
            Some(o) => prop(Prop::Order(o, a[1].clone()), at),
            None => unknown(),
        },
        MkOption => match attrs_of(ev, &a[0]) {
            Some(attrs) => V::new(Val::Option(attrs), at),
            None => V::new(
                Val::Option(Rc::new(Attrs {
                    map: BTreeMap::new(),
                    partial: true,
                    ..Attrs::default()
                })),
                at,
            ),
        },
        MkEnableOption => {
            let mut attrs = Attrs::default();
            attrs.set("default", ready(V::new(Val::Bool(false), None)));
            V::new(Val::Option(Rc::new(attrs)), at)
        }
        MkPackageOption => V::new(Val::Option(Rc::new(Attrs::default())), at),
        // Option renames and removals only redirect other definitions: an empty module here.
        MkOptionModule => V::attrs(Attrs::default(), at),
        // mkAliasDefinitions option = mkIf option.isDefined (mkMerge option.definitions).
        MkAliasDefinitions => {
            let opt = ev.force(&a[0]);
            let (Selected::Found(defined), Selected::Found(defs)) = (
                ev.select_key(&opt, "isDefined"),
                ev.select_key(&opt, "definitions"),
            ) else {
                return unknown();
            };
            prop(
                Prop::If(ready(defined), ready(prop(Prop::Merge(ready(defs)), at))),
                at,
            )
        }
        // mkAliasOptionModule from to (applied to the module arguments): definitions at `from`
        // are definitions at `to`. The module defines `to` as a view of `config.<from>`.
        AliasModule => {
            let (from, to, args) = (a[0].clone(), a[1].clone(), a[2].clone());
            // The paths may read `config` (`[ "hjem" "users" user ]`): the definition is made
            // when it is read, after the modules are collected, as in Nix.
            let value = lazy(move |ev: &mut Eval| {
                alias_definition(ev, &[from.clone(), to.clone(), args.clone()], at)
            });
            let mut module = Attrs::default();
            module.map.insert("config".into(), Binding { value, at });
            V::attrs(module, at)
        }
        // Pure evaluation: no environment.
        GetEnv => V::str("", at),
        IsPath => match ev.force(&a[0]).kind {
            Val::Path(_) => V::bool(true),
            Val::Unknown | Val::Undefined | Val::External(_) => unknown(),
            _ => V::bool(false),
        },
        // lib.collect pred set: the values (recursively) for which pred holds.
        Collect => {
            let v = ev.force(&a[1]);
            let mut out = Vec::new();
            if collect(ev, &a[0], &v, &mut out, 0) {
                V::list(out, at)
            } else {
                unknown()
            }
        }
        VersionOlder | VersionAtLeast => {
            let cmp = super::builtins_pure::call(ev, CompareVersions, a, at);
            match cmp.kind {
                Val::Int(c) => V::bool(if p == VersionOlder { c < 0 } else { c >= 0 }),
                _ => unknown(),
            }
        }
        NixosSystem => match attrs_of(ev, &a[0]) {
            Some(attrs) => V::new(Val::System(attrs), at),
            None => unknown(),
        },
        Map | ForEach => {
            let (f, l) = if p == Map {
                (&a[0], &a[1])
            } else {
                (&a[1], &a[0])
            };
            match list_of(ev, l) {
                Some(items) => {
                    V::list(items.iter().map(|x| lazy_apply(f, x.clone())).collect(), at)
                }
                None => unknown(),
            }
        }
        Filter => match list_of(ev, &a[1]) {
            Some(items) => {
                let mut out = Vec::new();
                for x in items.iter() {
                    match test(ev, &a[0], std::slice::from_ref(x)) {
                        Some(true) => out.push(x.clone()),
                        Some(false) => {}
                        None => out.push(ready(V::unknown())),
                    }
                }
                V::list(out, at)
            }
            None => unknown(),
        },
        // An item under a condition that cannot be known remembers where it was written.
        Optional => match ev.force(&a[0]).as_bool() {
            Some(true) => V::list(vec![a[1].clone()], at),
            Some(false) => V::list(vec![], at),
            None => V::list(vec![ready(V::new(Val::Unknown, at))], at),
        },
        Optionals => match ev.force(&a[0]).as_bool() {
            Some(true) => ev.force(&a[1]),
            Some(false) => V::list(vec![], at),
            None => V::list(vec![ready(V::new(Val::Unknown, at))], at),
        },
        ConcatLists => match list_of(ev, &a[0]) {
            Some(lists) => {
                let mut out = Vec::new();
                for l in lists.iter() {
                    match list_of(ev, l) {
                        Some(items) => out.extend(items.iter().cloned()),
                        None => out.push(ready(V::unknown())),
                    }
                }
                V::list(out, at)
            }
            None => unknown(),
        },
        Flatten => {
            fn flat(ev: &mut Eval, t: &Thunk, out: &mut Vec<Thunk>) {
                let v = ev.force(t);
                match &v.kind {
                    Val::List(items) => {
                        for i in items.iter() {
                            flat(ev, i, out);
                        }
                    }
                    _ => out.push(t.clone()),
                }
            }
            let mut out = Vec::new();
            flat(ev, &a[0], &mut out);
            V::list(out, at)
        }
        ConcatMap => match list_of(ev, &a[1]) {
            Some(items) => {
                let mut out = Vec::new();
                for x in items.iter() {
                    let v = apply_to(ev, &a[0], x.clone());
                    match ev.as_list(&v) {
                        Some(l) => out.extend(l.iter().cloned()),
                        None => out.push(ready(V::unknown())),
                    }
                }
                V::list(out, at)
            }
            None => unknown(),
        },
        Unique => match list_of(ev, &a[0]) {
            Some(items) => {
                let mut out: Vec<(Thunk, V)> = Vec::new();
                for x in items.iter() {
                    let v = ev.force(x);
                    let mut dup = false;
                    for (_, seen) in &out {
                        if equal(ev, seen, &v) == Some(true) {
                            dup = true;
                            break;
                        }
                    }
                    if !dup {
                        out.push((x.clone(), v));
                    }
                }
                V::list(out.into_iter().map(|(t, _)| t).collect(), at)
            }
            None => unknown(),
        },
        Elem => match list_of(ev, &a[1]) {
            Some(items) => {
                let x = ev.force(&a[0]);
                let mut unknown_seen = false;
                for i in items.iter() {
                    let v = ev.force(i);
                    match equal(ev, &x, &v) {
                        Some(true) => return V::new(Val::Bool(true), at),
                        Some(false) => {}
                        None => unknown_seen = true,
                    }
                }
                if unknown_seen {
                    unknown()
                } else {
                    V::new(Val::Bool(false), at)
                }
            }
            None => unknown(),
        },
        Length => match list_of(ev, &a[0]) {
            Some(items) => {
                let any_unknown = items.iter().any(|i| ev.force(i).is_unknown());
                if any_unknown {
                    unknown()
                } else {
                    V::new(Val::Int(items.len() as i64), at)
                }
            }
            None => unknown(),
        },
        Head | Last => match list_of(ev, &a[0]) {
            Some(items) => {
                let item = if p == Head {
                    items.first()
                } else {
                    items.last()
                };
                item.map_or_else(unknown, |t| ev.force(t))
            }
            None => unknown(),
        },
        Tail => match list_of(ev, &a[0]) {
            Some(items) if !items.is_empty() => V::list(items[1..].to_vec(), at),
            _ => unknown(),
        },
        ElemAt => match (list_of(ev, &a[0]), int_of(ev, &a[1])) {
            (Some(items), Some(i)) => usize::try_from(i)
                .ok()
                .and_then(|i| items.get(i))
                .map_or_else(unknown, |t| ev.force(t)),
            _ => unknown(),
        },
        Foldl => match list_of(ev, &a[2]) {
            Some(items) => {
                let mut acc = a[1].clone();
                for x in items.iter() {
                    let v = {
                        let g = apply_to(ev, &a[0], acc.clone());
                        ev.apply(g, x.clone(), None)
                    };
                    acc = ready(v);
                }
                ev.force(&acc)
            }
            None => unknown(),
        },
        Foldr => match list_of(ev, &a[2]) {
            Some(items) => {
                let mut acc = a[1].clone();
                for x in items.iter().rev() {
                    acc = lazy_apply2(&a[0], x.clone(), acc);
                }
                ev.force(&acc)
            }
            None => unknown(),
        },
        Any | All => match list_of(ev, &a[1]) {
            Some(items) => {
                let want = p == Any;
                let mut unknown_seen = false;
                for x in items.iter() {
                    match test(ev, &a[0], std::slice::from_ref(x)) {
                        Some(b) if b == want => return V::new(Val::Bool(want), at),
                        Some(_) => {}
                        None => unknown_seen = true,
                    }
                }
                if unknown_seen {
                    unknown()
                } else {
                    V::new(Val::Bool(!want), at)
                }
            }
            None => unknown(),
        },
        GenList => match int_of(ev, &a[1]) {
            Some(n) if (0..=100_000).contains(&n) => V::list(
                (0..n)
                    .map(|i| lazy_apply(&a[0], ready(V::new(Val::Int(i), None))))
                    .collect(),
                at,
            ),
            _ => unknown(),
        },
        Range => match (int_of(ev, &a[0]), int_of(ev, &a[1])) {
            (Some(x), Some(y)) if y.saturating_sub(x) <= 100_000 => V::list(
                (x..=y).map(|i| ready(V::new(Val::Int(i), None))).collect(),
                at,
            ),
            _ => unknown(),
        },
        Reverse => match list_of(ev, &a[0]) {
            Some(items) => V::list(items.iter().rev().cloned().collect(), at),
            None => unknown(),
        },
        // ifilter0 pred list: the items for which `pred index item` holds; one the predicate
        // cannot decide is an unknown item, as in `filter`.
        Ifilter0 => match list_of(ev, &a[1]) {
            Some(items) => {
                let mut out = Vec::new();
                for (i, x) in items.iter().enumerate() {
                    let f = ev.force(&a[0]);
                    let g = ev.apply(f, ready(V::new(Val::Int(i as i64), None)), at);
                    match ev.apply(g, x.clone(), at).as_bool() {
                        Some(true) => out.push(x.clone()),
                        Some(false) => {}
                        None => out.push(ready(V::new(Val::Unknown, ev.force(x).at))),
                    }
                }
                V::list(out, at)
            }
            None => unknown(),
        },
        Imap0 | Imap1 => match list_of(ev, &a[1]) {
            Some(items) => {
                let base = if p == Imap0 { 0 } else { 1 };
                V::list(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, x)| {
                            lazy_apply2(
                                &a[0],
                                ready(V::new(Val::Int(i as i64 + base), None)),
                                x.clone(),
                            )
                        })
                        .collect(),
                    at,
                )
            }
            None => unknown(),
        },
        SubtractLists | Remove => {
            let (drop, from) = if p == SubtractLists {
                (list_of(ev, &a[0]).map(|l| l.to_vec()), list_of(ev, &a[1]))
            } else {
                (Some(vec![a[0].clone()]), list_of(ev, &a[1]))
            };
            match (drop, from) {
                (Some(drop), Some(from)) => {
                    let drop: Vec<V> = drop.iter().map(|t| ev.force(t)).collect();
                    let mut out = Vec::new();
                    for x in from.iter() {
                        let v = ev.force(x);
                        let mut verdict = Some(false);
                        for d in &drop {
                            match equal(ev, d, &v) {
                                Some(true) => {
                                    verdict = Some(true);
                                    break;
                                }
                                None => verdict = None,
                                Some(false) => {}
                            }
                        }
                        match verdict {
                            Some(true) => {}
                            Some(false) => out.push(x.clone()),
                            None => out.push(ready(V::unknown())),
                        }
                    }
                    V::list(out, at)
                }
                _ => unknown(),
            }
        }
        Singleton => V::list(vec![a[0].clone()], at),
        // setDefaultModuleLocation file m = { _file = file; imports = [ m ]; }
        SetDefaultModuleLocation => {
            let mut out = Attrs::default();
            out.set("_file", a[0].clone());
            out.set("imports", ready(V::list(vec![a[1].clone()], at)));
            V::attrs(out, at)
        }
        ToList => {
            let v = ev.force(&a[0]);
            match v.kind {
                Val::List(_) => v,
                Val::Unknown | Val::Undefined => unknown(),
                _ => V::list(vec![a[0].clone()], at),
            }
        }
        IsList | IsAttrs | IsString | IsBool | IsFunction => {
            let v = ev.force(&a[0]);
            if matches!(v.kind, Val::Unknown | Val::Undefined | Val::External(_)) {
                return unknown();
            }
            let t = v.type_name();
            let want = match p {
                IsList => "list",
                IsAttrs => "set",
                IsString => "string",
                IsBool => "bool",
                _ => "lambda",
            };
            V::new(Val::Bool(t == want), at)
        }
        OptionalAttrs => match ev.force(&a[0]).as_bool() {
            Some(true) => ev.force(&a[1]),
            Some(false) => V::attrs(Attrs::default(), at),
            // Either the set or nothing: as a module definition, that is `mkIf` (only the
            // paths the set defines are in doubt, as in `optionalAttrs (options ? x) { x = …; }`).
            // Anywhere else a property is as unknown as a partial set.
            None => prop(Prop::If(a[0].clone(), a[1].clone()), at),
        },
        MapAttrs => match attrs_of(ev, &a[1]) {
            Some(attrs) => {
                let mut out = Attrs {
                    map: BTreeMap::new(),
                    partial: attrs.partial,
                    ..Attrs::default()
                };
                for (k, b) in attrs.map.iter() {
                    let name = ready(V::str(k, None));
                    out.map.insert(
                        k.clone(),
                        Binding {
                            value: lazy_apply2(&a[0], name, b.value.clone()),
                            at: b.at,
                        },
                    );
                }
                V::attrs(out, at)
            }
            None => unknown(),
        },
        MapAttrs2 | ConcatMapAttrs => match attrs_of(ev, &a[1]) {
            Some(attrs) => {
                let mut out = Attrs {
                    map: BTreeMap::new(),
                    partial: attrs.partial,
                    ..Attrs::default()
                };
                for (k, b) in attrs.map.iter() {
                    let pair = {
                        let g = apply_to(ev, &a[0], ready(V::str(k, b.at)));
                        ev.apply(g, b.value.clone(), None)
                    };
                    if p == MapAttrs2 {
                        let (name, value) = match ev.as_attrs(&pair) {
                            Some(pa) => (
                                pa.get("name").map(|x| x.value.clone()),
                                pa.get("value").map(|x| x.value.clone()),
                            ),
                            None => (None, None),
                        };
                        let name_at = name.as_ref().and_then(|n| ev.force(n).at);
                        match (name.and_then(|n| key_str(ev, &n)), value) {
                            (Some(n), Some(v)) => {
                                let at = name_at.or(b.at);
                                out.map.insert(n, Binding { value: v, at });
                            }
                            _ => out.partial = true,
                        }
                    } else {
                        match ev.as_attrs(&pair) {
                            Some(pa) => {
                                out.partial |= pa.partial;
                                for (k2, b2) in pa.map.iter() {
                                    out.map.insert(k2.clone(), b2.clone());
                                }
                            }
                            None => out.partial = true,
                        }
                    }
                }
                V::attrs(out, at)
            }
            None => unknown(),
        },
        MapAttrsToList => match attrs_of(ev, &a[1]) {
            Some(attrs) => {
                let mut items: Vec<Thunk> = attrs
                    .map
                    .iter()
                    .map(|(k, b)| lazy_apply2(&a[0], ready(V::str(k, b.at)), b.value.clone()))
                    .collect();
                if attrs.partial {
                    items.push(ready(V::unknown()));
                }
                V::list(items, at)
            }
            None => unknown(),
        },
        GenAttrs => match list_of(ev, &a[0]) {
            Some(names) => {
                let mut pairs = Vec::new();
                let mut partial = false;
                for n in names.iter() {
                    match key_str(ev, n) {
                        Some(k) => pairs.push((k, lazy_apply(&a[1], n.clone()))),
                        None => partial = true,
                    }
                }
                attrs_from(pairs, partial)
            }
            None => unknown(),
        },
        NameValuePair => attrs_from(
            vec![
                ("name".into(), a[0].clone()),
                ("value".into(), a[1].clone()),
            ],
            false,
        ),
        ListToAttrs => match list_of(ev, &a[0]) {
            Some(items) => {
                let mut out = Attrs::default();
                for i in items.iter() {
                    let pair = attrs_of(ev, i);
                    let nv = pair.as_ref().and_then(|p| {
                        Some((p.get("name")?.value.clone(), p.get("value")?.value.clone()))
                    });
                    let nv = nv.map(|(n, v)| {
                        let at = ev.force(&n).at;
                        (n, v, at)
                    });
                    match nv.and_then(|(n, v, at)| Some((key_str(ev, &n)?, v, at))) {
                        // The first definition of a name wins; it keeps the span of the name.
                        Some((k, v, name_at)) => {
                            out.map.entry(k).or_insert(Binding {
                                value: v,
                                at: name_at,
                            });
                        }
                        None => out.partial = true,
                    }
                }
                V::attrs(out, at)
            }
            None => unknown(),
        },
        AttrNames | AttrValues => match attrs_of(ev, &a[0]) {
            Some(attrs) => {
                let mut items: Vec<Thunk> = if p == AttrNames {
                    // A name keeps the span of the binding it names.
                    attrs
                        .map
                        .iter()
                        .map(|(k, b)| ready(V::str(k, b.at)))
                        .collect()
                } else {
                    attrs.map.values().map(|b| b.value.clone()).collect()
                };
                if attrs.partial {
                    items.push(ready(V::unknown()));
                }
                V::list(items, at)
            }
            None => unknown(),
        },
        FilterAttrs => match attrs_of(ev, &a[1]) {
            Some(attrs) => {
                let mut out = Attrs {
                    map: BTreeMap::new(),
                    partial: attrs.partial,
                    ..Attrs::default()
                };
                for (k, b) in attrs.map.iter() {
                    match test(ev, &a[0], &[ready(V::str(k, None)), b.value.clone()]) {
                        Some(true) => {
                            out.map.insert(k.clone(), b.clone());
                        }
                        Some(false) => {}
                        None => out.partial = true,
                    }
                }
                V::attrs(out, at)
            }
            None => unknown(),
        },
        RecursiveUpdate => recursive_update(ev, &a[0], &a[1], at),
        HasAttr => {
            let key = key_str(ev, &a[0]);
            let set = ev.force(&a[1]);
            match key {
                Some(k) => match ev.select_key(&set, &k) {
                    Selected::Found(_) => V::new(Val::Bool(true), at),
                    Selected::Missing => V::new(Val::Bool(false), at),
                    Selected::Unknown => unknown(),
                },
                None => unknown(),
            }
        }
        GetAttr => {
            let key = key_str(ev, &a[0]);
            let set = ev.force(&a[1]);
            match key.map(|k| ev.select_key(&set, &k)) {
                Some(Selected::Found(v)) => v,
                _ => unknown(),
            }
        }
        AttrByPath => {
            let path = list_of(ev, &a[0]);
            let mut cur = ev.force(&a[2]);
            let Some(path) = path else { return unknown() };
            for k in path.iter() {
                let Some(k) = key_str(ev, k) else {
                    return unknown();
                };
                match ev.select_key(&cur, &k) {
                    Selected::Found(v) => cur = v,
                    Selected::Missing => return ev.force(&a[1]),
                    Selected::Unknown => return unknown(),
                }
            }
            cur
        }
        RemoveAttrs => match (attrs_of(ev, &a[0]), list_of(ev, &a[1])) {
            (Some(attrs), Some(names)) => {
                let mut out = (*attrs).clone();
                for n in names.iter() {
                    match key_str(ev, n) {
                        Some(k) => {
                            out.map.remove(&k);
                        }
                        None => return unknown(),
                    }
                }
                V::attrs(out, at)
            }
            _ => unknown(),
        },
        CatAttrs => match (key_str(ev, &a[0]), list_of(ev, &a[1])) {
            (Some(k), Some(items)) => {
                let mut out = Vec::new();
                for i in items.iter() {
                    let v = ev.force(i);
                    match ev.select_key(&v, &k) {
                        Selected::Found(v) => out.push(ready(v)),
                        Selected::Missing => {}
                        Selected::Unknown => out.push(ready(V::unknown())),
                    }
                }
                V::list(out, at)
            }
            _ => unknown(),
        },
        MergeAttrsList => match list_of(ev, &a[0]) {
            Some(items) => {
                let mut out = Attrs::default();
                for i in items.iter() {
                    match attrs_of(ev, i) {
                        Some(x) => {
                            out.partial |= x.partial;
                            for (k, b) in x.map.iter() {
                                out.map.insert(k.clone(), b.clone());
                            }
                        }
                        None => out.partial = true,
                    }
                }
                V::attrs(out, at)
            }
            None => unknown(),
        },
        OptionalString => match ev.force(&a[0]).as_bool() {
            Some(true) => ev.force(&a[1]),
            Some(false) => V::str("", at),
            None => unknown(),
        },
        HasPrefix | HasSuffix => match (str_of(ev, &a[0]), str_of(ev, &a[1])) {
            (Some(x), Some(s)) => V::new(
                Val::Bool(if p == HasPrefix {
                    s.starts_with(&*x)
                } else {
                    s.ends_with(&*x)
                }),
                at,
            ),
            _ => unknown(),
        },
        // nameFromURL url sep: the last `/` component, up to the first `sep`.
        NameFromUrl => match (str_of(ev, &a[0]), str_of(ev, &a[1])) {
            (Some(url), Some(sep)) if !sep.is_empty() => {
                let file = url.rsplit('/').next().unwrap_or(&url);
                match file.split_once(&*sep) {
                    Some((name, _)) => V::str(name, at),
                    None => unknown(),
                }
            }
            _ => unknown(),
        },
        RemovePrefix | RemoveSuffix => {
            let s = ev.force(&a[1]);
            match (str_of(ev, &a[0]), s.as_str()) {
                (Some(x), Some(text)) => {
                    let out = if p == RemovePrefix {
                        text.strip_prefix(&*x)
                    } else {
                        text.strip_suffix(&*x)
                    };
                    V::str(out.unwrap_or(text), s.at)
                }
                _ => unknown(),
            }
        }
        ConcatStrings | ConcatStringsSep | ConcatMapStrings | ConcatMapStringsSep => {
            let (sep, list, f) = match p {
                ConcatStrings => (Some("".into()), &a[0], None),
                ConcatStringsSep => (str_of(ev, &a[0]), &a[1], None),
                ConcatMapStrings => (Some("".into()), &a[1], Some(&a[0])),
                _ => (str_of(ev, &a[0]), &a[2], Some(&a[1])),
            };
            let (Some(sep), Some(items)) = (sep, list_of(ev, list)) else {
                return unknown();
            };
            let mut parts = Vec::new();
            for i in items.iter() {
                let v = match f {
                    Some(f) => apply_to(ev, f, i.clone()),
                    None => ev.force(i),
                };
                match ev.coerce_to_string(&v) {
                    Coerced::Str(s) => parts.push(s),
                    _ => return unknown(),
                }
            }
            V::str(&parts.join(&sep), at)
        }
        ToString => {
            let v = ev.force(&a[0]);
            match ev.coerce_to_string(&v) {
                Coerced::Str(s) => V::str(&s, v.at.or(at)),
                Coerced::External(n) => V::new(Val::External(n.into()), at),
                Coerced::Unknown => match v.kind {
                    Val::Path(p) => V::str(&p.to_string_lossy(), at),
                    _ => unknown(),
                },
            }
        }
        SplitString => match (str_of(ev, &a[0]), str_of(ev, &a[1])) {
            (Some(sep), Some(s)) if !sep.is_empty() => {
                V::list(s.split(&*sep).map(|x| ready(V::str(x, None))).collect(), at)
            }
            _ => unknown(),
        },
        StringLength => match str_of(ev, &a[0]) {
            Some(s) => V::new(Val::Int(s.len() as i64), at),
            None => unknown(),
        },
        ToLower | ToUpper => match str_of(ev, &a[0]) {
            Some(s) => V::str(
                &if p == ToLower {
                    s.to_lowercase()
                } else {
                    s.to_uppercase()
                },
                at,
            ),
            None => unknown(),
        },
        Id => ev.force(&a[0]),
        Const => ev.force(&a[0]),
        Flip => {
            let g = apply_to(ev, &a[0], a[2].clone());
            ev.apply(g, a[1].clone(), at)
        }
        Pipe => match list_of(ev, &a[1]) {
            Some(fs) => {
                let mut acc = a[0].clone();
                for f in fs.iter() {
                    acc = ready(apply_to(ev, f, acc));
                }
                ev.force(&acc)
            }
            None => unknown(),
        },
        Trace => ev.force(&a[1]),
        // The first argument is evaluated (deeply for deepSeq): if that fails, so does the
        // whole, which is unknown here.
        Seq | DeepSeq => {
            let first = ev.force(&a[0]);
            let known = if p == Seq {
                !first.is_unknown()
            } else {
                super::expr::to_json(ev, &first, 0).is_some()
            };
            if known { ev.force(&a[1]) } else { unknown() }
        }
        Throw | Unknown1 => unknown(),
        TryEval => {
            let v = ev.force(&a[0]);
            if v.is_unknown() {
                return unknown();
            }
            attrs_from(
                vec![
                    ("success".into(), ready(V::bool(true))),
                    ("value".into(), ready(v)),
                ],
                false,
            )
        }
        Import => {
            let v = ev.force(&a[0]);
            match &v.kind {
                Val::Path(path) => ev.import(&path.clone(), v.at.or(at)).0,
                Val::Str(s) if s.starts_with('/') => {
                    ev.import(std::path::Path::new(&**s), v.at.or(at)).0
                }
                Val::External(n) => import_external(ev, n, at),
                // A set with outPath (an npins or niv source, a flake input).
                Val::Attrs(_) | Val::Config(_) => match ev.coerce_to_string(&v) {
                    Coerced::Str(s) if s.starts_with('/') => {
                        ev.import(std::path::Path::new(&s), v.at.or(at)).0
                    }
                    Coerced::External(n) => import_external(ev, &n, at),
                    _ => unknown(),
                },
                _ => unknown(),
            }
        }
        Fix => {
            // fix f = let x = f x; in x
            let cell = fix_point(a[0].clone());
            ev.force(&cell)
        }
        // An absolute path as a string (`"${dir}/default.nix"`) is a path to Nix here too.
        PathExists => {
            let v = ev.force(&a[0]);
            let path = match &v.kind {
                Val::Path(p) => (**p).clone(),
                Val::Str(s) if s.starts_with('/') => {
                    ev.files.machine_path(std::path::Path::new(&**s))
                }
                _ => return unknown(),
            };
            match ev.files.access.kind(&path) {
                Ok(kind) => V::new(Val::Bool(kind != crate::access::Kind::Missing), at),
                Err(e) => {
                    ev.note_unread(e.describe(), at);
                    unknown()
                }
            }
        }
        BaseNameOf => {
            let v = ev.force(&a[0]);
            match &v.kind {
                Val::Str(s) => V::str(s.trim_end_matches('/').rsplit('/').next().unwrap_or(""), at),
                Val::Path(p) => V::str(
                    &p.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    at,
                ),
                _ => unknown(),
            }
        }
        TypeOf => {
            let v = ev.force(&a[0]);
            match v.kind {
                Val::Unknown | Val::Undefined | Val::External(_) => unknown(),
                _ => V::str(v.type_name(), at),
            }
        }
        // Dispatched to their own modules above.
        _ => unknown(),
    }
}

/// lib.collect: values of `v` (a set searched recursively) for which `pred` holds; false when
/// that cannot be known.
fn collect(ev: &mut Eval, pred: &Thunk, v: &V, out: &mut Vec<Thunk>, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    let f = ev.force(pred);
    match ev.apply(f, ready(v.clone()), None).as_bool() {
        Some(true) => {
            out.push(ready(v.clone()));
            true
        }
        Some(false) => match ev.as_attrs(v) {
            Some(attrs) if !attrs.partial => {
                for b in attrs.map.values() {
                    let x = ev.force(&b.value.clone());
                    if !collect(ev, pred, &x, out, depth + 1) {
                        return false;
                    }
                }
                true
            }
            Some(_) => false,
            None => true,
        },
        None => false,
    }
}

fn recursive_update(ev: &mut Eval, l: &Thunk, r: &Thunk, at: Option<Span>) -> V {
    // With an input on one side, the known side is kept, as `//` does.
    let (lv, rv) = (ev.force(l), ev.force(r));
    if matches!(lv.kind, Val::External(_)) || matches!(rv.kind, Val::External(_)) {
        return binop(ev, BinOpKind::Update, lv, rv, at);
    }
    let (Some(la), Some(ra)) = (attrs_of(ev, l), attrs_of(ev, r)) else {
        return V::unknown();
    };
    let mut out = (*la).clone();
    out.partial |= ra.partial;
    for (k, b) in ra.map.iter() {
        let merged = match out.map.get(k) {
            Some(existing) => {
                let (x, y) = (ev.force(&existing.value.clone()), ev.force(&b.value));
                if ev.as_attrs(&x).is_some() && ev.as_attrs(&y).is_some() {
                    let v = recursive_update(ev, &ready(x), &ready(y), b.at);
                    Binding {
                        value: ready(v),
                        at: b.at,
                    }
                } else {
                    b.clone()
                }
            }
            None => b.clone(),
        };
        out.map.insert(k.clone(), merged);
    }
    V::attrs(out, at)
}
