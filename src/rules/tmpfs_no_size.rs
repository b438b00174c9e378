//! IMP401: a tmpfs mount without a size limit.

use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    for (fs, options) in cx.analysis.tmpfs_mounts() {
        if options
            .iter()
            .any(|o| o.starts_with("size=") || o.starts_with("nr_blocks="))
        {
            continue;
        }
        let d = out.report(
            super::tmpfs_at(fs),
            format!(
                "the tmpfs at {} has no size limit: the kernel allows it half of the RAM, and a large \
                 write there starves the machine",
                fs.mount_point
            ),
            format!("add a size, for example options = [ \"size=2G\" \"mode=755\" ]; on fileSystems.\"{}\"", fs.mount_point),
        );
        // A quarter of the RAM: a bound that a root holding only what is not persisted rarely
        // needs more than.
        d.fix = super::add_mount_option(fs, "size=25%");
    }
}
