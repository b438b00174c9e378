//! Resolved settings: `impermalint.toml` (found upward from the checked path) plus the command line.

use crate::diagnostic::Severity;
use crate::rules::Rule;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "impermalint.toml";

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Vec<String>>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    extra_etc: Vec<String>,
    #[serde(default)]
    skip: Vec<String>,
    #[serde(default)]
    allow_path: Vec<PathBuf>,
    #[serde(default)]
    inputs_from_store: bool,
    /// Absolute paths of the machine the configuration names, and the folders (relative to the
    /// config file) that hold them: `path-map = { "/etc/nixos" = "." }`.
    #[serde(default)]
    path_map: BTreeMap<String, PathBuf>,
}

#[derive(Debug, Default, Clone)]
pub struct Settings {
    /// Codes, code prefixes ("IMP1") or names; `None` selects every rule.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    /// More /etc paths NixOS writes on this configuration (IMP101, IMP103).
    pub extra_etc: Vec<String>,
    /// Source files to leave out of the check (globs, relative to the config file).
    pub skip: Vec<glob::Pattern>,
    pub skip_base: Option<PathBuf>,
    /// The config file that was read, if any.
    pub source: Option<PathBuf>,
    /// Folders besides the checked tree whose files may be read (relative to the config file).
    pub allow_path: Vec<PathBuf>,
    /// Read flake inputs locked in flake.lock from the local Nix store.
    pub inputs_from_store: bool,
    /// Report every finding, allow comments or not (`--no-suppress`).
    pub no_suppress: bool,
    /// Machine paths and the folders that hold them (as `--path-map`, relative to the config
    /// file).
    pub path_map: Vec<(PathBuf, PathBuf)>,
}

/// A config file error as `file:line:column: message (key `k`)`, like a compiler's.
fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> String {
    let (line, col) = match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            (line, col)
        }
        None => (1, 1),
    };
    // The message of a type error names the expected type but not the key; the key is the
    // start of the line the span points into.
    let key = text
        .lines()
        .nth(line - 1)
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim())
        .filter(|k| !k.is_empty() && !e.message().contains(&format!("`{k}`")));
    let msg = e.message().trim_end();
    match key {
        Some(k) => format!("{}:{line}:{col}: {msg} (key `{k}`)", path.display()),
        None => format!("{}:{line}:{col}: {msg}", path.display()),
    }
}

fn matches_rule(key: &str, rule: &Rule) -> bool {
    let key = key.trim();
    key.eq_ignore_ascii_case("all")
        || key == rule.name
        || (key.len() >= 3
            && rule
                .code
                .to_ascii_uppercase()
                .starts_with(&key.to_ascii_uppercase()))
}

/// Is `key` a code, a code prefix, a rule name or "all"?
pub fn is_valid_key(key: &str) -> bool {
    crate::rules::ALL.iter().any(|r| matches_rule(key, r))
}

impl Settings {
    /// What the config file lets a check read besides the checked tree.
    pub fn read_options(&self) -> crate::nix::inputs::ReadOptions {
        crate::nix::inputs::ReadOptions {
            allow: self.allow_path.clone(),
            inputs: crate::nix::inputs::InputOptions {
                overrides: Vec::new(),
                from_store: self.inputs_from_store,
            },
            path_map: self.path_map.clone(),
            parse_cache: None,
        }
    }

    pub fn is_selected(&self, rule: &Rule) -> bool {
        let selected = self
            .select
            .as_ref()
            .is_none_or(|s| s.iter().any(|k| matches_rule(k, rule)));
        selected && !self.ignore.iter().any(|k| matches_rule(k, rule))
    }

    pub fn severity_override(&self, rule: &Rule) -> Option<Severity> {
        self.severity
            .get(rule.code)
            .or_else(|| self.severity.get(rule.name))
            .copied()
    }

    pub fn is_skipped(&self, file: &Path) -> bool {
        let rel = match &self.skip_base {
            Some(base) => file.strip_prefix(base).unwrap_or(file),
            None => file,
        };
        self.skip.iter().any(|p| p.matches_path(rel))
    }

    /// Reads `impermalint.toml` from `start` or the nearest folder above it, up to the top of
    /// the git work tree that holds `start` (never from folders above the checked tree).
    pub fn discover(start: &Path) -> Result<Settings, String> {
        let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        let first = if start.is_dir() {
            start.as_path()
        } else {
            start.parent().unwrap_or(Path::new("/"))
        };
        let top = crate::access::git_work_tree(first).unwrap_or_else(|| first.to_path_buf());
        let mut dir = Some(first);
        while let Some(d) = dir {
            let candidate = d.join(CONFIG_FILE);
            if candidate.is_file() {
                return Settings::load(&candidate);
            }
            if d == top {
                break;
            }
            dir = d.parent();
        }
        Ok(Settings::default())
    }

    pub fn load(path: &Path) -> Result<Settings, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let raw: RawConfig = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
        let here = path.parent().unwrap_or(Path::new("."));
        let mut settings = Settings {
            allow_path: raw.allow_path.iter().map(|p| here.join(p)).collect(),
            inputs_from_store: raw.inputs_from_store,
            select: raw.select,
            ignore: raw.ignore,
            extra_etc: raw.extra_etc,
            skip_base: path.parent().map(Path::to_path_buf),
            source: Some(path.to_path_buf()),
            ..Settings::default()
        };
        for key in settings.select.iter().flatten().chain(&settings.ignore) {
            if !is_valid_key(key) {
                return Err(format!(
                    "{}: unknown rule `{key}` in select/ignore",
                    path.display()
                ));
            }
        }
        for (key, sev) in raw.severity {
            let rule = crate::rules::find(&key)
                .ok_or_else(|| format!("{}: unknown rule `{key}` in [severity]", path.display()))?;
            let sev = Severity::parse(&sev).ok_or_else(|| {
                format!(
                    "{}: severity of {key} must be error, warning or info, not `{sev}`",
                    path.display()
                )
            })?;
            settings.severity.insert(rule.code.to_string(), sev);
        }
        for (from, to) in raw.path_map {
            if !from.starts_with('/') {
                return Err(format!(
                    "{}: path-map: `{from}` is not an absolute path (map a path of the machine, \
                     such as \"/etc/nixos\" = \".\")",
                    path.display()
                ));
            }
            settings.path_map.push((PathBuf::from(from), here.join(to)));
        }
        for s in raw.skip {
            let pat = glob::Pattern::new(&s)
                .map_err(|e| format!("{}: bad skip pattern `{s}`: {e}", path.display()))?;
            settings.skip.push(pat);
        }
        Ok(settings)
    }
}
