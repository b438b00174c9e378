//! IMP207: a root rollback that never runs in the initrd the configuration uses.

use super::{Context, Sink};
use crate::analysis::is_rollback_script;

pub fn check(cx: &Context, out: &mut Sink) {
    let systemd = cx.host.boot.initrd_systemd.value;
    for c in &cx.host.boot.scripted_commands {
        let Some(text) = c.text.as_str() else {
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let what = if is_rollback_script(text) {
            "this rollback never runs and the root keeps its state"
        } else {
            "these commands never run"
        };
        if systemd == Some(true) {
            out.report(
                c.text.at.as_ref(),
                format!(
                    "{} is not supported by the systemd initrd (boot.initrd.systemd.enable = true): \
                     current NixOS refuses to build it, older releases ignore it, so {what}",
                    c.option
                ),
                "move the commands into a boot.initrd.systemd.services unit ordered before sysroot.mount"
                    .to_string(),
            );
        } else if systemd == Some(false)
            && c.option == "boot.initrd.postDeviceCommands"
            && text.contains("zfs rollback")
        {
            out.report(
                c.text.at.as_ref(),
                "zfs rollback runs in boot.initrd.postDeviceCommands, before the ZFS pools are imported: the \
                 rollback fails and the root keeps its state"
                    .to_string(),
                "use boot.initrd.postResumeCommands = lib.mkAfter ''...''; (after the pool import)".to_string(),
            );
        }
    }
    if systemd == Some(false) {
        for s in &cx.host.boot.initrd_services {
            if s.script.as_str().is_some_and(is_rollback_script) {
                out.report(
                    s.script.at.as_ref(),
                    format!(
                        "boot.initrd.systemd.services.{} rolls back the root, but the systemd initrd is not \
                         enabled: the service never runs",
                        s.name
                    ),
                    "set boot.initrd.systemd.enable = true;".to_string(),
                );
            }
        }
    }
}
