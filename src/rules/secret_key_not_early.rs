//! IMP205: sops-nix or agenix keys that are not readable when secrets are installed.

use super::{Context, Sink};
use crate::facts::Fact;
use crate::timeline::Installer;

pub fn check(cx: &Context, out: &mut Sink) {
    let mut keys: Vec<(&str, &Fact<String>)> = Vec::new();
    // With useSystemdActivation, sops-install-secrets.service runs early in stage 2 without
    // waiting for local-fs.target, so the same filesystems are available as at activation.
    let sops_when = match &cx.host.sops {
        Some(s) if s.use_systemd_activation.is_true() => {
            "when sops-install-secrets.service runs (before local-fs.target)"
        }
        _ => "when secrets are installed at activation",
    };
    // A key only matters when there are secrets to decrypt (sops-nix and agenix do nothing
    // without them); not known whether there are: no finding.
    let has_secrets = |c: &crate::facts::Collection<Fact<String>>| !c.items.is_empty();
    if let Some(s) = cx
        .host
        .sops
        .as_ref()
        .filter(|s| has_secrets(&s.secret_paths))
    {
        keys.extend(s.age_key_file.iter().map(|k| ("sops.age.keyFile", k)));
        keys.extend(
            s.age_ssh_key_paths
                .iter()
                .map(|k| ("sops.age.sshKeyPaths", k)),
        );
        keys.extend(s.gnupg_home.iter().map(|k| ("sops.gnupg.home", k)));
        keys.extend(
            s.gnupg_ssh_key_paths
                .iter()
                .map(|k| ("sops.gnupg.sshKeyPaths", k)),
        );
    }
    if let Some(a) = cx
        .host
        .agenix
        .as_ref()
        .filter(|a| has_secrets(&a.secret_paths))
    {
        keys.extend(a.identity_paths.iter().map(|k| ("age.identityPaths", k)));
    }
    let sops_date = cx
        .host
        .versions
        .sops_nix
        .as_ref()
        .and_then(|p| p.date.as_deref());
    for (option, key) in keys {
        let Some(path) = key.as_str() else { continue };
        // Who reads the key, and how: at activation, or in sops-nix's unit.
        let (installer, systemd_unit, when) = match &cx.host.sops {
            Some(s) if option.starts_with("sops") => match s.use_systemd_activation.value {
                Some(v) => (Installer::Sops, v, sops_when),
                // Not known how sops-nix installs: not known when the key is read.
                None => continue,
            },
            _ => (
                Installer::Agenix,
                false,
                "when secrets are installed at activation",
            ),
        };
        let Some(needed) =
            crate::timeline::secrets_installed(installer, systemd_unit, false, sops_date)
        else {
            continue;
        };
        let Some(reason) = cx.analysis.not_early_reason(path, needed) else {
            continue;
        };
        let storage_hint = cx
            .analysis
            .storage_path(path)
            .map(|real| format!("point {option} at the real file {real}, "))
            .unwrap_or_default();
        out.report(
            key.at.as_ref(),
            format!(
                "{option} {path} is not readable {when}: {reason}; every secret fails to decrypt at boot"
            ),
            format!("{storage_hint}keep the key on a filesystem with neededForBoot = true"),
        );
    }
}
