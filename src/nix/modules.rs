//! The module system: collects a host's modules through `imports`, and merges their definitions
//! the way NixOS does (lists concatenate, sets merge, mkForce/mkDefault priorities decide, mkIf
//! conditions are read only where a definition reaches), as a lazy fix-point `config`.

use super::eval::{Eval, Selected};
use super::files::FileId;
use super::types::Below;
use super::value::*;
use crate::knowledge::{self, Scope};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::rc::Rc;

const DEFAULT_PRIO: i64 = 100;
/// Modules one system may collect (a guard against runaway imports).
pub const MAX_MODULES: usize = 10_000;
const DEFAULT_ORDER: i64 = 1000;
/// Keys of a module that are not configuration in the shorthand form.
const MODULE_KEYS: &[&str] = &[
    "imports",
    "options",
    "config",
    "_file",
    "key",
    "disabledModules",
    "meta",
    "freeformType",
    "_class",
];

/// One definition reaching a path.
#[derive(Clone)]
struct Def {
    value: Thunk,
    at: Option<Span>,
    prio: i64,
    order: i64,
    conds: Vec<Thunk>,
}

/// The declarations below a path, by name (see `decl_index`).
#[derive(Default)]
struct DeclIndex {
    by_key: HashMap<Rc<str>, Vec<Thunk>>,
    others: Vec<V>,
}

/// A definition with its properties read: certain, or under a condition that is not known.
struct Leaf {
    value: V,
    at: Option<Span>,
    order: i64,
    certain: bool,
    /// Where the first condition that could not be decided was written.
    undecided_at: Option<Span>,
}

/// A path of attribute names below `config`.
type OptionPath = Vec<Rc<str>>;

/// Definitions one level below a path: by name, and those that reach every name (a set with
/// unknown names, an unknown value, a view of another configuration).
#[derive(Default)]
struct Children {
    by_key: HashMap<Rc<str>, Vec<Def>>,
    any_key: Vec<AnyKey>,
}

enum AnyKey {
    Unknown(Def),
    Config(Def, usize, Vec<Rc<str>>),
}

pub struct ModuleSystem {
    /// NixOS or home-manager: which defaults apply to options nothing defines.
    pub scope: Scope,
    defs_cache: HashMap<OptionPath, Rc<Vec<(Def, V)>>>,
    decls_cache: HashMap<OptionPath, Rc<Vec<V>>>,
    decl_index_cache: HashMap<OptionPath, Rc<DeclIndex>>,
    children_cache: HashMap<OptionPath, Rc<Children>>,
    defs: Vec<Def>,
    decls: Vec<Thunk>,
    pub args: Thunk,
    memo: HashMap<Vec<Rc<str>>, V>,
    /// Paths being merged, definitions being gathered: the frame each runs in (a cycle guard,
    /// see [`Eval::frame`]).
    active: HashMap<Vec<Rc<str>>, u32>,
    defs_active: HashMap<Vec<Rc<str>>, u32>,
    /// Set while the modules are being collected: the frame collection started in.
    collecting: Option<u32>,
    /// A module could not be read or evaluated: absence proves nothing.
    pub incomplete: bool,
    /// Third-party modules seen in imports, by kind ("impermanence", "sops-nix", ...).
    pub externals: BTreeSet<String>,
    /// nixpkgs modules imported by hand (`modulesPath + "/virtualisation/lxc-container.nix"`),
    /// by the name they were reached by: not read, but some set options the knowledge base knows.
    pub nixpkgs_imports: Vec<Rc<str>>,
    /// Manual imports of impermanence's home-manager module.
    pub legacy_hm_imports: Vec<Span>,
    /// Imports that name a missing or unparsable file.
    pub broken_imports: Vec<(FileId, Option<Span>)>,
    /// Flake modules from inputs that were not read and may define hosts (flake-parts scope).
    pub host_blind_spots: Vec<(String, Option<Span>)>,
    /// The home-manager module system of each user (`home-manager.users.<name>`), once made;
    /// None while it is being made.
    hm_systems: HashMap<Rc<str>, Option<usize>>,
}

/// What a third-party module reference is, from how it was reached.
pub fn classify_external(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    if n.contains("impermanence") && (n.contains("home-manager") || n.contains("homemanager")) {
        return Some("impermanence-home-manager");
    }
    for (needle, kind) in [
        ("impermanence", "impermanence"),
        ("preservation", "preservation"),
        ("sops", "sops-nix"),
        ("agenix", "agenix"),
        ("home-manager", "home-manager"),
        ("disko", "disko"),
        ("homemanager", "home-manager"),
    ] {
        if n.contains(needle) {
            return Some(kind);
        }
    }
    None
}

/// `_module.args.<name>` and `home-manager.extraSpecialArgs.<name>`: values given to modules.
fn is_module_argument(path: &[Rc<str>]) -> bool {
    matches!(path, [a, b, _] if (&**a, &**b) == ("_module", "args")
        || (&**a, &**b) == ("home-manager", "extraSpecialArgs"))
}

/// Marks a declaration made for an element of `attrsOf`: a name nothing defines is not there.
const ELEMENT: &str = "__element";

/// A declaration that only says what type the value at a path has (an attrsOf's element).
fn type_decl(ty: V) -> V {
    let mut a = Attrs::default();
    a.set("type", ready(ty));
    a.map.insert(
        ELEMENT.into(),
        Binding {
            value: ready(V::bool(true)),
            at: None,
        },
    );
    V::new(Val::Option(Rc::new(a)), None)
}

/// nixpkgs' own modules (through modulesPath or a nixpkgs input): modelled by the knowledge
/// base, not read.
fn is_nixpkgs_module(name: &str) -> bool {
    name.starts_with("<nixpkgs")
        || name.contains("modulesPath")
        || name.contains("nixos/modules")
        || name.starts_with("input:nixpkgs")
        || name.contains("input:nixos-hardware")
}

/// `input:foo.nixosModules.bar` as "`bar` of input `foo`".
fn describe_external(name: &str) -> String {
    match name.strip_prefix("input:") {
        Some(rest) => {
            let input = rest.split(['.', '/']).next().unwrap_or(rest);
            format!("`{rest}` of input `{input}`")
        }
        None => format!("`{name}`"),
    }
}

