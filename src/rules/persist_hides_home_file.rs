//! IMP102: persisted home paths and the files home-manager links there.
//!
//! home-manager's NixOS module activates each user in `home-manager-<user>.service`, after the
//! local-fs mounts (impermanence's and preservation's mounts, and the old bindfs module's, all
//! come first), so a persisted directory hides nothing: the links are written into it. What
//! breaks is a persisted path that *is* a file home-manager links (the mount or link is in the
//! way: activation fails, an error), and a persisted directory above managed files, where a
//! program that replaces a managed link with a regular file leaves that file in persistent
//! storage to block the next boot's activation (a warning).

use super::etc_targets::{home_dir, home_files};
use super::{Context, Sink, list_some};
use crate::diagnostic::Severity;
use crate::facts::path::is_at_or_under;

pub fn check(cx: &Context, out: &mut Sink) {
    for user in cx.host.home_manager.iter() {
        let Some(home) = home_dir(cx.host, user) else {
            continue;
        };
        let written = home_files(user, &home);
        if written.is_empty() {
            continue;
        }
        let relative = |p: &str| {
            p.trim_start_matches(&home)
                .trim_start_matches('/')
                .to_string()
        };
        for p in &cx.analysis.persisted {
            // A persisted home itself is IMP105's business (it contains a whole tree).
            if p.path == home || !is_at_or_under(&p.path, &home) {
                continue;
            }
            // A recursive home.file makes the folder a real directory and links the files
            // inside: a persisted folder there is the case below.
            let recursive = user.files.iter().any(|f| {
                f.recursive
                    && crate::facts::path::join(&home, &f.target).as_deref() == Some(&*p.path)
            });
            if let Some(same) = written.iter().find(|w| w.path == p.path && !recursive) {
                out.report(
                    p.at,
                    format!(
                        "{} is both persisted and linked by home-manager for {}: the persisted mount or \
                         link is in the way of home-manager's link, and home-manager-{}.service stops \
                         with \"Existing file ... is in the way\"",
                        p.path, user.name, user.name
                    ),
                    format!(
                        "persist {} or let home-manager manage it, not both",
                        relative(&p.path)
                    ),
                )
                .with_related(same.at, format!("{} is linked by {}", same.path, same.origin));
                continue;
            }
            let inside: Vec<_> = written
                .iter()
                .filter(|w| is_at_or_under(&w.path, &p.path))
                .collect();
            let Some(first) = inside.first() else {
                continue;
            };
            let names: Vec<String> = inside.iter().map(|w| relative(&w.path)).collect();
            let d = out.report(
                p.at,
                format!(
                    "{} is persisted and home-manager links files into it for {} ({}): the links \
                     live in persistent storage, and a program that replaces one with a regular file \
                     leaves it there, so home-manager-{}.service stops at the next boot with \
                     \"Existing file ... is in the way\"",
                    p.path,
                    user.name,
                    list_some(&names),
                    user.name
                ),
                format!(
                    "persist only the state inside {} (for example {}/<app>), or set \
                     home-manager.backupFileExtension so a replaced file is moved aside",
                    relative(&p.path),
                    relative(&p.path)
                ),
            );
            d.severity = Severity::Warning;
            d.with_related(
                first.at,
                format!("{} is linked by {}", first.path, first.origin),
            );
        }
    }
}
