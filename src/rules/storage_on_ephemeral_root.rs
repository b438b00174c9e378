//! IMP202: no persistent filesystem at or above a storage path.

use super::{Context, Sink};
use crate::facts::path::normalize;

pub fn check(cx: &Context, out: &mut Sink) {
    for root in cx.host.persistence.iter().filter(|r| r.enable.is_true()) {
        let Some(storage) = root.storage.as_str().and_then(normalize) else {
            continue;
        };
        let Some(fs) = cx.analysis.mount_for(&storage) else {
            continue;
        };
        if cx.analysis.is_persistent_fs(fs) != Some(false) {
            continue;
        }
        out.report(
            root.storage.at.as_ref().or(root.at.as_ref()),
            format!(
                "no persistent filesystem is mounted at or above {storage}: it lies on the ephemeral {}, so \
                 everything \"persisted\" there is lost at reboot",
                fs.mount_point
            ),
            format!("declare the persistent filesystem, e.g. fileSystems.\"{storage}\" = {{ device = ...; neededForBoot = true; }};"),
        )
        .with_related(fs.at.as_ref(), "the ephemeral filesystem");
    }
}
