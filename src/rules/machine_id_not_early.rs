//! IMP203: /etc/machine-id persisted in a way systemd cannot see in time.

use super::{Context, Sink};
use crate::facts::{EntryKind, PersistModule};

/// impermanence learnt to handle /etc/machine-id with the systemd initrd in November 2024.
const IMPERMANENCE_MACHINE_ID_FIX: &str = "2024-11-01";

pub fn check(cx: &Context, out: &mut Sink) {
    for p in cx
        .analysis
        .persisted
        .iter()
        .filter(|p| p.kind == EntryKind::File && p.path == "/etc/machine-id")
    {
        match p.module {
            PersistModule::Preservation if p.in_initrd == Some(false) => {
                let fix = p.at.map(|at| crate::fix::Fix {
                    title: "Preserve /etc/machine-id in the initrd (inInitrd = true)".to_string(),
                    kind: crate::fix::FixKind::ReplaceListItem {
                        at: at.clone(),
                        text: "{ file = \"/etc/machine-id\"; inInitrd = true; }".to_string(),
                    },
                });
                let d = out.report(
                    p.at,
                    "/etc/machine-id is preserved without inInitrd: systemd reads it in the initrd, \
                     finds none, and generates a new id at every boot"
                        .to_string(),
                    "write { file = \"/etc/machine-id\"; inInitrd = true; } (and keep \
                     systemd-machine-id-commit.service from committing over it, as preservation's \
                     documentation shows)"
                        .to_string(),
                );
                d.fix = fix;
                continue;
            }
            PersistModule::Impermanence => {
                let pin = cx
                    .host
                    .versions
                    .impermanence
                    .as_ref()
                    .and_then(|v| v.date.as_deref());
                if cx.host.boot.initrd_systemd.is_true()
                    && pin.is_some_and(|d| d < IMPERMANENCE_MACHINE_ID_FIX)
                {
                    out.report(
                        p.at,
                        format!(
                            "impermanence is pinned at {} and persists /etc/machine-id as a link made at \
                             activation, which the systemd initrd does not see: a new machine id every boot",
                            pin.unwrap_or_default()
                        ),
                        "update the impermanence input (`nix flake update impermanence`)".to_string(),
                    );
                    continue;
                }
            }
            _ => {}
        }
        // Wherever it is linked from, the storage must be mounted when activation runs.
        let Some(storage) = p.storage.as_deref() else {
            continue;
        };
        if let Some(fs) = cx.analysis.mount_for(storage)
            && fs.mount_point != "/"
            && cx.analysis.is_persistent_fs(fs) == Some(true)
            && cx.analysis.mounted_in_initrd(fs) == Some(false)
        {
            out.report(
                p.at,
                format!(
                    "/etc/machine-id is persisted in {storage}, but {} is mounted only after activation: \
                     systemd starts without it and generates a new id",
                    fs.mount_point
                ),
                format!("add neededForBoot = true; to fileSystems.\"{}\"", fs.mount_point),
            );
        }
    }
    for e in cx
        .host
        .etc
        .iter()
        .filter(|e| e.target == "machine-id" && !e.enable.is_false())
    {
        let Some(src) = e.source_path.as_ref().and_then(|s| s.as_str()) else {
            continue;
        };
        if src.starts_with("/nix/store/") {
            continue;
        }
        out.report(
            e.source_path.as_ref().and_then(|s| s.at.as_ref()).or(e.at.as_ref()),
            format!(
                "environment.etc.\"machine-id\" links to {src}, outside the store: the link is made at \
                 activation, after systemd has already read /etc/machine-id"
            ),
            "persist /etc/machine-id with your persistence module instead (preservation: inInitrd = true)".to_string(),
        );
    }
}
