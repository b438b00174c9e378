//! The knowledge base of `rules/knowledge.toml`, read into the binary at build time.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const SOURCE: &str = include_str!("../rules/knowledge.toml");

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    #[default]
    Nixos,
    HomeManager,
    /// A flake-parts flake's own module system (`mkFlake`).
    FlakeParts,
}

/// One module description.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleInfo {
    /// The enable option; `None` means the module is active on every system.
    pub option: Option<String>,
    #[serde(default)]
    pub scope: Scope,
    pub default: Option<bool>,
    #[serde(default)]
    pub implies: Vec<String>,
    #[serde(default)]
    pub etc: Vec<String>,
    #[serde(default)]
    pub home: Vec<String>,
    #[serde(default)]
    pub state: Vec<String>,
    #[serde(default)]
    pub dynamic: Vec<String>,
    /// Home files written below a folder an option names instead, when it is set (zsh's
    /// `dotDir`).
    #[serde(default, rename = "home-dir")]
    pub home_dir: Option<HomeDir>,
    /// The module the facts were checked against.
    pub source: String,
}

/// `home` files that move below the folder an option names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomeDir {
    pub option: String,
    pub files: Vec<String>,
}

/// The value NixOS or home-manager gives an option that the configuration does not set, for
/// options that are not the enable flag of a `[[module]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OptionInfo {
    pub name: String,
    #[serde(default)]
    pub scope: Scope,
    /// The value when nothing sets it; absent: not known (a module may set it).
    pub default: Option<toml::Value>,
    /// Enable options that, when on, make a module of nixpkgs set this flag to true.
    #[serde(default)]
    pub set_by: Vec<String>,
    /// nixpkgs modules (paths below nixos/modules) that set this flag to true when imported.
    #[serde(default)]
    pub set_by_import: Vec<String>,
    /// The module the facts were checked against.
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    module: Vec<ModuleInfo>,
    #[serde(default)]
    option: Vec<OptionInfo>,
}

fn file() -> &'static File {
    static KB: OnceLock<File> = OnceLock::new();
    KB.get_or_init(|| {
        // The file is part of the binary and checked by a unit test, so this cannot fail at run time.
        toml::from_str::<File>(SOURCE).unwrap_or(File {
            module: Vec::new(),
            option: Vec::new(),
        })
    })
}

/// All module descriptions.
pub fn modules() -> &'static [ModuleInfo] {
    &file().module
}

/// What the knowledge base says about the value of `option` when the configuration does not
/// set it: its default (None: not known) and the enable options that turn it on.
pub struct Unset {
    pub default: Option<toml::Value>,
    pub set_by: Vec<&'static str>,
    pub set_by_import: &'static [String],
}

/// The value of an option nothing in the configuration sets, if the knowledge base knows the
/// option (an enable flag of a module, or an `[[option]]`).
pub fn unset(scope: Scope, option: &str) -> Option<Unset> {
    if !reached(scope, option).iter().any(|n| n.end) {
        return None;
    }
    let in_scope = modules().iter().filter(|m| m.scope == scope);
    // Modules whose enable flag implies this one set it too.
    let implied_by = in_scope
        .clone()
        .filter(|m| m.implies.iter().any(|i| i == option))
        .filter_map(|m| m.option.as_deref());
    if let Some(m) = in_scope
        .clone()
        .find(|m| m.option.as_deref() == Some(option))
    {
        return Some(Unset {
            default: m.default.map(toml::Value::Boolean),
            set_by: implied_by.collect(),
            set_by_import: &[],
        });
    }
    let o = file()
        .option
        .iter()
        .find(|o| o.scope == scope && name_matches(&o.name, option))?;
    Some(Unset {
        default: o.default.clone(),
        set_by: o
            .set_by
            .iter()
            .map(|s| s.as_str())
            .chain(implied_by)
            .collect(),
        set_by_import: &o.set_by_import,
    })
}

