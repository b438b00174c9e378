//! IMP101: a persisted directory at or above files NixOS writes into /etc.

use super::etc_targets::{etc_files, hidden_by};
use super::{Context, Sink, list_some};
use crate::facts::EntryKind;
use crate::facts::path::is_at_or_under;

/// Files NixOS writes to /etc that only interactive clients read.
const CLIENT_ONLY: &[&str] = &["/etc/ssh/ssh_config", "/etc/ssh/ssh_known_hosts"];

pub fn check(cx: &Context, out: &mut Sink) {
    let written = etc_files(cx.host, cx.settings);
    for p in cx
        .analysis
        .persisted
        .iter()
        .filter(|p| p.kind == EntryKind::Dir)
    {
        if !is_at_or_under(&p.path, "/etc") {
            continue;
        }
        // Mounted in the initrd, the directory is there when activation writes /etc: nothing
        // is hidden. Not known when: no finding.
        if crate::timeline::in_time(cx.analysis.appears(p), crate::timeline::ETC_WRITTEN)
            != Some(false)
        {
            continue;
        }
        // Client defaults (ssh_config, ssh_known_hosts) are read by no service at boot, and
        // every switch writes their links through the mount into the storage: not a boot break.
        let hidden: Vec<_> = hidden_by(&written, &p.path)
            .into_iter()
            .filter(|w| !CLIENT_ONLY.contains(&w.path.as_str()))
            .collect();
        let Some(first) = hidden.first() else {
            continue;
        };
        let mut names: Vec<String> = hidden.iter().map(|w| w.path.clone()).collect();
        names.sort_unstable();
        names.dedup();
        let mut origins: Vec<&str> = hidden.iter().map(|w| w.origin.as_str()).collect();
        origins.sort_unstable();
        origins.dedup();
        let help = if p.path == "/etc/ssh" {
            "persist the host key files instead (/etc/ssh/ssh_host_ed25519_key and its .pub, plus \
             the rsa pair if you use it) and leave /etc/ssh to NixOS"
                .to_string()
        } else {
            format!(
                "persist only the files or subdirectories that hold state (for example \
                 {}/<state>) and leave {} to NixOS",
                p.path, p.path
            )
        };
        let d = out
            .report(
                p.at,
                format!(
                    "persisting the directory {} hides {}, which NixOS writes there (because of \
                     {}): the mount covers the generated files and the service starts without them",
                    p.path,
                    list_some(&names),
                    origins.join(", ")
                ),
                help,
            )
            .with_related(
                first.at,
                format!("{} is written because of this", first.path),
            );
        if p.path == "/etc/ssh" {
            d.fix = host_key_files(cx)
                .zip(p.at)
                .map(|(files, at)| crate::fix::Fix {
                    title: "Persist the SSH host key files instead of /etc/ssh".to_string(),
                    kind: crate::fix::FixKind::DirectoryToFiles {
                        at: at.clone(),
                        files,
                    },
                });
        }
    }
}

/// The host key files sshd uses (each key and its .pub), when all of them are known.
fn host_key_files(cx: &Context) -> Option<Vec<String>> {
    let keys = &cx.host.openssh.host_keys;
    if !keys.complete || keys.items.is_empty() {
        return None;
    }
    let mut files = Vec::new();
    for k in &keys.items {
        let path = k.path.as_str()?;
        files.push(path.to_string());
        files.push(format!("{path}.pub"));
    }
    Some(files)
}
