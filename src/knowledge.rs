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
    /// The module the facts were checked against.
    pub source: String,
}

#[derive(Debug, Deserialize)]
struct File {
    module: Vec<ModuleInfo>,
}

/// All module descriptions.
pub fn modules() -> &'static [ModuleInfo] {
    static KB: OnceLock<Vec<ModuleInfo>> = OnceLock::new();
    KB.get_or_init(|| {
        // The file is part of the binary and checked by a unit test, so this cannot fail at run time.
        toml::from_str::<File>(SOURCE)
            .map(|f| f.module)
            .unwrap_or_default()
    })
}

/// Enable options of one scope, with the default the frontends assume when they are not set.
pub fn options(scope: Scope) -> impl Iterator<Item = (&'static str, Option<bool>)> {
    modules()
        .iter()
        .filter(move |m| m.scope == scope)
        .filter_map(|m| m.option.as_deref().map(|o| (o, m.default)))
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
