//! IMP106: persisting what must start empty at every boot.

use super::{Context, Sink};
use crate::facts::path::is_at_or_under;

const ALWAYS_VOLATILE: &[&str] = &["/run", "/proc", "/sys", "/dev"];

pub fn check(cx: &Context, out: &mut Sink) {
    let clean_tmp = cx.host.boot.tmp_clean_on_boot.is_true();
    for p in &cx.analysis.persisted {
        let hit = ALWAYS_VOLATILE
            .iter()
            .find(|v| is_at_or_under(&p.path, v))
            .map(|v| v.to_string())
            .or_else(|| {
                (clean_tmp && is_at_or_under(&p.path, "/tmp"))
                    .then(|| "/tmp (boot.tmp.cleanOnBoot)".to_string())
            });
        let Some(what) = hit else { continue };
        out.report(
            p.at,
            format!(
                "{} is persisted, but {what} must start empty at every boot: stale sockets, pid files and \
                 locks come back and services refuse to start",
                p.path
            ),
            format!("remove {} from the persisted paths", p.path),
        );
    }
}
