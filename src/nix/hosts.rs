//! Host discovery in a flake: `nixosConfigurations` (built by `nixosSystem` under any alias,
//! `eval-config.nix`, mkHost helpers, or flake-parts' `flake.nixosConfigurations`) and colmena
//! hives. `self` is the flake's own outputs and folder; every input, declared or not, is an
//! external value named after it.

use super::eval::{Coerced, Eval, Selected};
use super::value::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

/// Nix system names, as flake-utils uses them for per-system outputs.
const SYSTEMS: &[&str] = &[
    "x86_64-linux",
    "aarch64-linux",
    "i686-linux",
    "armv7l-linux",
    "riscv64-linux",
    "x86_64-darwin",
    "aarch64-darwin",
];

/// One host to evaluate: its root modules and the extra arguments modules receive.
pub struct HostSpec {
    pub name: Option<String>,
    pub modules: Vec<Thunk>,
    pub special_args: Attrs,
    /// Why the host's module list could not be read, with where (then `modules` is empty).
    pub unreadable: Option<(String, Option<Span>)>,
}

impl HostSpec {
    fn unreadable(name: &str, why: String, at: Option<Span>) -> HostSpec {
        HostSpec {
            name: Some(name.to_string()),
            modules: Vec::new(),
            special_args: Attrs::default(),
            unreadable: Some((why, at)),
        }
    }
}

/// Input names of a flake and their URLs (empty when not written).
fn flake_inputs(ev: &mut Eval, flake: &V) -> BTreeMap<String, String> {
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
        out.insert(name.to_string(), url);
    }
    out
}

pub fn is_nixpkgs(name: &str, url: &str) -> bool {
    name.starts_with("nixpkgs")
        || name == "nixos"
        || name.starts_with("nixos-unstable")
        || name.starts_with("nixos-2")
        || is_nixpkgs_url(url)
}

/// A URL nixpkgs is fetched from: a flake input's, or a fetcher's (npins, niv, channels).
pub fn is_nixpkgs_url(url: &str) -> bool {
    url.contains("nixpkgs") || url.split(['/', ':', '?', '#', '=']).any(is_channel_name)
}

