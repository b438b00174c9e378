//! IMP503: persisting the state of a DynamicUser service the wrong way.

use super::{Context, Sink};
use crate::diagnostic::Severity;
use crate::facts::EntryKind;
use crate::knowledge::{self, Scope};

pub fn check(cx: &Context, out: &mut Sink) {
    let mut dynamic: Vec<String> = Vec::new();
    for s in cx.host.services.iter().filter(|s| s.dynamic_user.is_true()) {
        dynamic.extend(s.state_directories.iter().cloned());
    }
    // The knowledge base's DynamicUser services, unless the configuration turns it off for
    // that service (`serviceConfig.DynamicUser = mkForce false` with a static user).
    // Declared for that service but not known either way: no finding.
    let static_user = |name: &str| {
        cx.host.services.iter().any(|s| {
            !s.dynamic_user.is_true()
                && (s.name == name || s.state_directories.iter().any(|d| d == name))
        })
    };
    for (m, _) in knowledge::active_modules(Scope::Nixos, &cx.host.enabled, |f| f.is_true()) {
        dynamic.extend(m.dynamic.iter().filter(|n| !static_user(n)).cloned());
    }
    for p in cx
        .analysis
        .persisted
        .iter()
        .filter(|p| p.kind == EntryKind::Dir)
    {
        if let Some(name) = dynamic.iter().find(|n| p.path == format!("/var/lib/{n}")) {
            out.report(
                p.at,
                format!(
                    "{} belongs to a DynamicUser service: systemd keeps the state in /var/lib/private/{name} \
                     and makes /var/lib/{name} a symlink, so this mount breaks the service's start",
                    p.path
                ),
                format!("persist /var/lib/private/{name}, or /var/lib/private with mode 0700"),
            );
        }
        if p.path == "/var/lib/private"
            && p.mode.is_some()
            && !matches!(p.mode, Some("0700" | "700" | "u=rwx,g=,o="))
        {
            let d = out.report(
                p.at,
                format!(
                    "/var/lib/private is persisted with mode {}: systemd refuses to run DynamicUser services \
                     unless it is 0700",
                    match p.mode {
                        Some("0755") => "0755 (the default)",
                        Some(m) => m,
                        None => "?",
                    }
                ),
                "write { directory = \"/var/lib/private\"; mode = \"0700\"; }".to_string(),
            );
            // No DynamicUser service with state is known on this host: nothing fails yet.
            if dynamic.is_empty() {
                d.severity = Severity::Warning;
            }
        }
    }
}
