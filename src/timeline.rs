//! The boot timeline: when each thing a rule cares about happens on an ephemeral-root NixOS
//! host, so that every rule asks the same question the same way ("is X there when Y needs
//! it?") instead of deciding on its own.
//!
//! In order (each fact is cited in the rule documents' References):
//!
//! 1. **Initrd.** Filesystems with `neededForBoot`, and those at NixOS's `pathsNeededForBoot`
//!    (/, /nix, /nix/store, /var, /var/log, /var/lib, /var/lib/nixos, /etc, /usr), are mounted;
//!    impermanence bind-mounts its directories at those paths here, preservation its entries
//!    with `inInitrd = true`. Scripted-initrd hooks run here (systemd initrd ignores them).
//! 2. **Activation** (stage 2, before systemd starts the system's units). NixOS runs the
//!    activation scripts in dependency order, ties broken by name (`textClosureMap` over the
//!    sorted `attrNames` in nixos/modules/system/activation/activation-script.nix), so the order
//!    of the steps here is: secrets for users (sops-nix `neededForUsers`), agenix's install
//!    (before users), users and groups (which read `hashedPasswordFile`), `/etc` (the links
//!    NixOS writes), impermanence's file links (`persist-files`, after
//!    `createPersistentStorageDirs`), sops-nix's `setupSecrets` (after `users`; after
//!    `persist-files` by name).
//! 3. **Local file systems** (`local-fs.target`): the other filesystems, impermanence's and
//!    preservation's bind mounts. A mount is ordered after the mount of its parent path.
//!    Before it, units that do not wait for it (sops-nix's unit with `useSystemdActivation`).
//! 4. **Services**: system services.
//! 5. **User services**: `home-manager-<user>.service`, and the old bindfs home-manager module.

use crate::analysis::PATHS_NEEDED_FOR_BOOT;
use crate::facts::path::normalize;
use crate::facts::{EntryKind, FileSystem, PersistModule};

/// A moment of boot, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Moment {
    Initrd,
    Activation(Step),
    /// Units that start early in stage 2 without waiting for local-fs.target (sops-nix's
    /// `sops-install-secrets.service` with `useSystemdActivation`).
    EarlyUnits,
    LocalFs,
    Services,
    UserServices,
}

/// The steps of stage-2 activation that rules care about, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    SecretsForUsers,
    AgenixInstall,
    Users,
    Etc,
    PersistFiles,
    SopsSecrets,
}

/// Which module installs secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Installer {
    Sops,
    Agenix,
}

/// When a filesystem is mounted.
pub fn mounted(fs: &FileSystem) -> Option<Moment> {
    let mp = normalize(&fs.mount_point)?;
    if PATHS_NEEDED_FOR_BOOT.contains(&mp.as_str()) {
        return Some(Moment::Initrd);
    }
    Some(match fs.needed_for_boot.value? {
        true => Moment::Initrd,
        false => Moment::LocalFs,
    })
}

/// When a persisted entry appears at its path (mounted or linked).
pub fn appears(
    module: PersistModule,
    kind: EntryKind,
    path: &str,
    in_initrd: Option<bool>,
) -> Option<Moment> {
    Some(match module {
        PersistModule::Preservation => match in_initrd? {
            true => Moment::Initrd,
            false => Moment::LocalFs,
        },
        PersistModule::Impermanence => match kind {
            EntryKind::Dir if PATHS_NEEDED_FOR_BOOT.contains(&path) => Moment::Initrd,
            EntryKind::Dir => Moment::LocalFs,
            EntryKind::File => Moment::Activation(Step::PersistFiles),
        },
        PersistModule::HomeManager => Moment::UserServices,
    })
}

/// When NixOS writes the links of `/etc`.
pub const ETC_WRITTEN: Moment = Moment::Activation(Step::Etc);
/// When users are created (password files are read).
pub const USERS_CREATED: Moment = Moment::Activation(Step::Users);
/// When home-manager activates a user.
pub const HOME_MANAGER: Moment = Moment::UserServices;

/// sops-nix orders `sops-install-secrets.service` after local-fs.target from this date on.
pub const SOPS_UNIT_AFTER_LOCAL_FS: &str = "2026-02-06";

/// When secrets are installed (keys are read): at activation (sops-nix's for-users variant
/// before users are created, agenix before users, sops-nix's regular secrets after
/// impermanence's file links); with sops-nix's `useSystemdActivation`, in its unit, which waits
/// for local-fs.target only in sops-nix pinned from 2026-02-06 on (None when the pin is not
/// known).
pub fn secrets_installed(
    installer: Installer,
    systemd_unit: bool,
    for_users: bool,
    sops_date: Option<&str>,
) -> Option<Moment> {
    Some(match (installer, systemd_unit, for_users) {
        (Installer::Agenix, _, _) => Moment::Activation(Step::AgenixInstall),
        (Installer::Sops, _, true) => Moment::Activation(Step::SecretsForUsers),
        (Installer::Sops, true, false) if sops_date? < SOPS_UNIT_AFTER_LOCAL_FS => {
            Moment::EarlyUnits
        }
        (Installer::Sops, true, false) => Moment::Services,
        (Installer::Sops, false, false) => Moment::Activation(Step::SopsSecrets),
    })
}

/// Is something that appears at `appears` there when it is needed at `needed`? None when
/// either is not known.
pub fn in_time(appears: Option<Moment>, needed: Moment) -> Option<bool> {
    appears.map(|a| a < needed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order() {
        assert!(Moment::Initrd < ETC_WRITTEN);
        assert!(USERS_CREATED < ETC_WRITTEN);
        assert!(ETC_WRITTEN < Moment::LocalFs);
        assert!(Moment::LocalFs < HOME_MANAGER);
        let bind = appears(
            PersistModule::Impermanence,
            EntryKind::Dir,
            "/etc/ssh",
            None,
        );
        assert_eq!(in_time(bind, ETC_WRITTEN), Some(false));
        let etc = appears(PersistModule::Impermanence, EntryKind::Dir, "/etc", None);
        assert_eq!(in_time(etc, ETC_WRITTEN), Some(true));
        let pres = appears(
            PersistModule::Preservation,
            EntryKind::Dir,
            "/etc/ssh",
            Some(true),
        );
        assert_eq!(in_time(pres, ETC_WRITTEN), Some(true));
        let unknown = appears(
            PersistModule::Preservation,
            EntryKind::Dir,
            "/etc/ssh",
            None,
        );
        assert_eq!(in_time(unknown, ETC_WRITTEN), None);
        // A persisted directory is mounted before home-manager writes into it.
        assert_eq!(in_time(bind, HOME_MANAGER), Some(true));
    }
}
