//! Derived facts shared by the rules: is the root ephemeral, which filesystem holds a path, what
//! is persisted, and whether a path is readable when NixOS activates (users, secrets).
//!
//! Computed once per host so that every rule answers these questions the same way.

use crate::facts::path::{ancestors, is_at_or_under, normalize};
use crate::facts::{EntryKind, FileSystem, Host, Loc, PersistModule};
use crate::timeline::{self, Moment};
use std::collections::HashMap;

/// NixOS mounts these in the initrd whatever their neededForBoot says (`pathsNeededForBoot`).
pub const PATHS_NEEDED_FOR_BOOT: &[&str] = &[
    "/",
    "/nix",
    "/nix/store",
    "/var",
    "/var/log",
    "/var/lib",
    "/var/lib/nixos",
    "/etc",
    "/usr",
];

/// Folders that secret managers fill during activation; paths there are early by construction.
const RUNTIME_SECRET_DIRS: &[&str] = &[
    "/run/secrets",
    "/run/secrets-for-users",
    "/run/agenix",
    "/run/agenix.d",
];

/// Shell fragments that wipe a root filesystem at boot.
const ROLLBACK_PATTERNS: &[&str] = &[
    "zfs rollback",
    "btrfs subvolume delete",
    "btrfs subvolume snapshot",
    "btrfs subvolume create",
    "bcachefs subvolume",
    "mkfs.",
];

#[derive(Debug, Clone, PartialEq)]
pub enum Ephemeral {
    /// The root is a tmpfs.
    Tmpfs,
    /// The root is rolled back by an initrd command or service.
    Rollback { option: String },
    /// The root is a persistent filesystem that nothing wipes.
    No,
    /// The root filesystem is not known.
    Unknown,
}

impl Ephemeral {
    pub fn is_ephemeral(&self) -> bool {
        matches!(self, Ephemeral::Tmpfs | Ephemeral::Rollback { .. })
    }
}

/// A persisted path, flattened out of all roots (system, users, home-manager).
#[derive(Debug, Clone)]
pub struct Persisted<'h> {
    pub path: String,
    pub kind: EntryKind,
    pub module: PersistModule,
    pub storage: Option<String>,
    pub user: Option<String>,
    pub in_initrd: Option<bool>,
    pub mode: Option<&'h str>,
    pub at: Option<&'h Loc>,
    /// Index of the root in `host.persistence.items`.
    pub root: usize,
}

/// When a path can be read during activation.
#[derive(Debug, Clone, PartialEq)]
pub enum Availability {
    Early,
    /// It exists only later in boot; the reason says why.
    Late(String),
    /// It is on the ephemeral root and nothing persists it.
    Missing(String),
    Unknown,
}

pub struct Analysis<'h> {
    pub host: &'h Host,
    pub ephemeral: Ephemeral,
    pub persisted: Vec<Persisted<'h>>,
    /// All persistence entries are known (roots and their lists complete, host complete).
    pub persistence_complete: bool,
    /// Indexes into `persisted` by path, in declaration order.
    by_path: HashMap<String, Vec<usize>>,
}

impl<'h> Analysis<'h> {
    pub fn new(host: &'h Host) -> Self {
        let ephemeral = detect_ephemeral(host);
        let mut persisted = Vec::new();
        let mut complete = host.complete && host.persistence.complete;
        for (i, root) in host.persistence.items.iter().enumerate() {
            if root.enable.is_false() {
                continue;
            }
            if root.enable.value.is_none() {
                complete = false;
                continue;
            }
            complete &= root.entries.complete;
            let storage = root.storage.as_str().and_then(normalize);
            for e in root.entries.iter() {
                let Some(path) = e.path.as_str().and_then(normalize) else {
                    complete = false;
                    continue;
                };
                persisted.push(Persisted {
                    path,
                    kind: e.kind,
                    module: root.module,
                    storage: storage.clone(),
                    user: e.user.clone().or_else(|| root.user.clone()),
                    in_initrd: e.in_initrd.value,
                    mode: e.mode.as_str(),
                    at: e.path.at.as_ref(),
                    root: i,
                });
            }
        }
        let mut by_path: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in persisted.iter().enumerate() {
            by_path.entry(p.path.clone()).or_default().push(i);
        }
        Analysis {
            host,
            ephemeral,
            persisted,
            persistence_complete: complete,
            by_path,
        }
    }