impl<'f> Eval<'f> {
    /// Creates a module system from root modules and the arguments modules receive
    /// (`config` is added here).
    pub fn new_system(&mut self, roots: Vec<Thunk>, mut args: Attrs, scope: Scope) -> usize {
        let id = self.systems.len();
        let config = V::config(id, Vec::new());
        args.set("config", ready(config));
        args.map.entry("lib".into()).or_insert_with(|| Binding {
            value: self.lib_thunk(),
            at: None,
        });
        // `pkgs` is nixpkgs' package set: outside the configuration, but its `lib` is lib.
        args.map.entry("pkgs".into()).or_insert_with(|| Binding {
            value: ready(V::new(Val::External("pkgs".into()), None)),
            at: None,
        });
        // lib/modules.nix passes the system's specialArgs as an argument too.
        let special = args.clone();
        args.map
            .entry("specialArgs".into())
            .or_insert_with(|| Binding {
                value: ready(V::attrs(special, None)),
                at: None,
            });
        args.map.entry("options".into()).or_insert_with(|| Binding {
            value: ready(V::new(
                Val::Options(Rc::new(ConfigRef {
                    system: id,
                    path: Vec::new(),
                })),
                None,
            )),
            at: None,
        });
        args.map.entry("utils".into()).or_insert_with(|| Binding {
            value: ready(V::unknown()),
            at: None,
        });
        args.map
            .entry("modulesPath".into())
            .or_insert_with(|| Binding {
                value: ready(V::new(
                    Val::External("<nixpkgs>/nixos/modules".into()),
                    None,
                )),
                at: None,
            });
        // lib/modules.nix passes the class the module system was evaluated with (`class` of
        // evalModules): NixOS's eval-config.nix, home-manager's modules/default.nix and
        // flake-parts each name theirs. Modules shared between classes test it.
        let class = match scope {
            Scope::Nixos => "nixos",
            Scope::HomeManager => "homeManager",
            Scope::FlakeParts => "flake",
        };
        args.map.entry("_class".into()).or_insert_with(|| Binding {
            value: ready(V::str(class, None)),
            at: None,
        });
        // Any other argument a module asks for comes from `_module.args` (inputs, ...).
        args.partial = true;
        args.rest = Some(Rest::ModuleArgs(id));
        self.systems.push(ModuleSystem {
            scope,
            defs_cache: HashMap::new(),
            decls_cache: HashMap::new(),
            decl_index_cache: HashMap::new(),
            children_cache: HashMap::new(),
            defs: Vec::new(),
            decls: Vec::new(),
            args: ready(V::attrs(args, None)),
            memo: HashMap::new(),
            active: HashMap::new(),
            defs_active: HashMap::new(),
            collecting: None,
            incomplete: false,
            externals: BTreeSet::new(),
            nixpkgs_imports: Vec::new(),
            legacy_hm_imports: Vec::new(),
            hm_systems: HashMap::new(),
            broken_imports: Vec::new(),
            host_blind_spots: Vec::new(),
        });
        // While modules are collected, `config` cannot be read (in Nix that is infinite
        // recursion): a read then is unknown, and nothing computed from it is kept.
        self.systems[id].collecting = Some(self.next_frame());
        self.collect_modules(id, roots);
        self.systems[id].collecting = None;
        id
    }

