//! IMP505: /var/log not persisted.

use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    if !cx.analysis.is_lost_at_reboot("/var/log") {
        return;
    }
    out.report(
        cx.analysis.absence_anchor(),
        "/var/log is not persisted: the journal of the previous boot is gone when you need it to see why it failed"
            .to_string(),
        "persist the directory /var/log".to_string(),
    );
}
