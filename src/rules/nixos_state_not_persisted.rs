//! IMP502: /var/lib/nixos not persisted.

use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    if !cx.analysis.is_lost_at_reboot("/var/lib/nixos") {
        return;
    }
    out.report(
        cx.analysis.absence_anchor(),
        "/var/lib/nixos is not persisted: NixOS forgets the uids and gids it allocated, so users and groups \
         created later can get ids that own someone else's files"
            .to_string(),
        "persist the directory /var/lib/nixos".to_string(),
    );
}
