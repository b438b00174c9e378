//! IMP501: SSH host keys on the ephemeral root.

use super::{Context, Sink, list_some};
use crate::diagnostic::Severity;

pub fn check(cx: &Context, out: &mut Sink) {
    let ssh = &cx.host.openssh;
    if !ssh.enable.is_true() || !cx.analysis.ephemeral.is_ephemeral() {
        return;
    }
    // Keys from the NixOS default have no location of their own: report them on `enable`.
    let mut groups: Vec<(Option<&crate::facts::Loc>, Vec<String>)> = Vec::new();
    // Keys that survive: clients that know one of them keep connecting without a warning.
    let mut kept = Vec::new();
    for key in ssh.host_keys.iter() {
        let Some(path) = key.path.as_str() else {
            continue;
        };
        if cx.analysis.survives_reboot(path) != Some(false) {
            if cx.analysis.survives_reboot(path) == Some(true) {
                kept.push(path.to_string());
            }
            continue;
        }
        // A secret manager that installs the key there at every boot keeps it stable.
        let secrets = cx
            .host
            .sops
            .iter()
            .map(|s| &s.secret_paths)
            .chain(cx.host.agenix.iter().map(|a| &a.secret_paths));
        let mut placed = false;
        for c in secrets {
            placed |= c.items.iter().any(|p| p.as_str().is_none_or(|p| p == path)) || !c.complete;
        }
        if placed {
            kept.push(path.to_string());
            continue;
        }
        let at = key.path.at.as_ref().or(ssh.enable.at.as_ref());
        match groups.iter_mut().find(|(a, _)| *a == at) {
            Some((_, paths)) => paths.push(path.to_string()),
            None => groups.push((at, vec![path.to_string()])),
        }
    }
    for (at, paths) in groups {
        let (s, are) = if paths.len() > 1 {
            ("s", "are")
        } else {
            ("", "is")
        };
        let help = format!("persist the files {} (and their .pub)", list_some(&paths));
        if kept.is_empty() {
            out.report(
                at,
                format!(
                    "the SSH host key{s} {} {are} on the ephemeral root and not persisted: sshd makes \
                     new host keys at every boot and every client warns that the host key changed",
                    list_some(&paths),
                ),
                help,
            );
        } else {
            // The host keeps its identity through the persisted key; only clients that
            // negotiate this key type notice.
            out.report(
                at,
                format!(
                    "the SSH host key{s} {} {are} on the ephemeral root and not persisted (unlike {}): \
                     sshd makes a new one at every boot, and clients that recorded it warn that the \
                     host key changed",
                    list_some(&paths),
                    list_some(&kept),
                ),
                help,
            )
            .severity = Severity::Warning;
        }
    }
}
