//! IMP501: SSH host keys on the ephemeral root.

use super::{Context, Sink, list_some};

pub fn check(cx: &Context, out: &mut Sink) {
    let ssh = &cx.host.openssh;
    if !ssh.enable.is_true() || !cx.analysis.ephemeral.is_ephemeral() {
        return;
    }
    // Keys from the NixOS default have no location of their own: report them on `enable`.
    let mut groups: Vec<(Option<&crate::facts::Loc>, Vec<String>)> = Vec::new();
    for key in ssh.host_keys.iter() {
        let Some(path) = key.path.as_str() else {
            continue;
        };
        if cx.analysis.survives_reboot(path) != Some(false) {
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
            continue;
        }
        let at = key.path.at.as_ref().or(ssh.enable.at.as_ref());
        match groups.iter_mut().find(|(a, _)| *a == at) {
            Some((_, paths)) => paths.push(path.to_string()),
            None => groups.push((at, vec![path.to_string()])),
        }
    }
    for (at, paths) in groups {
        out.report(
            at,
            format!(
                "the SSH host key{} {} {} on the ephemeral root and not persisted: sshd makes new host keys at \
                 every boot and every client warns that the host key changed",
                if paths.len() > 1 { "s" } else { "" },
                list_some(&paths),
                if paths.len() > 1 { "are" } else { "is" },
            ),
            format!("persist the files {} (and their .pub)", list_some(&paths)),
        );
    }
}