/// Does the option name `pattern` (where `*` stands for any one name) name `option`?
fn name_matches(pattern: &str, option: &str) -> bool {
    let (mut p, mut o) = (pattern.split('.'), option.split('.'));
    loop {
        match (p.next(), o.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == "*" || a == b => {}
            _ => return false,
        }
    }
}

/// The option names the knowledge base knows in one scope (enable flags of modules and
/// `[[option]]` names), as a tree of their segments: the reader asks about every option path it
/// reads and finds unset, so the answer must not cost a scan of the whole base.
#[derive(Default)]
struct Names {
    children: std::collections::HashMap<&'static str, Names>,
    /// A known name ends here.
    end: bool,
}

impl Names {
    fn insert(&mut self, name: &'static str) {
        let mut node = self;
        for seg in name.split('.') {
            node = node.children.entry(seg).or_default();
        }
        node.end = true;
    }

    /// The nodes `segs` leads to, a `*` segment of a known name matching any segment.
    fn walk<'a>(&'a self, segs: &[&str], out: &mut Vec<&'a Names>) {
        match segs.split_first() {
            None => out.push(self),
            Some((seg, rest)) => {
                for key in [*seg, "*"] {
                    if let Some(c) = self.children.get(key) {
                        c.walk(rest, out);
                    }
                    if *seg == "*" {
                        break;
                    }
                }
            }
        }
    }
}

fn names(scope: Scope) -> &'static Names {
    static NAMES: OnceLock<[Names; 3]> = OnceLock::new();
    let all = NAMES.get_or_init(|| {
        let mut all: [Names; 3] = Default::default();
        for m in modules() {
            if let Some(o) = m.option.as_deref() {
                all[m.scope as usize].insert(o);
            }
        }
        for o in &file().option {
            all[o.scope as usize].insert(&o.name);
        }
        all
    });
    &all[scope as usize]
}

/// The nodes of the known names that `dotted` leads to.
fn reached(scope: Scope, dotted: &str) -> Vec<&'static Names> {
    let segs: Vec<&str> = dotted.split('.').collect();
    let mut out = Vec::new();
    names(scope).walk(&segs, &mut out);
    out
}

/// Is `prefix` (dotted) the start of an option the knowledge base knows in `scope`?
pub fn is_above_known(scope: Scope, prefix: &str) -> bool {
    reached(scope, prefix)
        .iter()
        .any(|n| !n.children.is_empty())
}

/// Enable options of one scope, with the default the frontends assume when they are not set.
pub fn options(scope: Scope) -> impl Iterator<Item = (&'static str, Option<bool>)> {
    modules()
        .iter()
        .filter(move |m| m.scope == scope)
        .filter_map(|m| m.option.as_deref().map(|o| (o, m.default)))
}

/// Options whose being set moves a module's home files (`home-dir`), for the frontends to report
/// as flags: set or not.
pub fn home_dir_options(scope: Scope) -> impl Iterator<Item = &'static str> {
    modules()
        .iter()
        .filter(move |m| m.scope == scope)
        .filter_map(|m| m.home_dir.as_ref().map(|h| h.option.as_str()))
}