    pub fn root_fs(&self) -> Option<&'h FileSystem> {
        self.host.file_systems.iter().find(|f| f.mount_point == "/")
    }

    /// The filesystem holding `path`: the longest mount-point prefix. None when not known: no
    /// mount point above it, or some filesystems could not be read and one of them might be
    /// mounted between the longest known prefix and `path`.
    pub fn mount_for(&self, path: &str) -> Option<&'h FileSystem> {
        let fs = self
            .host
            .file_systems
            .iter()
            .filter(|fs| normalize(&fs.mount_point).is_some_and(|mp| is_at_or_under(path, &mp)))
            .max_by_key(|fs| fs.mount_point.len())?;
        if !self.host.file_systems.complete && normalize(&fs.mount_point).as_deref() != Some(path) {
            return None;
        }
        Some(fs)
    }

    /// Is this filesystem mounted in the initrd (before activation)?
    pub fn mounted_in_initrd(&self, fs: &FileSystem) -> Option<bool> {
        timeline::mounted(fs).map(|m| m == Moment::Initrd)
    }

    /// When a persisted entry appears at its path (see [`timeline`]).
    pub fn appears(&self, p: &Persisted<'h>) -> Option<Moment> {
        timeline::appears(p.module, p.kind, &p.path, p.in_initrd)
    }

    /// Does this filesystem keep its content across reboots?
    pub fn is_persistent_fs(&self, fs: &FileSystem) -> Option<bool> {
        if fs.fs_type.as_str()? == "tmpfs" {
            return Some(false);
        }
        if fs.mount_point == "/" {
            return match self.ephemeral {
                Ephemeral::Unknown => None,
                ref e => Some(!e.is_ephemeral()),
            };
        }
        Some(true)
    }

    /// Entries persisted at exactly this (normalised) path, in declaration order.
    pub fn persisted_at(&self, path: &str) -> impl Iterator<Item = &Persisted<'h>> {
        self.by_path
            .get(path)
            .into_iter()
            .flatten()
            .map(|&i| &self.persisted[i])
    }

    /// Whether something strictly below `path` is persisted.
    pub fn persists_below(&self, path: &str) -> bool {
        self.persisted
            .iter()
            .any(|p| p.path != path && is_at_or_under(&p.path, path))
    }

    /// The innermost persisted directory strictly above `path`.
    pub fn enclosing_dir(&self, path: &str) -> Option<&Persisted<'h>> {
        ancestors(path).find_map(|a| self.persisted_at(a).find(|p| p.kind == EntryKind::Dir))
    }

    /// The persisted entry that covers `path`: the same path, or a directory above it; for a
    /// path in /etc on an /etc overlay with a writable upper directory, the same in
    /// /.rw-etc/upper, which the overlay shows in /etc.
    pub fn covering(&self, path: &str) -> Option<&Persisted<'h>> {
        self.covering_here(path).or_else(|| {
            let upper = etc_upper_path(path)?;
            match self.host.boot.etc_overlay_upper.value {
                Some(true) => self.covering_here(&upper),
                _ => None,
            }
        })
    }

    fn covering_here(&self, path: &str) -> Option<&Persisted<'h>> {
        self.persisted_at(path)
            .next()
            .or_else(|| self.enclosing_dir(path))
    }

    /// Whether an entry kept in /.rw-etc/upper might cover `path` (in /etc) but it is not known
    /// whether /etc is such an overlay: then what covers `path` is not known either.
    fn covering_not_known(&self, path: &str) -> bool {
        self.host.boot.etc_overlay_upper.value.is_none()
            && etc_upper_path(path).is_some_and(|u| self.covering_here(&u).is_some())
    }

    /// Whether `path` survives a reboot: persisted, or on a persistent filesystem.
    /// `None` when that cannot be known (unknown filesystems, incomplete persistence).
    pub fn survives_reboot(&self, path: &str) -> Option<bool> {
        let path = normalize(path)?;
        if self.covering(&path).is_some() {
            return Some(true);
        }
        if self.covering_not_known(&path) {
            return None;
        }
        let fs = self.mount_for(&path)?;
        match self.is_persistent_fs(fs)? {
            true => Some(true),
            false if self.persistence_complete => Some(false),
            false => None,
        }
    }

    /// Whether `path` can be read when NixOS activates (creates users, installs secrets).
    pub fn availability(&self, path: &str) -> Availability {
        self.availability_at(path, timeline::USERS_CREATED)
    }

    /// Whether `path` can be read at the moment `needed` of boot (see [`timeline`]).
    pub fn availability_at(&self, path: &str, needed: Moment) -> Availability {
        let Some(path) = normalize(path) else {
            return Availability::Unknown;
        };
        if is_at_or_under(&path, "/nix/store")
            || RUNTIME_SECRET_DIRS.iter().any(|d| is_at_or_under(&path, d))
        {
            return Availability::Early;
        }
        let Some(fs) = self.mount_for(&path) else {
            return Availability::Unknown;
        };
        match self.is_persistent_fs(fs) {
            None => Availability::Unknown,
            Some(true) => match timeline::in_time(timeline::mounted(fs), needed) {
                Some(true) => Availability::Early,
                Some(false) => Availability::Late(format!(
                    "{} is mounted only in stage 2 (no neededForBoot), after activation",
                    fs.mount_point
                )),
                None => Availability::Unknown,
            },
            Some(false) if self.covering(&path).is_none() && self.covering_not_known(&path) => {
                Availability::Unknown
            }
            Some(false) => match self.covering(&path) {
                Some(p) => self.persisted_availability(p, needed),
                None if self.persistence_complete => Availability::Missing(format!(
                    "{path} is on the ephemeral {} and is not persisted",
                    fs.mount_point
                )),
                None => Availability::Unknown,
            },
        }
    }

    /// When a persisted entry appears at boot: mounted (or linked) in the initrd, before
    /// stage-2 activation, or only later (None when that is not known).
    ///
    /// preservation mounts an entry in the initrd when it has `inInitrd = true`; impermanence
    /// mounts in the initrd only the directories in NixOS's pathsNeededForBoot, bind-mounts the
    /// other directories with mount units before local-fs.target, and links files in an
    /// activation step; home-manager's entries come with the user's service.
    pub fn before_activation(&self, p: &Persisted<'h>) -> Option<bool> {
        timeline::in_time(
            self.appears(p),
            timeline::USERS_CREATED.min(timeline::ETC_WRITTEN),
        )
    }

    /// When the bind mount or link of a persisted entry exists.
    fn persisted_availability(&self, p: &Persisted<'h>, needed: Moment) -> Availability {
        let Some(in_time) = timeline::in_time(self.appears(p), needed) else {
            return Availability::Unknown;
        };
        if !in_time {
            let how = match (p.module, p.kind) {
                (PersistModule::Preservation, _) => {
                    "is mounted by preservation only after the initrd (no inInitrd)"
                }
                (_, EntryKind::Dir) => {
                    "is a persisted directory, bind-mounted only at local-fs.target, after activation"
                }
                (_, EntryKind::File) => {
                    "is a persisted file, linked by impermanence's persist-files activation step, which runs after this one"
                }
            };
            return Availability::Late(format!("{} {how}", p.path));
        }
        // There in time, so its storage must be mounted in time too.
        let Some(storage) = p.storage.as_deref() else {
            return Availability::Unknown;
        };
        match self.mount_for(storage) {
            None => Availability::Unknown,
            Some(fs) => match (
                self.is_persistent_fs(fs),
                timeline::in_time(timeline::mounted(fs), needed),
            ) {
                (Some(true), Some(true)) => Availability::Early,
                (Some(true), Some(false)) => Availability::Late(format!(
                    "its storage {storage} is on {}, which is mounted only in stage 2 (no neededForBoot)",
                    fs.mount_point
                )),
                (Some(false), _) => Availability::Missing(format!(
                    "its storage {storage} is on the ephemeral {}",
                    fs.mount_point
                )),
                _ => Availability::Unknown,
            },
        }
    }

    /// Where a finding about something missing points: the first persistence root (where the
    /// entry belongs), else the root filesystem (what makes it ephemeral).
    pub fn absence_anchor(&self) -> Option<&'h Loc> {
        let host: &'h Host = self.host;
        host.persistence
            .iter()
            .find_map(|r| r.at.as_ref())
            .or_else(|| self.root_fs().and_then(|f| f.at.as_ref()))
    }

    /// On an ephemeral root, `path` is known not to survive a reboot.
    pub fn is_lost_at_reboot(&self, path: &str) -> bool {
        self.ephemeral.is_ephemeral() && self.survives_reboot(path) == Some(false)
    }

    /// Why `path` is not readable at the moment `needed`, when that is known.
    pub fn not_early_reason(&self, path: &str, needed: Moment) -> Option<String> {
        match self.availability_at(path, needed) {
            Availability::Late(r) | Availability::Missing(r) => Some(r),
            _ => None,
        }
    }

    /// The real location of a persisted path in its storage (`/persist/var/lib/x` for
    /// `/var/lib/x`), to suggest pointing options at it.
    pub fn storage_path(&self, path: &str) -> Option<String> {
        let p = self.covering(path)?;
        Some(format!("{}{path}", p.storage.as_deref()?))
    }

    /// tmpfs mounts whose options are known.
    pub fn tmpfs_mounts(&self) -> impl Iterator<Item = (&'h FileSystem, &'h [String])> {
        let host: &'h Host = self.host;
        host.file_systems
            .iter()
            .filter(|fs| fs.fs_type.as_str() == Some("tmpfs"))
            .filter_map(|fs| fs.options.get().map(|o| (fs, o.as_slice())))
    }
}

