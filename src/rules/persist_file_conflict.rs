//! IMP103: a persisted file that NixOS also writes.

use super::etc_targets::etc_files;
use super::{Context, Sink};
use crate::facts::EntryKind;

/// Written by NixOS when it creates users, before persisted files are linked.
const USER_DATABASE: &[&str] = &[
    "/etc/passwd",
    "/etc/group",
    "/etc/shadow",
    "/etc/subuid",
    "/etc/subgid",
];

pub fn check(cx: &Context, out: &mut Sink) {
    let written = etc_files(cx.host, cx.settings);
    for p in cx
        .analysis
        .persisted
        .iter()
        .filter(|p| p.kind == EntryKind::File)
    {
        if let Some(w) = written.iter().find(|w| w.path == p.path) {
            out.report(
                p.at,
                format!(
                    "{} is persisted, but NixOS also writes it ({}): one of the two replaces the other at \
                     every activation and the persisted copy never holds what you expect",
                    p.path, w.origin
                ),
                format!("stop persisting {}, or stop declaring it in the configuration", p.path),
            )
            .with_related(w.at, "NixOS writes it because of this");
            continue;
        }
        // Present before users are created (preservation's inInitrd) it is written into;
        // not known when: no finding.
        let Some(early) =
            crate::timeline::in_time(cx.analysis.appears(p), crate::timeline::USERS_CREATED)
        else {
            continue;
        };
        if USER_DATABASE.contains(&p.path.as_str()) && !early {
            out.report(
                p.at,
                format!(
                    "{} is persisted, but NixOS writes it when it creates users, before the persisted copy \
                     is linked: activation stops with \"A file already exists\"",
                    p.path
                ),
                "declare users and passwords in the configuration (users.mutableUsers = false with \
                 hashedPasswordFile), or with preservation set inInitrd = true on this file"
                    .to_string(),
            );
        }
    }
}
