//! The /etc files and home files NixOS and home-manager write, as IMP101/102/103 need them:
//! the configuration's own environment.etc / home.file entries plus what the knowledge base says
//! the enabled modules write.

use crate::facts::path::{is_at_or_under, join, normalize};
use crate::facts::{HomeUser, Host, Loc};
use crate::knowledge::{self, Scope};
use crate::settings::Settings;

/// A file some module writes, and what makes it appear.
pub struct Written<'h> {
    pub path: String,
    /// The option or entry that writes it ("services.openssh.enable", "environment.etc").
    pub origin: String,
    pub at: Option<&'h Loc>,
}

/// The written files at or below a persisted directory: what mounting it hides.
pub fn hidden_by<'w, 'h>(written: &'w [Written<'h>], dir: &str) -> Vec<&'w Written<'h>> {
    written
        .iter()
        .filter(|w| is_at_or_under(&w.path, dir))
        .collect()
}

/// Files NixOS writes under /etc (absolute paths).
pub fn etc_files<'h>(host: &'h Host, settings: &Settings) -> Vec<Written<'h>> {
    let mut out = Vec::new();
    for e in host.etc.iter().filter(|e| !e.enable.is_false()) {
        if let Some(path) = normalize(&format!("/etc/{}", e.target)) {
            out.push(Written {
                path,
                origin: format!("environment.etc.\"{}\"", e.target),
                at: e.at.as_ref(),
            });
        }
    }
    for (module, origin) in knowledge::active_modules(Scope::Nixos, &host.enabled, |f| f.is_true())
    {
        let at = origin
            .and_then(|o| host.enabled.get(o))
            .and_then(|f| f.at.as_ref());
        for etc in &module.etc {
            if let Some(path) = normalize(&format!("/etc/{etc}")) {
                let origin = origin.map_or_else(|| "NixOS itself".to_string(), str::to_string);
                out.push(Written { path, origin, at });
            }
        }
    }
    for extra in &settings.extra_etc {
        if let Some(path) = normalize(extra) {
            out.push(Written {
                path,
                origin: "impermalint.toml extra-etc".to_string(),
                at: None,
            });
        }
    }
    out
}

/// The home directory of a home-manager user.
pub fn home_dir(host: &Host, user: &HomeUser) -> Option<String> {
    if let Some(h) = user.home.as_str() {
        return normalize(h);
    }
    match host.users.users.iter().find(|u| u.name == user.name) {
        Some(u) if u.home.value.is_some() => u.home.as_str().and_then(normalize),
        _ => normalize(&format!("/home/{}", user.name)),
    }
}

/// Files home-manager writes for one user (absolute paths).
pub fn home_files<'h>(user: &'h HomeUser, home: &str) -> Vec<Written<'h>> {
    let mut out = Vec::new();
    for f in user.files.iter() {
        if let Some(path) = join(home, &f.target) {
            out.push(Written {
                path,
                origin: f.origin.clone(),
                at: f.at.as_ref(),
            });
        }
    }
    for (module, origin) in
        knowledge::active_modules(Scope::HomeManager, &user.enabled, |f| f.is_true())
    {
        let at = origin
            .and_then(|o| user.enabled.get(o))
            .and_then(|f| f.at.as_ref());
        // Files that go below a folder an option names when it is set (zsh's dotDir): at home
        // only when it is known not to be set.
        let moved = |rel: &String| {
            module.home_dir.as_ref().is_some_and(|d| {
                d.files.contains(rel) && user.enabled.get(&d.option).is_none_or(|f| !f.is_false())
            })
        };
        for rel in module.home.iter().filter(|r| !moved(r)) {
            if let Some(path) = join(home, rel) {
                out.push(Written {
                    path,
                    origin: origin.unwrap_or("home-manager").to_string(),
                    at,
                });
            }
        }
    }
    out
}
