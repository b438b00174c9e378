//! IMP201: the filesystem that holds a persistent storage path is not mounted in the initrd.

use super::{Context, Sink};
use crate::facts::path::normalize;

pub fn check(cx: &Context, out: &mut Sink) {
    let mut seen: Vec<&str> = Vec::new();
    // A root with nothing in it mounts nothing (its entries may all sit under a false mkIf);
    // one whose entries are not known may mount nothing either.
    for root in cx
        .host
        .persistence
        .iter()
        .filter(|r| !r.enable.is_false())
        .filter(|r| !r.entries.items.is_empty())
    {
        let Some(storage) = root.storage.as_str().and_then(normalize) else {
            continue;
        };
        let Some(fs) = cx.analysis.mount_for(&storage) else {
            continue;
        };
        // On the root or a tmpfs: IMP202 and IMP208 speak about those.
        if fs.mount_point == "/" || cx.analysis.is_persistent_fs(fs) != Some(true) {
            continue;
        }
        if cx.analysis.mounted_in_initrd(fs) != Some(false)
            || seen.contains(&fs.mount_point.as_str())
        {
            continue;
        }
        seen.push(&fs.mount_point);
        let fix = fs.at.clone().map(|def| crate::fix::Fix {
            title: format!(
                "Add neededForBoot = true to fileSystems.\"{}\"",
                fs.mount_point
            ),
            kind: crate::fix::FixKind::SetAttr {
                def,
                attr: "neededForBoot",
                value: "true".to_string(),
            },
        });
        let d = out.report(
            fs.at.as_ref(),
            format!(
                "{} holds the persistent storage {} but is not mounted in the initrd (no neededForBoot): \
                 bind mounts and links into it fail or come too late at boot",
                fs.mount_point, storage
            ),
            format!("add neededForBoot = true; to fileSystems.\"{}\"", fs.mount_point),
        )
        .with_related(root.at.as_ref(), format!("{} is declared here", root.module.option_name()));
        d.fix = fix;
    }
}
