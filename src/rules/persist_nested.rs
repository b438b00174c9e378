//! IMP104: a persisted path inside another persisted directory, or the same path twice.

use super::{Context, Sink};
use crate::facts::EntryKind;
use crate::facts::path::is_strictly_under;

pub fn check(cx: &Context, out: &mut Sink) {
    let all = &cx.analysis.persisted;
    for (i, p) in all.iter().enumerate() {
        // The innermost enclosing directory, or an earlier entry with the same path.
        let outer = all
            .iter()
            .filter(|o| o.kind == EntryKind::Dir && is_strictly_under(&p.path, &o.path))
            .max_by_key(|o| o.path.len());
        if let Some(o) = outer {
            out.report(
                p.at,
                format!(
                    "{} is persisted inside the persisted directory {}: it is mounted twice, and the inner \
                     mount hides what the outer one stores there",
                    p.path, o.path
                ),
                format!("remove one of the two: {} already keeps {}", o.path, p.path),
            )
            .with_related(o.at, format!("{} is persisted here", o.path));
            continue;
        }
        if let Some(o) = all[..i].iter().find(|o| o.path == p.path) {
            out.report(
                p.at,
                format!(
                    "{} is persisted twice: the two mounts race and one hides the other",
                    p.path
                ),
                "keep one entry".to_string(),
            )
            .with_related(o.at, "first persisted here");
        }
    }
}
