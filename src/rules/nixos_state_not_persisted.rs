//! IMP502: /var/lib/nixos not persisted.

use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    if !cx.analysis.ephemeral.is_ephemeral()
        || cx.analysis.survives_reboot("/var/lib/nixos") != Some(false)
    {
        return;
    }
    let at = cx
        .host
        .persistence
        .iter()
        .find_map(|r| r.at.as_ref())
        .or(cx.analysis.root_fs().and_then(|f| f.at.as_ref()));
    out.report(
        at,
        "/var/lib/nixos is not persisted: NixOS forgets the uids and gids it allocated, so users and groups \
         created later can get ids that own someone else's files"
            .to_string(),
        "persist the directory /var/lib/nixos".to_string(),
    );
}