fn detect_ephemeral(host: &Host) -> Ephemeral {
    let Some(root) = host.file_systems.iter().find(|f| f.mount_point == "/") else {
        return Ephemeral::Unknown;
    };
    match root.fs_type.as_str() {
        Some("tmpfs") => return Ephemeral::Tmpfs,
        None => return Ephemeral::Unknown,
        Some(_) => {}
    }
    let rolls_back = |text: &str| ROLLBACK_PATTERNS.iter().any(|p| text.contains(p));
    for c in &host.boot.scripted_commands {
        if c.text.as_str().is_some_and(rolls_back) {
            return Ephemeral::Rollback {
                option: c.option.clone(),
            };
        }
    }
    for s in &host.boot.initrd_services {
        if s.script.as_str().is_some_and(rolls_back) {
            return Ephemeral::Rollback {
                option: format!("boot.initrd.systemd.services.{}", s.name),
            };
        }
    }
    // A command we cannot read might be the rollback.
    let unknown_text = host
        .boot
        .scripted_commands
        .iter()
        .any(|c| c.text.value.is_none())
        || host
            .boot
            .initrd_services
            .iter()
            .any(|s| s.script.value.is_none());
    if unknown_text || !host.complete {
        return Ephemeral::Unknown;
    }
    Ephemeral::No
}

/// True when a shell fragment rolls a filesystem back.
pub fn is_rollback_script(text: &str) -> bool {
    ROLLBACK_PATTERNS.iter().any(|p| text.contains(p))
}

/// Where an /etc overlay keeps what is written to `path` (a path in /etc): its upper
/// directory, /.rw-etc/upper (nixos/modules/system/etc/etc.nix).
fn etc_upper_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/etc")?;
    (rest.is_empty() || rest.starts_with('/')).then(|| format!("/.rw-etc/upper{rest}"))
}
