//! IMP208: persistence declared on a root that is neither tmpfs nor rolled back.

use super::{Context, Sink};
use crate::analysis::Ephemeral;

pub fn check(cx: &Context, out: &mut Sink) {
    if cx.analysis.ephemeral != Ephemeral::No || cx.analysis.persisted.is_empty() {
        return;
    }
    // Persisting into an ephemeral /home (tmpfs) is legitimate on a normal root.
    // A persisted path whose filesystem is not known might be on a tmpfs too.
    let any_on_tmpfs = cx.analysis.persisted.iter().any(|p| {
        cx.analysis
            .mount_for(&p.path)
            .is_none_or(|fs| fs.fs_type.as_str().is_none_or(|t| t == "tmpfs"))
    });
    if any_on_tmpfs {
        return;
    }
    let Some(root) = cx.analysis.root_fs() else {
        return;
    };
    out.report(
        root.at.as_ref(),
        format!(
            "persistence is declared, but / is {} and nothing rolls it back: everything survives reboots \
             anyway, and the missing rollback means undeclared state is never cleaned",
            root.fs_type.as_str().unwrap_or("a persistent filesystem")
        ),
        "make / a tmpfs, or roll it back in the initrd (a boot.initrd.systemd.services unit running \
         zfs rollback or recreating the btrfs subvolume)"
            .to_string(),
    );
}
