//! Pinned revisions from flake.lock, for version-dependent rules.

use crate::facts::{Pin, Versions};
use serde_json::Value;
use std::path::Path;

/// Days since 1970-01-01 to a civil date (proleptic Gregorian).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

pub fn date_of(unix: i64) -> String {
    let (y, m, d) = civil(unix.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Which well-known project an input is, from its name and its original url.
fn project(name: &str, node: &Value) -> Option<&'static str> {
    let original = node.get("original");
    let repo = original
        .and_then(|o| o.get("repo"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let url = original
        .and_then(|o| o.get("url"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let hay = format!("{name} {repo} {url}").to_ascii_lowercase();
    [
        "impermanence",
        "preservation",
        "home-manager",
        "sops-nix",
        "nixpkgs",
    ]
    .into_iter()
    .find(|p| hay.contains(p))
}

/// `lib.version` of the nixpkgs the lock pins as `nixpkgs` (as nixpkgs' flake computes it: the
/// release in lib/.version, then `.YYYYMMDD.shortrev` of the locked commit). The release is read
/// from the source when it is given, else from a release branch the input follows
/// (`nixos-25.05`, `nixpkgs-25.05-darwin`, `release-25.05`); on unstable it is not known.
pub fn nixpkgs_version(lock: &Value, source: Option<&str>) -> Option<String> {
    let nodes = &lock["nodes"];
    let root = lock["root"].as_str().unwrap_or("root");
    let key = nodes[root]["inputs"]["nixpkgs"].as_str()?;
    let node = &nodes[key];
    let release = match source {
        Some(text) => text.trim().to_string(),
        None => release_of_ref(node["original"]["ref"].as_str()?)?,
    };
    let locked = &node["locked"];
    let date = date_of(locked["lastModified"].as_i64()?).replace('-', "");
    let rev = locked["rev"].as_str()?;
    Some(format!("{release}.{date}.{}", rev.get(..7)?))
}

/// `25.05` from `nixos-25.05`, `nixos-25.05-small`, `nixpkgs-25.05-darwin`, `release-25.05`.
fn release_of_ref(r: &str) -> Option<String> {
    let rest = ["nixos-", "nixpkgs-", "release-"]
        .iter()
        .find_map(|p| r.strip_prefix(p))?;
    let release = rest.split('-').next()?;
    let (y, m) = release.split_once('.')?;
    let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    (digits(y) && digits(m)).then(|| release.to_string())
}

/// Reads the root inputs of `dir/flake.lock`; a missing or malformed lock gives no versions.
pub fn read(access: &crate::access::Access, dir: &Path) -> Versions {
    load(access, dir).map(|l| versions(&l)).unwrap_or_default()
}

/// `dir/flake.lock`, parsed; None when it is missing or malformed.
pub fn load(access: &crate::access::Access, dir: &Path) -> Option<Value> {
    let (_, bytes) = access.read(&dir.join("flake.lock")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The pins of the well-known projects among a lock's root inputs.
pub fn versions(lock: &Value) -> Versions {
    let mut v = Versions::default();
    let nodes = &lock["nodes"];
    let root = lock["root"].as_str().unwrap_or("root");
    let Some(inputs) = nodes[root]["inputs"].as_object() else {
        return v;
    };
    for (name, key) in inputs {
        let Some(key) = key.as_str() else { continue };
        let node = &nodes[key];
        let locked = &node["locked"];
        let pin = Pin {
            rev: locked["rev"].as_str().map(str::to_string),
            date: locked["lastModified"].as_i64().map(date_of),
        };
        let slot = match project(name, node) {
            Some("impermanence") => &mut v.impermanence,
            Some("preservation") => &mut v.preservation,
            Some("home-manager") => &mut v.home_manager,
            Some("sops-nix") => &mut v.sops_nix,
            Some("nixpkgs") if name == "nixpkgs" || v.nixpkgs.is_none() => &mut v.nixpkgs,
            _ => continue,
        };
        *slot = Some(pin);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nixpkgs_version_from_a_release_branch() {
        let lock = serde_json::json!({
            "root": "root",
            "nodes": {
                "root": {"inputs": {"nixpkgs": "nixpkgs_2"}},
                "nixpkgs_2": {
                    "locked": {"lastModified": 1_730_419_200, "rev": "445d861c6d31b4af0c79"},
                    "original": {"ref": "nixos-24.11-small"}
                }
            }
        });
        assert_eq!(
            nixpkgs_version(&lock, None).as_deref(),
            Some("24.11.20241101.445d861")
        );
        assert_eq!(
            nixpkgs_version(&lock, Some("25.05\n")).as_deref(),
            Some("25.05.20241101.445d861")
        );
        assert_eq!(release_of_ref("release-25.05").as_deref(), Some("25.05"));
        assert_eq!(release_of_ref("nixos-unstable"), None);
        assert_eq!(release_of_ref("nixpkgs-unstable"), None);
    }

    #[test]
    fn dates_from_unix_time() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(1_730_419_200), "2024-11-01");
        assert_eq!(date_of(951_782_400), "2000-02-29");
    }
}
