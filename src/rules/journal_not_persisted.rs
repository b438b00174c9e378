//! IMP505: /var/log not persisted.

use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    if !cx.analysis.ephemeral.is_ephemeral()
        || cx.analysis.survives_reboot("/var/log") != Some(false)
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
        "/var/log is not persisted: the journal of the previous boot is gone when you need it to see why it failed"
            .to_string(),
        "persist the directory /var/log".to_string(),
    );
}
