//! IMP105: a persisted path that is, or contains, a storage root or a mount point.

use super::{Context, Sink};
use crate::facts::path::{is_at_or_under, normalize};

const SYSTEM_MOUNTS: &[&str] = &["/nix", "/nix/store", "/boot"];

pub fn check(cx: &Context, out: &mut Sink) {
    let mut mounts: Vec<(String, &str)> = SYSTEM_MOUNTS
        .iter()
        .map(|m| (m.to_string(), "a system mount"))
        .collect();
    let mut bind_like: Vec<String> = Vec::new();
    // Mounts that come later in boot than a persisted directory's bind mount: systemd orders a
    // mount after the mount of its parent path, so they land on top of it and hide nothing.
    let mut later: Vec<String> = Vec::new();
    for fs in cx.host.file_systems.iter().filter(|f| f.mount_point != "/") {
        let Some(mp) = normalize(&fs.mount_point) else {
            continue;
        };
        if cx.analysis.mounted_in_initrd(fs) != Some(true) {
            later.push(mp.clone());
        }
        // A bind mount (older impermanence declared its own as fileSystems entries), or a
        // mount whose kind is not known, may be the persisted path's own mount.
        let is_bind = fs
            .options
            .get()
            .is_some_and(|o| o.iter().any(|x| x == "bind"))
            || fs.fs_type.as_str() == Some("none");
        if is_bind || fs.fs_type.get().is_none() {
            bind_like.push(mp.clone());
        }
        mounts.push((mp, "a mount point"));
    }
    for root in cx.host.persistence.iter().filter(|r| !r.enable.is_false()) {
        if let Some(s) = root.storage.as_str().and_then(normalize) {
            mounts.push((s, "a persistent storage root"));
        }
    }
    for p in &cx.analysis.persisted {
        let stage2 = cx.analysis.before_activation(p) == Some(false);
        let Some((m, what)) = mounts.iter().find(|(m, _)| {
            is_at_or_under(m, &p.path)
                && !bind_like.contains(m)
                && !(*m != p.path && stage2 && later.contains(m))
        }) else {
            continue;
        };
        let relation = if *m == p.path { "is" } else { "contains" };
        out.report(
            p.at,
            format!(
                "the persisted path {} {relation} {m}, {what}: mounting persistent storage over it hides \
                 that filesystem (or loops the storage into itself)",
                p.path
            ),
            format!("persist the state directories below {} one by one, not {m} itself", p.path),
        );
    }
}
