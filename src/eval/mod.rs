//! The eval frontend: the ground truth where Nix and nixpkgs are present. Runs `nix eval --json`
//! on a host's configuration through the shipped extractor (`extract.nix`), which returns facts
//! in the same schema the static frontend produces; then finds each fact's line in its file.

mod locate;
mod process;

use crate::access::Access;
use crate::app::Loaded;
use crate::facts::Host;
use crate::knowledge::{self, Scope};
use crate::source::SourceDb;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub use process::{NixError, nix_command};

/// The extractor, shipped in the binary.
pub const EXTRACT_NIX: &str = include_str!("extract.nix");

/// How to evaluate.
pub struct EvalOptions {
    /// Per host.
    pub timeout: Duration,
    /// Hosts evaluated at once.
    pub jobs: usize,
    /// Folders besides the checked tree whose files may be read (to place findings).
    pub allow: Vec<PathBuf>,
}

impl EvalOptions {
    /// Source files are read only inside the configuration's tree (or the current folder's,
    /// for a remote flake) and the allowed folders.
    fn access(&self, local: Option<&Path>) -> Result<Access, String> {
        let here = PathBuf::from(".");
        Access::for_check(local.unwrap_or(&here), &self.allow)
    }
}

impl Default for EvalOptions {
    fn default() -> Self {
        let jobs = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(4);
        EvalOptions {
            timeout: Duration::from_secs(600),
            jobs,
            allow: Vec::new(),
        }
    }
}

