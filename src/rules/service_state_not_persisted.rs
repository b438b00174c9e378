//! IMP504: an enabled service whose state directory is not persisted.

use super::{Context, Sink, list_some};
use crate::knowledge::{self, Scope};

pub fn check(cx: &Context, out: &mut Sink) {
    for (m, origin) in knowledge::active_modules(Scope::Nixos, &cx.host.enabled, |f| f.is_true()) {
        let missing: Vec<String> = m
            .state
            .iter()
            .filter(|s| cx.analysis.survives_reboot(s) == Some(false))
            // Parts of it persisted (`/var/lib/systemd/timers`, not all of /var/lib/systemd):
            // a choice of what to keep, not state forgotten.
            .filter(|s| !cx.analysis.persists_below(s))
            .cloned()
            .collect();
        if missing.is_empty() {
            continue;
        }
        let at = origin
            .and_then(|o| cx.host.enabled.get(o))
            .and_then(|f| f.at.as_ref())
            .or_else(|| cx.analysis.absence_anchor());
        out.report(
            at,
            format!(
                "{} keeps state in {}, which is not persisted: it starts from scratch after every reboot",
                origin.unwrap_or("NixOS"),
                list_some(&missing)
            ),
            format!("persist {}", list_some(&missing)),
        );
    }
}
