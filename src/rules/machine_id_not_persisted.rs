//! IMP204: an ephemeral root where /etc/machine-id is neither persisted nor declared.

use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    // Declared through environment.etc: IMP203 judges how.
    if !cx.host.etc.complete || cx.host.etc.iter().any(|e| e.target == "machine-id") {
        return;
    }
    if !cx.analysis.is_lost_at_reboot("/etc/machine-id") {
        return;
    }
    out.report(
        cx.analysis.absence_anchor(),
        "/etc/machine-id is not persisted on an ephemeral root: systemd generates a new machine id at every \
         boot, so journals split per boot and DHCP leases and licences tied to it change"
            .to_string(),
        "persist the file /etc/machine-id (preservation: with inInitrd = true)".to_string(),
    );
}
