//! IMP104: a persisted path inside another persisted directory, or the same path twice.

use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    for p in &cx.analysis.persisted {
        if let Some(o) = cx.analysis.enclosing_dir(&p.path) {
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
        let first = cx.analysis.persisted_at(&p.path).next();
        if let Some(o) = first.filter(|o| !std::ptr::eq(*o, p)) {
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
