//! IMP204: an ephemeral root where /etc/machine-id is neither persisted nor declared.

use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    if !cx.analysis.ephemeral.is_ephemeral() || !cx.host.etc.complete {
        return;
    }
    if cx.host.etc.iter().any(|e| e.target == "machine-id") {
        return;
    }
    if cx.analysis.survives_reboot("/etc/machine-id") != Some(false) {
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
        "/etc/machine-id is not persisted on an ephemeral root: systemd generates a new machine id at every \
         boot, so journals split per boot and DHCP leases and licences tied to it change"
            .to_string(),
        "persist the file /etc/machine-id (preservation: with inInitrd = true)".to_string(),
    );
}
