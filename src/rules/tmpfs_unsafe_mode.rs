//! IMP402: a tmpfs root that is world- or group-writable; a tmpfs or persisted /tmp or /var/tmp
//! that is world-writable without the sticky bit.

use super::{Context, Sink};
use crate::facts::EntryKind;

/// The octal value of a `mode=` option, if there is one and it parses.
fn mode_of(options: &[String]) -> Option<Result<u32, String>> {
    options
        .iter()
        .rev()
        .find_map(|o| o.strip_prefix("mode="))
        .map(|m| u32::from_str_radix(m, 8).map_err(|_| m.to_string()))
}

pub fn check(cx: &Context, out: &mut Sink) {
    for (fs, options) in cx.analysis.tmpfs_mounts() {
        let mode = mode_of(options);
        match fs.mount_point.as_str() {
            "/" => {
                let problem = match mode {
                    None => {
                        "has no mode= option, so / is created world-writable (1777)".to_string()
                    }
                    Some(Ok(m)) if m & 0o022 != 0 => {
                        format!("has mode={m:o}, which lets other users write to /")
                    }
                    _ => continue,
                };
                let d = out.report(
                    super::tmpfs_at(fs),
                    format!(
                        "the tmpfs root {problem}: any user can replace top-level directories, and sshd \
                         refuses public-key logins because / is not owned safely"
                    ),
                    "add \"mode=755\" to the options of fileSystems.\"/\"".to_string(),
                );
                if mode.is_none() {
                    d.fix = super::add_mount_option(fs, "mode=755");
                }
            }
            "/tmp" | "/var/tmp" => {
                // Without mode= a tmpfs is 1777, which is right for a temporary directory.
                let Some(Ok(m)) = mode else { continue };
                if m & 0o002 != 0 && m & 0o1000 == 0 {
                    out.report(
                        super::tmpfs_at(fs),
                        format!(
                            "the tmpfs at {} is world-writable without the sticky bit (mode={m:o}): any \
                             user can delete or replace other users' files",
                            fs.mount_point
                        ),
                        format!("use \"mode=1777\" for fileSystems.\"{}\"", fs.mount_point),
                    );
                }
            }
            _ => {}
        }
    }
    // A persisted temporary directory keeps the mode it is declared with.
    for p in &cx.analysis.persisted {
        if p.kind != EntryKind::Dir || !matches!(p.path.as_str(), "/tmp" | "/var/tmp") {
            continue;
        }
        let Some(Ok(m)) = p.mode.map(|m| u32::from_str_radix(m, 8)) else {
            continue;
        };
        if m & 0o002 != 0 && m & 0o1000 == 0 {
            out.report(
                p.at,
                format!(
                    "the persisted directory {} is world-writable without the sticky bit (mode {m:o}):                      any user can delete or replace other users' files there",
                    p.path
                ),
                format!("declare it with mode = \"1777\"; ({})", p.path),
            );
        }
    }
}
