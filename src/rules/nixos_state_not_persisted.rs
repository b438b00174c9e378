//! IMP502: /var/lib/nixos not persisted.

use super::{Context, Sink};

/// userborn replaces the perl script that keeps the id maps in /var/lib/nixos (userborn.nix
/// asserts `system.activationScripts.users == ""`).
const USERBORN: &str = "services.userborn.enable";

pub fn check(cx: &Context, out: &mut Sink) {
    if !cx.analysis.is_lost_at_reboot("/var/lib/nixos") {
        return;
    }
    // With userborn (or when whether it is on is not known), what keeps the ids is userborn's
    // password files, which this rule does not judge. (Facts that do not name the flag come
    // from before it was read: no userborn.)
    if cx
        .host
        .enabled
        .get(USERBORN)
        .is_some_and(|f| f.value != Some(false))
    {
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