    /// Collects the modules of a system. Reads only each module's structure (`imports`,
    /// `config`, `options`), never `config` itself, as lib/modules.nix does. A file reached twice
    /// is one module.
    fn collect_modules(&mut self, sys: usize, roots: Vec<Thunk>) {
        let mut queue: Vec<(Thunk, Option<Span>)> =
            roots.into_iter().rev().map(|t| (t, None)).collect();
        let mut seen_files: HashSet<FileId> = HashSet::new();
        let mut seen_keys: HashSet<String> = HashSet::new();
        let mut budget = MAX_MODULES;
        while let Some((t, import_at)) = queue.pop() {
            if budget == 0 {
                self.module_unread(
                    sys,
                    format!("modules beyond the limit of {MAX_MODULES}"),
                    import_at,
                );
                break;
            }
            budget -= 1;
            let written = thunk_span(&t);
            let mut v = self.force(&t);
            let mut at = written.or(v.at).or(import_at);
            // Files and functions unwrap to the module set; a bounded number of times.
            for _ in 0..8 {
                match &v.kind {
                    Val::Path(p) => {
                        let p = (**p).clone();
                        at = v.at.or(at);
                        let (value, id) = self.import(&p, at);
                        if id.is_none() {
                            // Not read (outside the checked tree, a loop): already noted.
                            self.systems[sys].incomplete = true;
                            v = V::new(Val::Null, None);
                            break;
                        }
                        if let Some(id) = id {
                            if !seen_files.insert(id) {
                                v = V::new(Val::Null, None);
                                break;
                            }
                            if let Some(e) = &self.files.by_id(id).error {
                                self.systems[sys].broken_imports.push((id, at));
                                let what = if e.unreadable() {
                                    e.message.clone()
                                } else {
                                    format!(
                                        "{}, which does not parse",
                                        crate::source::display_path(
                                            &self.files.by_id(id).path.to_string_lossy()
                                        )
                                    )
                                };
                                self.module_unread(sys, what, at);
                                v = V::new(Val::Null, None);
                                break;
                            }
                        }
                        v = value;
                    }
                    Val::Str(s) if s.starts_with('/') => {
                        v = V::new(
                            Val::Path(Rc::new(self.files.machine_path(Path::new(&**s)))),
                            v.at,
                        )
                    }
                    Val::Lambda(_) | Val::Prim(_) => {
                        let args = self.systems[sys].args.clone();
                        v = self.apply(v, args, None);
                    }
                    // A whole system used as a module (an entry file that calls
                    // eval-config.nix itself): its modules.
                    Val::System(spec) => {
                        let mut a = Attrs::default();
                        if let Some(m) = spec.get("modules") {
                            a.map.insert("imports".into(), m.clone());
                        }
                        v = V::attrs(a, v.at);
                    }
                    // A deferred module merged from several definitions (flake-parts'
                    // `flake.modules.nixos.<name>`): its definitions are the modules.
                    Val::Config(c) => {
                        let (s, path) = (c.system, c.path.clone());
                        let defs = self.config_defs(s, &path);
                        let mut a = Attrs::default();
                        a.map.insert(
                            "imports".into(),
                            Binding {
                                value: ready(V::list(defs, v.at)),
                                at: v.at,
                            },
                        );
                        v = V::attrs(a, v.at);
                    }
                    // A module from a flake input whose source may be read: read it.
                    Val::External(name) if self.reads_input_module(sys, name) => {
                        match super::hosts::external_source(self, &name.clone()) {
                            Some(m) => v = m,
                            None => break,
                        }
                    }
                    _ => break,
                }
            }
            match &v.kind {
                Val::Attrs(a) => {
                    let a = a.clone();
                    // Modules with the same `key` are one module, as in lib/modules.nix.
                    if let Some(k) = a.get("key").map(|b| b.value.clone()) {
                        let k = self.force(&k);
                        if let Some(k) = k.as_str()
                            && !seen_keys.insert(k.to_string())
                        {
                            continue;
                        }
                    }
                    if let Some(imports) = a.get("imports") {
                        let list = self.force(&imports.value.clone());
                        match self.as_list(&list) {
                            Some(items) => {
                                for item in items.iter().rev() {
                                    queue.push((item.clone(), imports.at));
                                }
                            }
                            None => self.module_unread(
                                sys,
                                "imports that could not be evaluated".to_string(),
                                list.at.or(imports.at),
                            ),
                        }
                    }
                    let explicit = a.get("config").is_some() || a.get("options").is_some();
                    if explicit {
                        if let Some(c) = a.get("config") {
                            self.systems[sys].defs.push(Def {
                                value: c.value.clone(),
                                at: c.at,
                                prio: DEFAULT_PRIO,
                                order: DEFAULT_ORDER,
                                conds: Vec::new(),
                            });
                        }
                        if let Some(o) = a.get("options") {
                            self.systems[sys].decls.push(o.value.clone());
                        }
                    } else {
                        let mut rest = (*a).clone();
                        for k in MODULE_KEYS {
                            rest.map.remove(*k);
                        }
                        self.systems[sys].defs.push(Def {
                            value: ready(V::attrs(rest, v.at)),
                            at: v.at,
                            prio: DEFAULT_PRIO,
                            order: DEFAULT_ORDER,
                            conds: Vec::new(),
                        });
                    }
                }
                // nixpkgs' own modules (modulesPath, <nixpkgs/...>) define nothing we read.
                Val::External(name) => match self.classify(name) {
                    Some(kind) => {
                        // impermanence's home-manager flake outputs are an assertion that
                        // always fails since impermanence f868c97 (2026-01-03); importing the
                        // file itself is what its README asked for before, and is deduplicated
                        // with the NixOS module's own import of it since.
                        if kind == "impermanence-home-manager"
                            && name.contains("Modules")
                            && let Some(at) = v.at.or(at)
                        {
                            self.systems[sys].legacy_hm_imports.push(at);
                        }
                        self.systems[sys].externals.insert(kind.to_string());
                    }
                    None if is_nixpkgs_module(name) => {
                        self.systems[sys].nixpkgs_imports.push(name.clone());
                    }
                    None if self.is_harmless_input(name) => {}
                    // Flake modules from inputs shape the flake's outputs, not its hosts'
                    // configurations; but one that is not a known tool (treefmt, devshells)
                    // may define hosts of its own.
                    None if self.systems[sys].scope == Scope::FlakeParts => {
                        if !self.is_flake_tool(name) {
                            let what = describe_external(name);
                            self.systems[sys].host_blind_spots.push((what, v.at.or(at)));
                        }
                    }
                    None => {
                        let what = format!(
                            "module {} from outside the configuration",
                            describe_external(name)
                        );
                        self.module_unread(sys, what, v.at.or(at));
                    }
                },
                // A module that is a property (`lib.mkIf cond { ... }`, `mkMerge [ ... ]`) is
                // configuration in the shorthand form.
                Val::Prop(_) => self.systems[sys].defs.push(Def {
                    value: ready(v.clone()),
                    at: v.at.or(at),
                    prio: DEFAULT_PRIO,
                    order: DEFAULT_ORDER,
                    conds: Vec::new(),
                }),
                Val::Null => {}
                _ => self.module_unread(
                    sys,
                    "a module that could not be evaluated".to_string(),
                    v.at.or(at),
                ),
            }
        }
    }

    /// Is this a module from an input that is neither modelled (nixpkgs, impermanence,
    /// sops-nix, ...) nor known to be harmless? Those are read when their source is available.
    /// (A flake module is read only when it may define hosts.)
    fn reads_input_module(&self, sys: usize, name: &str) -> bool {
        let relevant = match self.systems[sys].scope {
            Scope::FlakeParts => !self.is_flake_tool(name),
            _ => !self.is_harmless_input(name),
        };
        relevant && self.classify(name).is_none() && !is_nixpkgs_module(name)
    }