/// Which knowledge-base options are on, following `implies`, given the host's flags.
/// Returns, for every active module, the option that switched it on (None for always-on modules).
pub fn active_modules<F>(
    scope: Scope,
    enabled: &BTreeMap<String, F>,
    is_on: impl Fn(&F) -> bool,
) -> Vec<(&'static ModuleInfo, Option<&str>)> {
    let mut on: BTreeMap<&str, &str> = BTreeMap::new();
    for (opt, flag) in enabled {
        if is_on(flag) {
            on.insert(opt.as_str(), opt.as_str());
        }
    }
    // implies: a fixed point over a small graph.
    loop {
        let mut added = false;
        for m in modules().iter().filter(|m| m.scope == scope) {
            let Some(opt) = m.option.as_deref() else {
                continue;
            };
            if let Some(&origin) = on.get(opt) {
                for imp in &m.implies {
                    if !on.contains_key(imp.as_str()) {
                        on.insert(imp.as_str(), origin);
                        added = true;
                    }
                }
            }
        }
        if !added {
            break;
        }
    }
    modules()
        .iter()
        .filter(|m| m.scope == scope)
        .filter_map(|m| match m.option.as_deref() {
            None => Some((m, None)),
            Some(opt) => on.get(opt).map(|&origin| (m, Some(origin))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_and_what_lies_above_them() {
        let n = Scope::Nixos;
        assert!(is_above_known(n, "users"));
        assert!(is_above_known(n, "users.users"));
        // `users.users.*.homeMode`: any user name is on the way to it.
        assert!(is_above_known(n, "users.users.alice"));
        assert!(!is_above_known(n, "users.users.alice.homeMode"));
        assert!(!is_above_known(n, "environment.etc.foo"));
        assert!(unset(n, "users.users.alice.homeMode").is_some());
        assert!(unset(n, "users.mutableUsers").is_some());
        assert!(unset(n, "users.users.alice.shell").is_none());
        assert!(unset(n, "users").is_none());
        assert!(!is_above_known(Scope::HomeManager, "users.users"));
    }

    #[test]
    fn knowledge_base_parses() {
        let parsed: File = toml::from_str(SOURCE).expect("rules/knowledge.toml must parse");
        assert!(parsed.module.len() > 20);
        for m in &parsed.module {
            for e in &m.etc {
                assert!(!e.starts_with('/'), "etc entries are relative to /etc: {e}");
            }
            for s in &m.state {
                assert!(s.starts_with('/'), "state directories are absolute: {s}");
            }
            if m.scope == Scope::HomeManager {
                assert!(m.etc.is_empty() && !m.home.is_empty());
            }
        }
        let names: Vec<&str> = parsed
            .module
            .iter()
            .filter_map(|m| m.option.as_deref())
            .collect();
        for o in &parsed.option {
            assert!(
                !names.contains(&o.name.as_str()),
                "{} is a module's flag",
                o.name
            );
            assert!(!o.source.is_empty());
            if !o.set_by.is_empty() || !o.set_by_import.is_empty() {
                assert!(
                    matches!(o.default, Some(toml::Value::Boolean(_))),
                    "{}",
                    o.name
                );
            }
        }
    }

    #[test]
    fn unset_options_follow_implies_and_set_by() {
        let containers = unset(Scope::Nixos, "virtualisation.containers.enable").unwrap();
        assert_eq!(containers.default, Some(toml::Value::Boolean(false)));
        assert!(containers.set_by.contains(&"virtualisation.podman.enable"));
        let mutable = unset(Scope::Nixos, "users.mutableUsers").unwrap();
        assert_eq!(mutable.default, Some(toml::Value::Boolean(true)));
        assert!(unset(Scope::Nixos, "services.no-such-thing.enable").is_none());
        assert!(is_above_known(Scope::Nixos, "services.openssh"));
        assert!(!is_above_known(Scope::Nixos, "services.openssh.enable"));
        // `*` stands for one name.
        let mode = unset(Scope::Nixos, "users.users.jellyfin.homeMode").unwrap();
        assert_eq!(mode.default, Some(toml::Value::String("700".into())));
        assert!(unset(Scope::Nixos, "users.users.homeMode").is_none());
        assert!(is_above_known(Scope::Nixos, "users.users.jellyfin"));
    }

    #[test]
    fn implies_is_followed() {
        let mut enabled = BTreeMap::new();
        enabled.insert("virtualisation.podman.enable".to_string(), true);
        let active = active_modules(Scope::Nixos, &enabled, |b| *b);
        let containers = active
            .iter()
            .find(|(m, _)| m.option.as_deref() == Some("virtualisation.containers.enable"))
            .expect("podman implies containers");
        assert_eq!(containers.1, Some("virtualisation.podman.enable"));
    }
}