/// A Nix string literal.
fn nix_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The knowledge base's options as a Nix value, for the extractor.
fn knowledge_nix() -> String {
    let list = |scope| {
        knowledge::options(scope)
            .map(|(o, d)| {
                let d = d.map_or("null".to_string(), |b| b.to_string());
                format!("{{ option = {}; default = {d}; }}", nix_str(o))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let set_flags = knowledge::home_dir_options(Scope::HomeManager)
        .map(nix_str)
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "{{ nixos = [ {} ]; homeManager = [ {} ]; homeManagerSet = [ {set_flags} ]; }}",
        list(Scope::Nixos),
        list(Scope::HomeManager)
    )
}

/// `extract.nix` applied to a system `sys` (an expression with `config` and `options`).
fn extractor_call(sys: &str, name: Option<&str>) -> String {
    let name = name.map_or("null".to_string(), nix_str);
    format!(
        "(let extract = {EXTRACT_NIX}; in extract {{ config = ({sys}).config; options = ({sys}).options or {{ }}; name = {name}; knowledge = {}; }})",
        knowledge_nix()
    )
}

/// Splits `REF#HOST`.
pub fn split_flake_ref(reference: &str) -> (String, Option<String>) {
    match reference.rsplit_once('#') {
        Some((r, h)) if !h.is_empty() => (
            if r.is_empty() {
                ".".to_string()
            } else {
                r.to_string()
            },
            Some(h.to_string()),
        ),
        Some((r, _)) => (r.to_string(), None),
        None => (reference.to_string(), None),
    }
}

/// The local folder of a flake reference, when it is one (`.`, `./x`, `/abs`, `path:/abs`).
fn local_dir(reference: &str) -> Option<PathBuf> {
    let r = reference
        .strip_prefix("path:")
        .or_else(|| reference.strip_prefix("git+file://"))
        .unwrap_or(reference);
    let r = r.split('?').next().unwrap_or(r);
    let p = Path::new(r);
    (p.is_dir()).then(|| crate::nix::files::normalize_path(p))
}

fn progress(enabled: bool, text: &str) {
    if enabled {
        eprint!("\r\x1b[2Kimpermalint: {text}");
    }
}

/// `check --flake REF[#HOST]`.
pub fn load_flake(reference: &str, opts: &EvalOptions) -> Result<Loaded, String> {
    let (flake, host) = split_flake_ref(reference);
    // Nix reads a bare word as a registry name; a folder of that name here is what users mean.
    let is_bare = !flake.contains(':') && !flake.starts_with('.') && !flake.starts_with('/');
    let flake = if is_bare && Path::new(&flake).join("flake.nix").is_file() {
        format!("./{flake}")
    } else {
        flake
    };
    let dir = local_dir(&flake).or_else(|| {
        if is_bare {
            local_dir(&format!("./{flake}"))
        } else {
            None
        }
    });
    if let Some(d) = &dir
        && !d.join("flake.nix").is_file()
    {
        return Err(format!(
            "{}: no flake.nix in this folder (use `impermalint check {}` for a configuration without a flake)",
            d.display(),
            flake
        ));
    }
    if dir.is_none() && (flake.starts_with('.') || flake.starts_with('/')) {
        return Err(format!(
            "{flake}: no such folder (a flake reference is a folder with flake.nix or a flake URL)"
        ));
    }
    let names = match host {
        Some(h) => vec![h],
        None => {
            let out = nix_command()
                .eval_json(
                    &[
                        format!("{flake}#nixosConfigurations"),
                        "--apply".into(),
                        "builtins.attrNames".into(),
                    ],
                    opts.timeout,
                )
                .map_err(|e| e.describe(&format!("listing the hosts of {flake}")))?;
            let names: Vec<String> = serde_json::from_str(&out)
                .map_err(|e| format!("{flake}: unexpected output of nix eval: {e}"))?;
            if names.is_empty() {
                return Err(format!("{flake}: the flake has no nixosConfigurations"));
            }
            names
        }
    };
    let show = std::io::stderr().is_terminal();
    let done = AtomicUsize::new(0);
    let total = names.len();
    let eval_one = |name: &String| -> Result<Host, String> {
        progress(
            show,
            &format!(
                "evaluating {name} ({}/{total})",
                done.load(Ordering::Relaxed) + 1
            ),
        );
        let attr = format!("{flake}#nixosConfigurations.{}", nix_attr(name));
        let apply = format!("sys: {}", extractor_call("sys", Some(name)));
        let out = nix_command()
            .eval_json(&[attr, "--apply".into(), apply], opts.timeout)
            .map_err(|e| e.describe(&format!("evaluating {name}")))?;
        done.fetch_add(1, Ordering::Relaxed);
        serde_json::from_str::<Host>(&out).map_err(|e| {
            format!("{name}: the extractor's output does not fit the facts schema: {e}")
        })
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(|e| format!("cannot start evaluation threads: {e}"))?;
    let results: Vec<Result<Host, String>> = pool.install(|| {
        use rayon::prelude::*;
        names.par_iter().map(eval_one).collect()
    });
    if show {
        eprint!("\r\x1b[2K");
    }
    let mut hosts = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    let access = opts.access(dir.as_deref())?;
    finish(&mut hosts, dir.as_deref(), &access)
}

/// `check --file configuration.nix`: evaluated as `<nixpkgs/nixos>` would.
pub fn load_file(file: &Path, opts: &EvalOptions) -> Result<Loaded, String> {
    if !file.is_file() {
        return Err(format!("{}: no such file", file.display()));
    }
    let abs = crate::nix::files::normalize_path(file);
    // The extractor reads every option under tryEval, which would also swallow a missing
    // nixpkgs (every value unknown, "no findings"): find it first, and fail with Nix's message.
    nix_command()
        .eval_json(
            &[
                "--impure".into(),
                "--expr".into(),
                "builtins.toString <nixpkgs/nixos>".into(),
            ],
            opts.timeout,
        )
        .map_err(|e| e.describe("finding nixpkgs (<nixpkgs/nixos> on NIX_PATH)"))?;
    let sys = format!(
        "(import <nixpkgs/nixos> {{ configuration = {}; }})",
        nix_path(&abs)
    );
    let out = nix_command()
        .eval_json(
            &[
                "--impure".into(),
                "--expr".into(),
                extractor_call(&sys, None),
            ],
            opts.timeout,
        )
        .map_err(|e| e.describe(&format!("evaluating {}", file.display())))?;
    let host: Host = serde_json::from_str(&out)
        .map_err(|e| format!("the extractor's output does not fit the facts schema: {e}"))?;
    let dir = abs.parent().map(Path::to_path_buf);
    let access = opts.access(dir.as_deref())?;
    finish(&mut vec![host], dir.as_deref(), &access)
}

/// Places file-level locations (as `nix eval` and the NixOS module write them) on their lines,
/// and returns the sources read on the way.
pub fn place_locations(hosts: &mut [Host], local: Option<&Path>, access: &Access) -> SourceDb {
    let mut sources = SourceDb::confined(access.clone());
    let mut locator = locate::Locator::new(local, access.clone());
    for h in hosts.iter_mut() {
        locator.host(h);
    }
    for (path, text) in locator.texts() {
        sources.insert(path, text);
    }
    sources
}

fn finish(hosts: &mut Vec<Host>, local: Option<&Path>, access: &Access) -> Result<Loaded, String> {
    let versions = local
        .map(|d| crate::nix::flake_lock::read(access, d))
        .unwrap_or_default();
    for h in hosts.iter_mut() {
        h.versions = versions.clone();
    }
    let sources = place_locations(hosts, local, access);
    let base = local
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    Ok(Loaded {
        hosts: std::mem::take(hosts),
        sources,
        base,
    })
}

/// An attribute name as Nix accepts it after a dot.
fn nix_attr(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '\'')
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if plain {
        name.to_string()
    } else {
        nix_str(name)
    }
}

/// A path literal for an absolute path (quoted through a string when it has odd characters).
fn nix_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        s.into_owned()
    } else {
        format!("(/. + {})", nix_str(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flake_references() {
        assert_eq!(
            split_flake_ref(".#alpha"),
            (".".into(), Some("alpha".into()))
        );
        assert_eq!(
            split_flake_ref("#alpha"),
            (".".into(), Some("alpha".into()))
        );
        assert_eq!(split_flake_ref("github:o/r"), ("github:o/r".into(), None));
        assert_eq!(nix_attr("alpha"), "alpha");
        assert_eq!(nix_attr("my.host"), "\"my.host\"");
        assert_eq!(nix_str("a\"${b}"), "\"a\\\"\\${b}\"");
    }

    #[test]
    fn knowledge_becomes_a_nix_value() {
        let k = knowledge_nix();
        assert!(k.starts_with("{ nixos = [ { option = \""));
        assert!(k.contains("\"services.openssh.enable\"; default = false;"));
    }
}