    /// Which modelled project an external value comes from: by its name, or by its input's
    /// URL (an input named `home` that is home-manager's repository).
    pub fn classify(&self, name: &str) -> Option<&'static str> {
        classify_external(name).or_else(|| {
            let (input, url) = self.input_of(name)?;
            let rest = name
                .trim_start_matches("import ")
                .strip_prefix("input:")?
                .strip_prefix(input)?;
            classify_external(&format!("{}{rest}", url?))
        })
    }

    /// A flake module from an input known not to define hosts.
    pub fn is_flake_tool(&self, name: &str) -> bool {
        self.input_of(name)
            .is_some_and(|(input, url)| super::known_inputs::is_flake_tool(input, url))
    }

    /// A module from an input known not to touch what the rules read.
    fn is_harmless_input(&self, name: &str) -> bool {
        self.input_of(name)
            .is_some_and(|(input, url)| super::known_inputs::is_harmless(input, url))
    }

    /// The input an external value comes from: its name and URL when known. Sources fetched by
    /// URL (npins, niv, fetchTarball) and flakes by reference (getFlake) have only a URL.
    pub fn input_of<'a>(&'a self, name: &'a str) -> Option<(&'a str, Option<&'a str>)> {
        let name = name.trim_start_matches("import ");
        if let Some(url) = name
            .strip_prefix("fetch:")
            .or_else(|| name.strip_prefix("flake:"))
        {
            return Some(("", Some(url)));
        }
        let rest = name.strip_prefix("input:")?;
        let input = rest.split(['.', '/']).next().unwrap_or(rest);
        Some((input, self.input_urls.get(input).map(String::as_str)))
    }

    /// A part of a system's modules that could not be read: absence proves nothing there.
    fn module_unread(&mut self, sys: usize, what: String, at: Option<Span>) {
        self.systems[sys].incomplete = true;
        self.note_unread(what, at);
    }

    // ---- reading the merged configuration ---------------------------------------------------

    /// Reads properties off a definition without deciding its conditions: mkMerge splits it,
    /// mkIf adds a condition, mkOverride and mkOrder set priority and order.
    fn expand(&mut self, def: Def, out: &mut Vec<(Def, V)>, depth: usize) {
        let v = self.force(&def.value);
        if depth > 32 {
            out.push((def, V::unknown()));
            return;
        }
        match &v.kind {
            Val::Prop(p) => match &**p {
                Prop::If(c, content) => {
                    let mut d = def.clone();
                    d.conds.push(c.clone());
                    d.value = content.clone();
                    self.expand(d, out, depth + 1);
                }
                Prop::Override(prio, content) => {
                    let mut d = def.clone();
                    d.prio = *prio;
                    d.value = content.clone();
                    self.expand(d, out, depth + 1);
                }
                Prop::Order(order, content) => {
                    let mut d = def.clone();
                    d.order = *order;
                    d.value = content.clone();
                    self.expand(d, out, depth + 1);
                }
                Prop::Merge(list) => {
                    let l = self.force(list);
                    match self.as_list(&l) {
                        Some(items) => {
                            for item in items.iter() {
                                let mut d = def.clone();
                                d.value = item.clone();
                                self.expand(d, out, depth + 1);
                            }
                        }
                        None => out.push((def, V::unknown())),
                    }
                }
            },
            // A definition that reads an undefined option is unknown, not undefined itself.
            Val::Undefined => out.push((def, V::unknown())),
            _ => out.push((def, v)),
        }
    }

    /// The definitions reaching `path`, properties read, conditions not yet decided. Cached per
    /// path, and built from the parent's definitions indexed by name, so reading many options
    /// costs what their own definitions cost, not the whole configuration each time.
    fn defs_at(&mut self, sys: usize, path: &[Rc<str>]) -> Rc<Vec<(Def, V)>> {
        if let Some(d) = self.systems[sys].defs_cache.get(path) {
            return d.clone();
        }
        if let Some(&frame) = self.systems[sys].defs_active.get(path) {
            // Gathering these definitions needs them: the part that loops is unknown.
            self.cycle(frame);
            let unknown = Def {
                value: ready(V::unknown()),
                at: None,
                prio: DEFAULT_PRIO,
                order: DEFAULT_ORDER,
                conds: Vec::new(),
            };
            return Rc::new(vec![(unknown, V::unknown())]);
        }
        let me = self.next_frame();
        self.systems[sys].defs_active.insert(path.to_vec(), me);
        let (out, finished) = self.frame(|ev| ev.gather_defs(sys, path));
        self.systems[sys].defs_active.remove(path);
        let out = Rc::new(out);
        if finished {
            self.systems[sys]
                .defs_cache
                .insert(path.to_vec(), out.clone());
        }
        out
    }

    fn gather_defs(&mut self, sys: usize, path: &[Rc<str>]) -> Vec<(Def, V)> {
        let mut out = Vec::new();
        match path.split_last() {
            None => {
                for d in self.systems[sys].defs.clone() {
                    self.expand(d, &mut out, 0);
                }
            }
            Some((key, parent)) => {
                let children = self.children_at(sys, parent);
                let raw: Vec<Def> = children.by_key.get(key).cloned().unwrap_or_default();
                for d in raw {
                    self.expand(d, &mut out, 0);
                }
                for any in &children.any_key {
                    match any {
                        AnyKey::Unknown(def) => {
                            let d = Def {
                                value: ready(V::unknown()),
                                ..def.clone()
                            };
                            self.expand(d, &mut out, 0);
                        }
                        // A set defined as another configuration value (`x = config.y;`)
                        // defines here what that value has under this name: nothing when it
                        // has no such name.
                        AnyKey::Config(def, system, p) => {
                            let (system, mut p) = (*system, p.clone());
                            p.push(key.clone());
                            let v = self.config_value(system, &p);
                            if !v.is_undefined() {
                                let d = Def {
                                    value: ready(v),
                                    ..def.clone()
                                };
                                self.expand(d, &mut out, 0);
                            }
                        }
                    }
                }
            }
        }
        // Nothing defines an option: its default is its definition (lib/modules.nix gives it
        // mkOptionDefault's priority, 1500). For a set of submodules (`attrsOf (submodule …)`
        // with `default = { a = { … }; }`) that makes the default's names the elements, each
        // with its own options' defaults.
        if out.is_empty()
            && let Some(def) = self.default_def(sys, path)
        {
            self.expand(def, &mut out, 0);
        }
        out
    }

    /// The default of the option declared at `path`, as a definition.
    fn default_def(&mut self, sys: usize, path: &[Rc<str>]) -> Option<Def> {
        if path.is_empty() {
            return None;
        }
        let decls = self.decl_at(sys, path);
        decls.iter().find_map(|d| match &d.kind {
            Val::Option(o) => o.get("default").map(|b| Def {
                value: b.value.clone(),
                at: b.at,
                prio: 1500,
                order: DEFAULT_ORDER,
                conds: Vec::new(),
            }),
            _ => None,
        })
    }

    /// The definitions one level below `path`, by attribute name.
    fn children_at(&mut self, sys: usize, path: &[Rc<str>]) -> Rc<Children> {
        if let Some(c) = self.systems[sys].children_cache.get(path) {
            return c.clone();
        }
        let defs = self.defs_at(sys, path).to_vec();
        let mut children = Children::default();
        for (def, v) in self.unified(sys, path, defs).iter() {
            match &v.kind {
                Val::Attrs(a) => {
                    for (k, b) in a.map.iter() {
                        let child = Def {
                            value: b.value.clone(),
                            at: b.at.or(def.at),
                            ..def.clone()
                        };
                        children.by_key.entry(k.clone()).or_default().push(child);
                    }
                    if a.partial {
                        children.any_key.push(AnyKey::Unknown(def.clone()));
                    }
                }
                Val::Config(c) => {
                    children
                        .any_key
                        .push(AnyKey::Config(def.clone(), c.system, c.path.clone()))
                }
                Val::Unknown | Val::Undefined => {
                    children.any_key.push(AnyKey::Unknown(def.clone()))
                }
                _ => {}
            }
        }
        let children = Rc::new(children);
        // Only what was built from final definitions is kept.
        if self.systems[sys].defs_cache.contains_key(path) {
            self.systems[sys]
                .children_cache
                .insert(path.to_vec(), children.clone());
        }
        children
    }

    /// Decides conditions: drops definitions whose mkIf is false, marks unknown ones uncertain,
    /// and keeps the highest priority.
    fn leaves(&mut self, defs: &[(Def, V)]) -> Vec<Leaf> {
        let mut out: Vec<(i64, Leaf)> = Vec::new();
        for (def, value) in defs {
            let value = value.clone();
            let mut certain = true;
            let mut dropped = false;
            let mut undecided_at = None;
            for c in &def.conds {
                let cv = self.force(c);
                match cv.as_bool() {
                    Some(true) => {}
                    Some(false) => {
                        dropped = true;
                        break;
                    }
                    None => {
                        certain = false;
                        undecided_at = undecided_at.or(cv.at);
                    }
                }
            }
            if !dropped {
                out.push((
                    def.prio,
                    Leaf {
                        value,
                        at: def.at,
                        order: def.order,
                        certain,
                        undecided_at,
                    },
                ));
            }
        }
        let Some(best) = out.iter().map(|(p, _)| *p).min() else {
            return Vec::new();
        };
        let mut leaves: Vec<Leaf> = out
            .into_iter()
            .filter(|(p, _)| *p == best)
            .map(|(_, l)| l)
            .collect();
        leaves.sort_by_key(|l| l.order);
        leaves
    }

    /// The option declaration (mkOption) at `path`, or a set of declarations under it.
    /// Is `path` a name of an `attrsOf` that nothing defines? In Nix that attribute is not
    /// there (`config.x ? name` is false), unlike an option that merely has no value.
    pub fn is_absent_element(&mut self, sys: usize, path: &[Rc<str>]) -> bool {
        let element = self.decl_at(sys, path).iter().any(|d| match &d.kind {
            Val::Option(o) => o.get(ELEMENT).is_some(),
            _ => false,
        });
        element && self.defs_at(sys, path).is_empty()
    }

    /// Does a module of the configuration itself declare the option at `path`? (Modelled
    /// modules such as impermanence's are not read, so their options are never declared here.)
    pub fn declares_option(&mut self, sys: usize, path: &[Rc<str>]) -> bool {
        self.decl_at(sys, path)
            .iter()
            .any(|d| matches!(d.kind, Val::Option(_)))
    }

    /// Whether a module of the configuration declares an option at `path` (or options under
    /// it); false while the modules are still being collected (and that answer is not final).
    pub fn is_declared(&mut self, sys: usize, path: &[Rc<str>]) -> bool {
        if let Some(start) = self.systems[sys].collecting {
            self.cycle(start.saturating_sub(1));
            return false;
        }
        !self.decl_at(sys, path).is_empty()
    }

    fn decl_at(&mut self, sys: usize, path: &[Rc<str>]) -> Rc<Vec<V>> {
        if let Some(d) = self.systems[sys].decls_cache.get(path) {
            return d.clone();
        }
        let found: Vec<V> = match path.split_last() {
            None => self.systems[sys]
                .decls
                .clone()
                .iter()
                .map(|d| self.force(d))
                .collect(),
            Some((key, parent)) => {
                let mut found = Vec::new();
                // Sets of declarations, through their index by name: asking for each of N
                // names among N modules' declarations must not scan all of them each time.
                let index = self.decl_index(sys, parent);
                for t in index.by_key.get(key).into_iter().flatten() {
                    found.push(self.force(t));
                }
                for v in index.others.iter() {
                    if let Selected::Found(x) = self.select_key(v, key) {
                        found.push(x);
                    }
                }
                for v in self.decl_at(sys, parent).iter() {
                    match &v.kind {
                        Val::Attrs(_) => {}
                        // Below an option: what its type says (attrsOf, submodule).
                        Val::Option(o) => {
                            let Some(ty) = o.get("type").map(|b| b.value.clone()) else {
                                continue;
                            };
                            let ty = self.force(&ty);
                            match super::types::below(self, &ty) {
                                Below::Each(elem) => found.push(type_decl(elem)),
                                Below::Submodule(mods) => {
                                    for opts in self.submodule_options(sys, &mods, parent, 0) {
                                        if let Selected::Found(x) = self.select_key(&opts, key) {
                                            found.push(x);
                                        }
                                    }
                                }
                                Below::Nothing => {}
                            }
                        }
                        _ => {}
                    }
                }
                found
            }
        };
        let found = Rc::new(found);
        self.systems[sys]
            .decls_cache
            .insert(path.to_vec(), found.clone());
        found
    }

    /// The sets among the declarations at `path`, by the names they declare below it (their
    /// values not yet evaluated); sets whose missing names come from elsewhere (`rest`) apart.
    fn decl_index(&mut self, sys: usize, path: &[Rc<str>]) -> Rc<DeclIndex> {
        if let Some(d) = self.systems[sys].decl_index_cache.get(path) {
            return d.clone();
        }
        let mut index = DeclIndex::default();
        for v in self.decl_at(sys, path).iter() {
            if let Val::Attrs(a) = &v.kind {
                if a.rest.is_some() {
                    index.others.push(v.clone());
                    continue;
                }
                for (k, b) in a.map.iter() {
                    index
                        .by_key
                        .entry(k.clone())
                        .or_default()
                        .push(b.value.clone());
                }
            }
        }
        let index = Rc::new(index);
        if self.systems[sys].collecting.is_none() {
            self.systems[sys]
                .decl_index_cache
                .insert(path.to_vec(), index.clone());
        }
        index
    }

    /// Definitions at `path`, each definition of a submodule read as the module it is: its
    /// `config` (or its plain attributes), its imports', a function module called with the
    /// instance's arguments, as lib/modules.nix unifies modules.
    fn unified(&mut self, sys: usize, path: &[Rc<str>], defs: Vec<(Def, V)>) -> Vec<(Def, V)> {
        if !self.is_submodule(sys, path) {
            return defs;
        }
        let mut out = Vec::new();
        for (def, v) in defs {
            for part in self.module_config(sys, path, v, 0) {
                out.push((def.clone(), part));
            }
        }
        out
    }

    /// Is the option at `path` a submodule (declared here, or an element of attrsOf one)?
    fn is_submodule(&mut self, sys: usize, path: &[Rc<str>]) -> bool {
        let decls = self.decl_at(sys, path);
        for d in decls.iter() {
            if let Val::Option(o) = &d.kind
                && let Some(t) = o.get("type").map(|b| b.value.clone())
            {
                let ty = self.force(&t);
                if matches!(super::types::below(self, &ty), Below::Submodule(_)) {
                    return true;
                }
            }
        }
        false
    }

    /// What one definition of a submodule instance at `instance` defines, as lib/modules.nix
    /// reads a module: a function is called with the instance's arguments, a path imported,
    /// `{ config = …; options = …; }` gives its `config`, any other set is the configuration
    /// itself; `imports` add theirs.
    fn module_config(&mut self, sys: usize, instance: &[Rc<str>], v: V, depth: usize) -> Vec<V> {
        if depth > 8 {
            return vec![V::unknown()];
        }
        let mut m = v;
        if let Val::Path(p) = &m.kind {
            let p = (**p).clone();
            m = self.import(&p, m.at).0;
        }
        if matches!(m.kind, Val::Lambda(_) | Val::Prim(_)) {
            let args = self.instance_args(sys, instance);
            m = self.apply(m, args, None);
        }
        let Val::Attrs(a) = &m.kind else {
            return vec![m];
        };
        let a = a.clone();
        let mut out = Vec::new();
        if a.get("config").is_some() || a.get("options").is_some() {
            if let Some(c) = a.get("config") {
                out.push(self.force(&c.value.clone()));
            }
        } else {
            let mut rest = (*a).clone();
            for k in MODULE_KEYS {
                rest.map.remove(*k);
            }
            out.push(V::attrs(rest, m.at));
        }
        if let Some(imports) = a.get("imports") {
            let list = self.force(&imports.value.clone());
            match self.as_list(&list) {
                Some(items) => {
                    for item in items.iter() {
                        let item = self.force(item);
                        out.extend(self.module_config(sys, instance, item, depth + 1));
                    }
                }
                None => out.push(V::unknown()),
            }
        }
        out
    }

    /// The arguments of a submodule instance's function modules: the system's, with `name`
    /// (the instance's name) and `config` (the instance's view).
    fn instance_args(&mut self, sys: usize, instance: &[Rc<str>]) -> Thunk {
        let args = self.force(&self.systems[sys].args.clone());
        let mut args = self
            .as_attrs(&args)
            .map(|a| (*a).clone())
            .unwrap_or_default();
        if let Some(name) = instance.last() {
            args.set("name", ready(V::str(name, None)));
        }
        args.set("config", ready(V::config(sys, instance.to_vec())));
        ready(V::attrs(args, None))
    }

    /// The `options` of a submodule's modules, for the instance at `instance`: function
    /// modules get `name` (the instance's name) and `config` (the instance's view).
    fn submodule_options(
        &mut self,
        sys: usize,
        mods: &Thunk,
        instance: &[Rc<str>],
        depth: usize,
    ) -> Vec<V> {
        let mut out = Vec::new();
        if depth > 8 {
            return out;
        }
        let v = self.force(mods);
        let items: Vec<Thunk> = match self.as_list(&v) {
            Some(l) => l.to_vec(),
            None => vec![ready(v)],
        };
        let args = self.instance_args(sys, instance);
        for item in items {
            let mut m = self.force(&item);
            if let Val::Path(p) = &m.kind {
                let p = (**p).clone();
                m = self.import(&p, m.at).0;
            }
            if matches!(m.kind, Val::Lambda(_) | Val::Prim(_)) {
                m = self.apply(m, args.clone(), None);
            }
            if let Selected::Found(o) = self.select_key(&m, "options") {
                out.push(o);
            }
            if let Selected::Found(imports) = self.select_key(&m, "imports") {
                let t = ready(imports);
                out.extend(self.submodule_options(sys, &t, instance, depth + 1));
            }
        }
        out
    }

    /// The merged value of `config.<path>`: a lazy view for sets, the merged value otherwise,
    /// the declared default when nothing defines it, Unknown when it cannot be known.
    pub fn config_value(&mut self, sys: usize, path: &[Rc<str>]) -> V {
        if let Some(v) = self.systems[sys].memo.get(path) {
            return v.clone();
        }
        if let Some(start) = self.systems[sys].collecting {
            self.cycle(start.saturating_sub(1));
            return V::unknown();
        }
        if let Some(&frame) = self.systems[sys].active.get(path) {
            // Reading a value while computing it: infinite recursion in Nix.
            self.cycle(frame);
            return V::unknown();
        }
        let me = self.next_frame();
        self.systems[sys].active.insert(path.to_vec(), me);
        let (v, finished) = self.frame(|ev| ev.compute_config_value(sys, path));
        self.systems[sys].active.remove(path);
        if finished {
            self.systems[sys].memo.insert(path.to_vec(), v.clone());
        }
        v
    }

    fn compute_config_value(&mut self, sys: usize, path: &[Rc<str>]) -> V {
        // `config.home-manager.users.<name>.x` is the value of `x` in that user's home-manager
        // configuration (a submodule of its own, with home-manager's and the shared modules).
        if let [hm, users, name, rest @ ..] = path
            && (&**hm, &**users) == ("home-manager", "users")
            && self.systems[sys].scope == Scope::Nixos
            && self.systems[sys].externals.contains("home-manager")
        {
            return match self.home_manager_system(sys, name) {
                Some(user) if rest.is_empty() => V::config(user, Vec::new()),
                Some(user) => self.config_value(user, rest),
                None => V::unknown(),
            };
        }
        let view = || V::config(sys, path.to_vec());
        if self.systems[sys].scope == Scope::FlakeParts
            && super::flake_parts::is_deferred_module(path)
        {
            return view();
        }
        let defs = self.defs_at(sys, path);
        // An argument passed to modules (`_module.args.x`, home-manager's
        // `extraSpecialArgs.x`) is a value (types raw / attrs merge by `//`): not a set of the
        // configuration that a module not read could add names to.
        if is_module_argument(path) && !defs.is_empty() {
            let leaves = self.leaves(&defs);
            if let Some(last) = leaves.last()
                && leaves.iter().all(|l| l.certain)
            {
                return last.value.clone();
            }
        }
        // A submodule instance is a set, whatever form its definitions take (modules).
        if !defs.is_empty() && self.is_submodule(sys, path) {
            return view();
        }
        // A set is read lazily, its conditions decided only where each of its values is merged
        // (lib/modules.nix pushes mkIf down the same way): reading `config.my` must not decide
        // conditions that read `config.my.x`.
        let is_set = |v: &V| matches!(v.kind, Val::Attrs(_) | Val::Config(_));
        // A value from an input next to sets is a set whose names are not known.
        let is_external = |v: &V| matches!(v.kind, Val::External(_));
        if defs.iter().any(|(_, v)| is_set(v))
            && defs
                .iter()
                .all(|(_, v)| is_set(v) || v.is_unknown() || is_external(v))
        {
            return view();
        }
        let leaves = self.leaves(&defs);
        if leaves.is_empty() {
            let decls = self.decl_at(sys, path);
            for d in decls.iter() {
                if let Val::Option(o) = &d.kind {
                    return match o.get("default") {
                        Some(b) => {
                            let b = b.clone();
                            let v = self.force(&b.value);
                            // A default may itself be wrapped (mkDefault ...): unwrap it.
                            let mut expanded = Vec::new();
                            let def = Def {
                                value: ready(v),
                                at: b.at,
                                prio: 1500,
                                order: DEFAULT_ORDER,
                                conds: Vec::new(),
                            };
                            self.expand(def, &mut expanded, 0);
                            let leaves = self.leaves(&expanded);
                            // A set default is not a definition of the names below it: the
                            // lazy view would find nothing there (every name Undefined). Unless
                            // the type is a submodule (whose own option defaults the view
                            // reads), the default set itself is the value.
                            let structured = match o.get("type").map(|t| t.value.clone()) {
                                Some(t) => {
                                    let ty = self.force(&t);
                                    match super::types::below(self, &ty) {
                                        Below::Submodule(_) => true,
                                        // attrsOf submodule (or of sets of them): the elements'
                                        // own defaults are read through the view.
                                        Below::Each(elem) => !matches!(
                                            super::types::below(self, &elem),
                                            Below::Nothing
                                        ),
                                        Below::Nothing => false,
                                    }
                                }
                                None => false,
                            };
                            if !structured
                                && leaves.len() == 1
                                && leaves[0].certain
                                && matches!(leaves[0].value.kind, Val::Attrs(_) | Val::Config(_))
                            {
                                return leaves[0].value.clone();
                            }
                            self.merge_leaves(leaves, view)
                        }
                        // An element of attrsOf that nothing defines does not exist.
                        None if o.get(ELEMENT).is_some() => V::undefined(),
                        // A submodule with no definition is still a set of defaults.
                        None => match o.get("type").map(|t| t.value.clone()) {
                            Some(t) => {
                                let ty = self.force(&t);
                                match super::types::below(self, &ty) {
                                    Below::Submodule(_) | Below::Each(_) => view(),
                                    Below::Nothing => V::unknown(),
                                }
                            }
                            None => V::unknown(),
                        },
                    };
                }
            }
            if decls.iter().any(|d| matches!(d.kind, Val::Attrs(_))) {
                return view();
            }
            // Options of nixpkgs and home-manager whose values are known when unset.
            let dotted = path.iter().map(|p| &**p).collect::<Vec<_>>().join(".");
            let scope = self.systems[sys].scope;
            if let Some(v) = self.unset_value(sys, scope, &dotted) {
                return v;
            }
            // On the way to such an option (`config.networking` for
            // `config.networking.networkmanager.enable`): a set, read lazily.
            if knowledge::is_above_known(scope, &dotted) {
                return view();
            }
            return V::undefined();
        }
        self.merge_leaves(leaves, view)
    }

    /// The value NixOS gives an option the configuration neither declares nor defines, from
    /// the knowledge base: true when an option that sets it is on, else its default. None when
    /// the knowledge base does not know the option.
    fn unset_value(&mut self, sys: usize, scope: Scope, option: &str) -> Option<V> {
        let unset = knowledge::unset(scope, option)?;
        let imported = &self.systems[sys].nixpkgs_imports;
        if unset
            .set_by_import
            .iter()
            .any(|m| imported.iter().any(|i| i.ends_with(m.as_str())))
        {
            return Some(V::bool(true));
        }
        let mut unknown = unset.default.is_none();
        for setter in unset.set_by {
            let p: Vec<Rc<str>> = setter.split('.').map(Rc::from).collect();
            let v = self.config_value(sys, &p);
            match v.kind {
                Val::Bool(true) => return Some(V::bool(true)),
                // Not set, or off: does not set this one.
                Val::Bool(false) | Val::Undefined => {}
                _ => unknown = true,
            }
        }
        Some(match unset.default {
            Some(d) if !unknown => toml_value(&d),
            _ => V::unknown(),
        })
    }

    fn merge_leaves(&mut self, leaves: Vec<Leaf>, view: impl Fn() -> V) -> V {
        if leaves.is_empty() {
            return V::unknown();
        }
        let is_set = |v: &V| matches!(v.kind, Val::Attrs(_) | Val::Config(_));
        if leaves.iter().all(|l| {
            is_set(&l.value)
                || (l.value.is_unknown() && !l.certain)
                || matches!(l.value.kind, Val::External(_))
        }) && leaves.iter().any(|l| is_set(&l.value))
        {
            return view();
        }
        if leaves
            .iter()
            .all(|l| matches!(l.value.kind, Val::List(_)) || !l.certain || l.value.is_unknown())
        {
            let mut items = Vec::new();
            let mut at = None;
            let mut any_list = false;
            for l in &leaves {
                match (&l.value.kind, l.certain) {
                    (Val::List(xs), true) => {
                        any_list = true;
                        at = at.or(l.value.at).or(l.at);
                        items.extend(xs.iter().cloned());
                    }
                    // Unknown items remember the condition or definition they came from.
                    _ => items.push(ready(V::new(
                        Val::Unknown,
                        l.undecided_at.or(l.value.at).or(l.at),
                    ))),
                }
            }
            if any_list {
                return V::list(items, at);
            }
        }
        if let Some(l) = leaves.iter().find(|l| !l.certain) {
            // Unknown where the condition that could not be decided is written.
            return V::new(Val::Unknown, l.undecided_at.or(l.value.at).or(l.at));
        }
        if leaves.len() > 1 && leaves.iter().all(|l| matches!(l.value.kind, Val::Str(_))) {
            // types.lines: definitions joined by newlines, in order.
            let text: Vec<&str> = leaves.iter().filter_map(|l| l.value.as_str()).collect();
            return V::str(&text.join("\n"), leaves[0].value.at.or(leaves[0].at));
        }
        let first = &leaves[0];
        V::new(first.value.kind.clone(), first.value.at.or(first.at))
    }

    /// The home-manager module system of user `name` of the NixOS system `sys`: the user's
    /// definitions (one that cannot be evaluated is a blind spot where it is written), the
    /// shared modules, `extraSpecialArgs`, and `osConfig`. Made once; None while it is being
    /// made (a user's configuration that reads itself through the NixOS one).
    pub fn home_manager_system(&mut self, sys: usize, name: &str) -> Option<usize> {
        if let Some(made) = self.systems[sys].hm_systems.get(name) {
            return *made;
        }
        self.systems[sys].hm_systems.insert(name.into(), None);
        let base: Vec<Rc<str>> = vec!["home-manager".into(), "users".into(), name.into()];
        let mut modules: Vec<Thunk> = Vec::new();
        for (value, at) in self.config_defs_at(sys, &base) {
            if self.force(&value).is_unknown() {
                let what = format!(
                    "a definition of home-manager.users.{name} that could not be evaluated"
                );
                self.note_unread(what, at);
                continue;
            }
            modules.push(value);
        }
        let shared = self.config_value(sys, &["home-manager".into(), "sharedModules".into()]);
        if let Some(list) = self.as_list(&shared) {
            modules.extend(list.iter().cloned());
        }
        let extra = self.config_value(sys, &["home-manager".into(), "extraSpecialArgs".into()]);
        let mut args = self
            .as_attrs(&extra)
            .map(|a| (*a).clone())
            .unwrap_or_default();
        args.partial = false;
        args.rest = None;
        for key in ["osConfig", "nixosConfig"] {
            let os = V::config(sys, Vec::new());
            args.set(key, ready(os));
        }
        let user = self.new_system(modules, args, Scope::HomeManager);
        self.systems[sys].hm_systems.insert(name.into(), Some(user));
        Some(user)
    }

    /// The names defined (or declared) under `path`, and whether that list is complete.
    pub fn config_names(&mut self, sys: usize, path: &[Rc<str>]) -> (Vec<Rc<str>>, bool) {
        let mut names: BTreeMap<Rc<str>, ()> = BTreeMap::new();
        let mut complete = true;
        let defs = self.live_defs(sys, path);
        for (_, v) in self.unified(sys, path, defs) {
            match &v.kind {
                Val::Attrs(a) => {
                    complete &= !a.partial;
                    names.extend(a.map.keys().map(|k| (k.clone(), ())));
                }
                Val::Config(c) => {
                    let (s, p) = (c.system, c.path.clone());
                    let (more, ok) = self.config_names(s, &p);
                    complete &= ok;
                    names.extend(more.into_iter().map(|k| (k, ())));
                }
                _ => complete = false,
            }
        }
        for d in self.decl_at(sys, path).iter() {
            if let Val::Attrs(a) = &d.kind {
                names.extend(a.map.keys().map(|k| (k.clone(), ())));
            }
        }
        (
            names.into_keys().collect(),
            complete && !self.systems[sys].incomplete,
        )
    }

    /// Where the first definition of `path` whose names could not be computed was written: what
    /// a "partly" blind spot points at, rather than the first definition of the option.
    pub fn unknown_names_at(&mut self, sys: usize, path: &[Rc<str>]) -> Option<Span> {
        for (def, v) in self.live_defs(sys, path) {
            match &v.kind {
                Val::Attrs(a) if !a.partial => {}
                Val::Config(c) => {
                    let (s, p) = (c.system, c.path.clone());
                    if let Some(at) = self.unknown_names_at(s, &p) {
                        return Some(at);
                    }
                }
                _ => return v.at.or(def.at),
            }
        }
        None
    }

    /// The definitions of `path` that no mkIf known to be false leaves out.
    fn live_defs(&mut self, sys: usize, path: &[Rc<str>]) -> Vec<(Def, V)> {
        let defs = self.defs_at(sys, path);
        let mut out = Vec::new();
        for (def, v) in defs.iter() {
            if !def
                .conds
                .iter()
                .any(|c| self.force(c).as_bool() == Some(false))
            {
                out.push((def.clone(), v.clone()));
            }
        }
        out
    }

    /// The definitions of `path` as values (for submodules evaluated as module systems of their
    /// own, such as home-manager.users.<name>). Definitions under a false mkIf are left out.
    pub fn config_defs(&mut self, sys: usize, path: &[Rc<str>]) -> Vec<Thunk> {
        self.config_defs_at(sys, path)
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    }

    /// Like [`Eval::config_defs`], with where each definition was written.
    pub fn config_defs_at(&mut self, sys: usize, path: &[Rc<str>]) -> Vec<(Thunk, Option<Span>)> {
        let mut out = Vec::new();
        for (def, v) in self.live_defs(sys, path) {
            out.push((ready(v.clone()), v.at.or(def.at)));
        }
        out
    }

    /// `options.<path>.<key>`: the option's value, whether it is defined, its definitions;
    /// any other name is a level further down.
    pub fn option_attr(&mut self, sys: usize, mut path: Vec<Rc<str>>, key: &str) -> V {
        match key {
            "value" => self.config_value(sys, &path),
            "isDefined" => {
                let defs = self.config_defs_at(sys, &path);
                if defs.is_empty() {
                    V::bool(false)
                } else if defs.iter().any(|(t, _)| self.force(t).is_unknown()) {
                    V::unknown()
                } else {
                    V::bool(true)
                }
            }
            "definitions" => {
                let defs = self.config_defs(sys, &path);
                V::list(defs, None)
            }
            _ => {
                path.push(key.into());
                V::new(Val::Options(Rc::new(ConfigRef { system: sys, path })), None)
            }
        }
    }

    /// Where `path` was defined: the first certain definition's binding.
    pub fn config_def_at(&mut self, sys: usize, path: &[Rc<str>]) -> Option<Span> {
        let defs = self.defs_at(sys, path);
        defs.iter()
            .find(|(d, _)| d.conds.is_empty())
            .or(defs.first())
            .and_then(|(d, _)| d.at)
    }
}

/// A value of the knowledge base (TOML) as a Nix value.
fn toml_value(v: &toml::Value) -> V {
    match v {
        toml::Value::Boolean(b) => V::bool(*b),
        toml::Value::String(s) => V::str(s, None),
        toml::Value::Integer(i) => V::new(Val::Int(*i), None),
        toml::Value::Array(items) => {
            V::list(items.iter().map(|i| ready(toml_value(i))).collect(), None)
        }
        toml::Value::Table(t) => {
            let mut a = Attrs::default();
            for (k, v) in t {
                a.set(k, ready(toml_value(v)));
            }
            V::attrs(a, None)
        }
        // The knowledge base has no floats or dates; a test keeps it so.
        _ => V::unknown(),
    }
}