/// A nixpkgs channel or branch name: `nixos-unstable`, `nixos-24.05`, `nixos-24.05-small`
/// (not a repository whose name merely starts with `nixos-`: nixos-unified, nixos-hardware).
fn is_channel_name(part: &str) -> bool {
    part.strip_prefix("nixos-").is_some_and(|rest| {
        rest.starts_with("unstable") || rest.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// The flake's outputs, evaluated with its inputs and `self`. The thunks are kept alive by
/// `ev` (self refers back to the outputs weakly).
pub fn flake_outputs(ev: &mut Eval, dir: &Path) -> Option<V> {
    let (flake, _) = ev.import(&dir.join("flake.nix"), None);
    let inputs = flake_inputs(ev, &flake);
    ev.nixpkgs_inputs = inputs
        .iter()
        .filter(|(name, url)| is_nixpkgs(name, url))
        .map(|(k, _)| k.clone())
        .collect();
    ev.input_urls = inputs
        .iter()
        .filter(|(_, url)| !url.is_empty())
        .map(|(k, u)| (k.clone(), u.clone()))
        .collect();
    if !ev.nixpkgs_inputs.iter().any(|n| n == "nixpkgs") {
        ev.nixpkgs_inputs.push("nixpkgs".to_string());
    }
    // Every input by name (an input not declared, through follows or the registry, is
    // recognised by name like a declared one).
    let names = inputs.keys().map(|n| (n.clone(), n.clone())).collect();
    let (_, outputs) = flake_value(ev, &flake, dir, names, "input:")?;
    Some(ev.force(&outputs))
}

/// A flake's `self` and its outputs. `inputs` maps each input name to the name its external
/// value carries (`input:<name>`); other names are externals under `rest`.
fn flake_value(
    ev: &mut Eval,
    flake: &V,
    dir: &Path,
    inputs: BTreeMap<String, String>,
    rest: &str,
) -> Option<(Thunk, Thunk)> {
    let outputs_fn = match ev.select_key(flake, "outputs") {
        Selected::Found(v) => v,
        _ => return None,
    };
    let arg_cell: Thunk = ready(V::unknown());
    let outputs_thunk = {
        let (f, arg) = (outputs_fn.clone(), arg_cell.clone());
        lazy(move |ev: &mut Eval| ev.apply(f.clone(), arg.clone(), None))
    };
    let self_thunk = {
        let outputs = Rc::downgrade(&outputs_thunk);
        let (arg, dir) = (Rc::downgrade(&arg_cell), dir.to_path_buf());
        lazy(move |ev: &mut Eval| {
            let (Some(outputs), Some(arg)) = (outputs.upgrade(), arg.upgrade()) else {
                return V::unknown();
            };
            let out = ev.force(&outputs);
            let mut attrs = match ev.as_attrs(&out) {
                Some(a) => (*a).clone(),
                // Outputs that are not a set (yet): `self` still has its folder.
                None => Attrs {
                    partial: true,
                    ..Attrs::default()
                },
            };
            let put = |attrs: &mut Attrs, k: &str, value: Thunk| {
                attrs.map.insert(k.into(), Binding { value, at: None });
            };
            put(
                &mut attrs,
                "outPath",
                ready(V::new(Val::Path(Rc::new(dir.clone())), None)),
            );
            put(&mut attrs, "inputs", arg);
            put(&mut attrs, "outputs", outputs);
            put(&mut attrs, "_type", ready(V::str("flake", None)));
            V::attrs(attrs, None)
        })
    };
    let mut arg = Attrs {
        rest: Some(Rest::External(rest.into())),
        ..Attrs::default()
    };
    for (name, external) in inputs {
        let v = V::new(Val::External(format!("input:{external}").into()), None);
        arg.map.insert(
            name.as_str().into(),
            Binding {
                value: ready(v),
                at: None,
            },
        );
    }
    arg.set("self", self_thunk.clone());
    *arg_cell.0.borrow_mut() = ThunkState::Ready(V::attrs(arg, None));
    ev.keep_alive(outputs_thunk.clone());
    ev.keep_alive(arg_cell);
    ev.keep_alive(self_thunk.clone());
    Some((self_thunk, outputs_thunk))
}

/// The value an external name stands for, when it comes from a flake input whose source the
/// user let us read (`--input`, `--inputs-from-store`): `input:srvos.nixosModules.server`,
/// `input:srvos/nixos/server` (a path in it), `import input:x/module.nix`. None for anything
/// else (an application, an input that cannot be read).
pub fn external_source(ev: &mut Eval, name: &str) -> Option<V> {
    let (imported, name) = match name.strip_prefix("import ") {
        Some(n) => (true, n),
        None => (false, name),
    };
    let rest = name.strip_prefix("input:")?;
    let (selects, path) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if selects.contains(['(', ')', ' ', '"']) {
        return None;
    }
    let mut keys = selects.split('.');
    let input = keys.next()?;
    let mut v = input_value(ev, input)?;
    for key in keys {
        v = match ev.select_key(&v, key) {
            Selected::Found(x) => x,
            _ => return None,
        };
    }
    if path.is_none() && !imported {
        return Some(v);
    }
    // A path in the input (`"${input}/x.nix"`, `import input`): the module system imports it.
    let base = match &v.kind {
        Val::Path(b) => (**b).clone(),
        _ => match ev.select_key(&v, "outPath") {
            Selected::Found(V {
                kind: Val::Path(b), ..
            }) => (*b).clone(),
            _ => return None,
        },
    };
    let full = path.map_or(base.clone(), |p| base.join(p));
    Some(V::new(Val::Path(Rc::new(full)), None))
}

/// `import flake-compat { src = …; }` (edolstra's, lix's or nix-community's flake-compat,
/// fetched by URL): the flake in `src` as a set with `defaultNix`, `outputs` and `shellNix`.
/// A `src` whose folder can be read is read like an input (its own inputs stay external,
/// except nixpkgs); any other `src` stays the external value it is, so a module from it is
/// still named by where it comes from.
pub fn flake_compat(ev: &mut Eval, arg: Thunk, at: Option<Span>) -> V {
    let arg = ev.force(&arg);
    let src = match ev.select_key(&arg, "src") {
        Selected::Found(v) => v,
        _ => return V::unknown(),
    };
    let flake = match ev.coerce_to_string(&src) {
        Coerced::Str(dir) if dir.starts_with('/') => compat_flake(ev, Path::new(&dir)),
        Coerced::External(n) => Some(ready(V::new(Val::External(n.into()), src.at))),
        _ => None,
    };
    let Some(flake) = flake else {
        return V::unknown();
    };
    let mut out = Attrs::default();
    for key in ["defaultNix", "outputs", "shellNix"] {
        out.set(key, flake.clone());
    }
    V::attrs(out, at)
}

/// The flake in a folder read through flake-compat: its `self`.
fn compat_flake(ev: &mut Eval, dir: &Path) -> Option<Thunk> {
    if !has_flake(ev, dir) {
        return None;
    }
    let tag = dir.file_name()?.to_string_lossy().into_owned();
    read_flake(ev, dir, &tag, BTreeMap::new())
}

fn has_flake(ev: &Eval, dir: &Path) -> bool {
    ev.files.access.kind(&dir.join("flake.nix")).ok() == Some(crate::access::Kind::File)
}

/// The `self` of the flake in `dir`, read from outside the configuration. Its inputs are
/// named by `locked` (input name -> lock node). One the lock does not know is not read: a
/// nixpkgs is nixpkgs (never read, its lib is ours), anything else stays external under `tag`.
fn read_flake(
    ev: &mut Eval,
    dir: &Path,
    tag: &str,
    locked: BTreeMap<String, String>,
) -> Option<Thunk> {
    let (flake, _) = ev.import(&dir.join("flake.nix"), None);
    let mut names = BTreeMap::new();
    for (name, url) in flake_inputs(ev, &flake) {
        let external = match locked.get(&name) {
            Some(node) => node.clone(),
            None if is_nixpkgs(&name, &url) => "nixpkgs".to_string(),
            None => format!("?{tag}.{name}"),
        };
        names.insert(name, external);
    }
    names.extend(locked);
    for (name, external) in &names {
        if is_nixpkgs(name, "") && !ev.nixpkgs_inputs.contains(external) {
            ev.nixpkgs_inputs.push(external.clone());
        }
    }
    let (self_thunk, _) = flake_value(ev, &flake, dir, names, &format!("input:?{tag}."))?;
    Some(self_thunk)
}

/// An input read from its source: a flake's `self`, or the folder of a non-flake input. Once
/// per evaluation.
fn input_value(ev: &mut Eval, input: &str) -> Option<V> {
    if let Some(t) = ev.input_values.get(input).cloned() {
        return Some(ev.force(&t));
    }
    let files = ev.files;
    let dir = files.inputs.dir(input)?.to_path_buf();
    let thunk = if has_flake(ev, &dir) {
        let locked = files.inputs.children(input).cloned().unwrap_or_default();
        read_flake(ev, &dir, input, locked)?
    } else {
        ready(V::new(Val::Path(Rc::new(dir)), None))
    };
    ev.input_values.insert(input.to_string(), thunk.clone());
    Some(ev.force(&thunk))
}

/// The name under which hosts that may exist but could not be listed are reported.
pub const OTHER_HOSTS: &str = "nixosConfigurations.*";

/// The hosts of a flake, or why they could not be read.
pub fn flake_hosts(ev: &mut Eval, dir: &Path) -> Result<Vec<HostSpec>, String> {
    let outputs = flake_outputs(ev, dir).ok_or("flake.nix has no outputs function")?;
    let mut hosts = Vec::new();
    let mut found_set = false;
    let mut why = None;
    // What may define hosts that cannot be listed.
    let mut hidden: Vec<(String, Option<Span>)> = Vec::new();
    if let Val::Config(c) = &outputs.kind {
        for (what, at) in ev.systems[c.system].host_blind_spots.clone() {
            hidden.push((format!("hosts that the flake module {what} may define"), at));
        }
    }
    match ev.select_key(&outputs, "nixosConfigurations") {
        Selected::Found(configs) => match ev.as_attrs(&configs) {
            Some(attrs) => {
                found_set = true;
                for (name, b) in attrs.map.iter() {
                    let sys = ev.force(&b.value.clone());
                    // flake-utils' per-system sets (`nixosConfigurations.x86_64-linux`) are not
                    // hosts.
                    if SYSTEMS.contains(&&**name) && matches!(sys.kind, Val::Attrs(_)) {
                        continue;
                    }
                    hosts.push(system_spec(ev, name, &sys, b.at));
                }
                if attrs.partial && hosts.is_empty() {
                    return Err("the names of nixosConfigurations could not be evaluated".into());
                }
                // Some hosts were found, others may be hidden in what could not be evaluated
                // (a definition of nixosConfigurations from a library).
                if attrs.partial || matches!(attrs.rest, Some(Rest::External(_))) {
                    let at = match &configs.kind {
                        Val::Config(c) => {
                            let (sys, path) = (c.system, c.path.clone());
                            ev.unknown_names_at(sys, &path)
                        }
                        _ => configs.at,
                    };
                    hidden.push((
                        "hosts of nixosConfigurations whose names could not be evaluated".into(),
                        at,
                    ));
                }
            }
            None => why = Some(describe_unreadable("nixosConfigurations", &configs)),
        },
        Selected::Unknown => why = Some(describe_unreadable("the flake's outputs", &outputs)),
        Selected::Missing => {}
    }
    // clan-core builds a host from each `clan.machines.<name>` of the flake-parts flake (with
    // `machines/<name>/configuration.nix` when it exists).
    for (name, spec) in clan_hosts(ev, &outputs, dir) {
        found_set = true;
        match hosts
            .iter_mut()
            .find(|h| h.name.as_deref() == Some(name.as_str()))
        {
            Some(h) if h.unreadable.is_some() => *h = spec,
            Some(_) => {}
            None => hosts.push(spec),
        }
    }
    if let Selected::Found(hive) = ev.select_key(&outputs, "colmena")
        && let Some(attrs) = ev.as_attrs(&hive)
    {
        found_set = true;
        hosts.extend(colmena_hosts(ev, &attrs));
    }
    if !found_set {
        let hidden = hidden.into_iter().map(|(what, _)| what).collect::<Vec<_>>();
        return Err(why.unwrap_or_else(|| match hidden.is_empty() {
            true => "the flake has no nixosConfigurations".into(),
            false => hidden.join(", "),
        }));
    }
    // Said once, as a host of its own that was not read.
    if let Some((_, at)) = hidden.first() {
        let what = hidden.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>();
        hosts.push(HostSpec {
            name: Some(OTHER_HOSTS.to_string()),
            modules: Vec::new(),
            special_args: Attrs::default(),
            unreadable: Some((what.join(", "), *at)),
        });
    }
    Ok(hosts)
}

/// clan-core's machines, when the outputs come from a flake-parts flake that declares them.
fn clan_hosts(ev: &mut Eval, outputs: &V, dir: &Path) -> Vec<(String, HostSpec)> {
    let Val::Config(c) = &outputs.kind else {
        return Vec::new();
    };
    let sys = c.system;
    let base: Vec<Rc<str>> = vec!["clan".into(), "machines".into()];
    let (names, _) = ev.config_names(sys, &base);
    let mut out = Vec::new();
    for name in names {
        let mut path = base.clone();
        path.push(name.clone());
        let mut modules = vec![ready(V::new(
            Val::Config(Rc::new(ConfigRef { system: sys, path })),
            None,
        ))];
        let conventional = dir.join("machines").join(&*name).join("configuration.nix");
        if ev.files.access.kind(&conventional).ok() == Some(crate::access::Kind::File) {
            modules.push(ready(V::new(Val::Path(Rc::new(conventional)), None)));
        }
        out.push((
            name.to_string(),
            HostSpec {
                name: Some(name.to_string()),
                modules,
                special_args: Attrs::default(),
                unreadable: None,
            },
        ));
    }
    out
}

fn describe_unreadable(what: &str, v: &V) -> String {
    match &v.kind {
        Val::External(n) => format!("{what} come from `{n}`, which is not read without Nix"),
        _ => format!("{what} could not be evaluated without Nix"),
    }
}

/// A `nixosSystem { modules; specialArgs; }` value as a host.
fn system_spec(ev: &mut Eval, name: &str, sys: &V, at: Option<Span>) -> HostSpec {
    let Val::System(spec) = &sys.kind else {
        let why = match &sys.kind {
            Val::External(n) => {
                format!("nixosConfigurations.{name}: built by `{n}`, which is not read without Nix")
            }
            _ => format!("nixosConfigurations.{name}: could not be evaluated without Nix"),
        };
        return HostSpec::unreadable(name, why, sys.at.or(at));
    };
    let spec = spec.clone();
    let mut unreadable = None;
    let mut modules = match spec.get("modules").map(|m| ev.force(&m.value.clone())) {
        Some(m) => match ev.as_list(&m) {
            Some(list) => list.to_vec(),
            None => {
                unreadable = Some((
                    format!("the module list of host {name}"),
                    m.at.or(spec.get("modules").and_then(|b| b.at)),
                ));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    if let Some(extra) = spec.get("extraModules").map(|m| ev.force(&m.value.clone()))
        && let Some(list) = ev.as_list(&extra)
    {
        modules.extend(list.iter().cloned());
    }
    let mut special_args = match spec.get("specialArgs").map(|m| ev.force(&m.value.clone())) {
        Some(v) => ev.as_attrs(&v).map(|a| (*a).clone()).unwrap_or_default(),
        None => Attrs::default(),
    };
    // eval-config.nix's `lib` (an extended lib's nixosSystem passes itself) is the modules'
    // `lib`, unless specialArgs has one.
    if let Some(lib) = spec.get("lib") {
        special_args.map.entry("lib".into()).or_insert(lib.clone());
    }
    HostSpec {
        name: Some(name.to_string()),
        modules,
        special_args,
        unreadable,
    }
}

/// The hosts of a colmena `hive.nix` (a hive, or a function returning one), or why not.
pub fn hive_file_hosts(ev: &mut Eval, file: &Path) -> Result<Vec<HostSpec>, String> {
    let (mut v, _) = ev.import(file, None);
    // colmena calls it with no arguments: every default applies.
    if matches!(v.kind, Val::Lambda(_)) {
        v = ev.apply(v, ready(V::attrs(Attrs::default(), None)), None);
    }
    match ev.as_attrs(&v) {
        Some(attrs) => Ok(colmena_hosts(ev, &attrs)),
        None => Err(describe_unreadable("the hive in hive.nix", &v)),
    }
}

/// `colmena.lib.makeHive hive`: its `nodes` are nixosSystem-like hosts.
pub fn make_hive(ev: &mut Eval, hive: &Thunk, at: Option<Span>) -> V {
    let v = ev.force(hive);
    let Some(attrs) = ev.as_attrs(&v) else {
        return V::unknown();
    };
    let mut nodes = Attrs::default();
    for h in colmena_hosts(ev, &attrs) {
        let mut spec = Attrs::default();
        spec.map.insert(
            "modules".into(),
            Binding {
                value: ready(V::list(h.modules, at)),
                at,
            },
        );
        spec.map.insert(
            "specialArgs".into(),
            Binding {
                value: ready(V::attrs(h.special_args, at)),
                at,
            },
        );
        nodes.map.insert(
            h.name.unwrap_or_default().into(),
            Binding {
                value: ready(V::new(Val::System(Rc::new(spec)), at)),
                at,
            },
        );
    }
    let mut out = Attrs {
        partial: true,
        ..Attrs::default()
    };
    out.map.insert(
        "nodes".into(),
        Binding {
            value: ready(V::attrs(nodes, at)),
            at,
        },
    );
    V::attrs(out, at)
}

/// colmena's hive: every attribute but `meta` and `defaults` is a host module; `defaults`
/// applies to each; `meta.specialArgs` (and `meta.nodeSpecialArgs.<name>`) are their arguments.
fn colmena_hosts(ev: &mut Eval, hive: &Attrs) -> Vec<HostSpec> {
    let defaults = hive.get("defaults").map(|b| b.value.clone());
    let special_args = hive
        .get("meta")
        .map(|m| ev.force(&m.value.clone()))
        .and_then(|meta| match ev.select_key(&meta, "specialArgs") {
            Selected::Found(v) => ev.as_attrs(&v).map(|a| (*a).clone()),
            _ => None,
        })
        .unwrap_or_default();
    let node_args = hive
        .get("meta")
        .map(|m| ev.force(&m.value.clone()))
        .and_then(|meta| match ev.select_key(&meta, "nodeSpecialArgs") {
            Selected::Found(v) => ev.as_attrs(&v),
            _ => None,
        });
    let mut out = Vec::new();
    for (name, b) in hive.map.iter() {
        if matches!(&**name, "meta" | "defaults") {
            continue;
        }
        let mut args = special_args.clone();
        if let Some(extra) = node_args.as_ref().and_then(|n| n.get(name).cloned()) {
            let extra = ev.force(&extra.value);
            if let Some(extra) = ev.as_attrs(&extra) {
                for (k, v) in extra.map.iter() {
                    args.map.insert(k.clone(), v.clone());
                }
            }
        }
        out.push(HostSpec {
            name: Some(name.to_string()),
            modules: [colmena_options_module()]
                .into_iter()
                .chain(defaults.iter().cloned())
                .chain([b.value.clone()])
                .collect(),
            special_args: args,
            unreadable: None,
        });
    }
    out
}

/// The options colmena adds to every node (`deploymentOptions` in colmena's
/// src/nix/hive/options.nix), declared without their types and defaults: the reader only needs
/// to know they exist (`options ? deployment`).
fn colmena_options_module() -> Thunk {
    const DEPLOYMENT: &[&str] = &[
        "targetHost",
        "targetPort",
        "targetUser",
        "allowLocalDeployment",
        "buildOnTarget",
        "tags",
        "keys",
        "replaceUnknownProfiles",
        "privilegeEscalationCommand",
    ];
    let set = |pairs: Vec<(&str, V)>| {
        let mut a = Attrs::default();
        for (k, v) in pairs {
            a.map.insert(
                k.into(),
                Binding {
                    value: ready(v),
                    at: None,
                },
            );
        }
        V::attrs(a, None)
    };
    let option = || V::new(Val::Option(Rc::new(Attrs::default())), None);
    let deployment = set(DEPLOYMENT.iter().map(|k| (*k, option())).collect());
    ready(set(vec![(
        "options",
        set(vec![("deployment", deployment)]),
    )]))
}

#[cfg(test)]
mod tests {
    use super::is_nixpkgs_url;

    #[test]
    fn channels_are_nixpkgs_repositories_named_nixos_are_not() {
        for url in [
            "github:NixOS/nixpkgs/nixos-unstable",
            "https://nixos.org/channels/nixos-24.05/nixexprs.tar.xz",
            "channel:nixos-23.11",
            "https://github.com/NixOS/nixpkgs/archive/nixos-24.11-small.tar.gz",
        ] {
            assert!(is_nixpkgs_url(url), "{url}");
        }
        for url in [
            "github:srid/nixos-unified",
            "github:NixOS/nixos-hardware",
            "github:nix-community/nixos-wsl",
            "github:nix-community/nixos-generators",
        ] {
            assert!(!is_nixpkgs_url(url), "{url}");
        }
    }
}
