//! IMP102: a persisted home directory at or above files home-manager links.

use super::etc_targets::{hidden_by, home_dir, home_files};
use super::{Context, Sink, list_some};
use crate::facts::EntryKind;
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
        for p in cx
            .analysis
            .persisted
            .iter()
            .filter(|p| p.kind == EntryKind::Dir)
        {
            // A persisted home itself is IMP105's business (it contains a whole tree).
            if p.path == home || !is_at_or_under(&p.path, &home) {
                continue;
            }
            let hidden = hidden_by(&written, &p.path);
            let Some(first) = hidden.first() else {
                continue;
            };
            let names: Vec<String> = hidden
                .iter()
                .map(|w| {
                    w.path
                        .trim_start_matches(&home)
                        .trim_start_matches('/')
                        .to_string()
                })
                .collect();
            out.report(
                p.at,
                format!(
                    "persisting {} hides files home-manager links for {} ({}): the mounted directory \
                     covers them, home-manager writes its links into persistent storage and stale ones \
                     from older generations collide with the next activation",
                    p.path,
                    user.name,
                    list_some(&names)
                ),
                format!(
                    "persist the state subdirectories inside {} instead (for example {}/<app>), not the \
                     directory home-manager writes into",
                    p.path, p.path
                ),
            )
            .with_related(first.at, format!("{} is written by {}", first.path, first.origin));
        }
    }
}
