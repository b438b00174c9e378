//! The facts model: the evaluated values the rules need, per host.
//!
//! Every frontend (static evaluator, `nix eval`, saved facts JSON) produces this and nothing else;
//! every rule reads this and nothing else. A value is either known or unknown (`Fact::value` is
//! `None`), and may carry the place it was written (`Fact::at`). Collections say whether they are
//! complete: a rule that needs absence ("X is not persisted") must stay silent on an incomplete one.

pub mod path;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bumped whenever a field changes meaning or a required field is added.
pub const SCHEMA_VERSION: u32 = 1;

/// A facts document: what `impermalint facts` prints and `check --facts` reads.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FactsDocument {
    pub schema_version: u32,
    /// Which frontend wrote it ("static", "eval", "nixos-module").
    #[serde(default)]
    pub frontend: String,
    pub hosts: Vec<Host>,
}

/// A place in a source file: a path and a byte range.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: String,
    pub start: u32,
    pub end: u32,
}

/// A value that may be unknown, with where it was defined when that is known.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Fact<T> {
    /// `None` means unknown: rules never guess from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Loc>,
}

impl<T> Default for Fact<T> {
    fn default() -> Self {
        Fact::unknown()
    }
}

impl<T> Fact<T> {
    pub fn known(value: T, at: Option<Loc>) -> Self {
        Fact {
            value: Some(value),
            at,
        }
    }
    pub fn unknown() -> Self {
        Fact {
            value: None,
            at: None,
        }
    }
    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }
}

impl Fact<bool> {
    /// Known to be true.
    pub fn is_true(&self) -> bool {
        self.value == Some(true)
    }
    /// Known to be false.
    pub fn is_false(&self) -> bool {
        self.value == Some(false)
    }
}

impl Fact<String> {
    pub fn as_str(&self) -> Option<&str> {
        self.value.as_deref()
    }
}

/// A list of items that may be only partly known.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Collection<T> {
    /// False when some items could not be evaluated: absence proves nothing.
    pub complete: bool,
    pub items: Vec<T>,
}

impl<T> Default for Collection<T> {
    fn default() -> Self {
        Collection {
            complete: true,
            items: Vec::new(),
        }
    }
}

impl<T> Collection<T> {
    pub fn unknown() -> Self {
        Collection {
            complete: false,
            items: Vec::new(),
        }
    }
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

/// Everything impermalint knows about one NixOS configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Host {
    /// The flake's nixosConfigurations name, or null outside a flake.
    pub name: Option<String>,
    /// False when a module could not be read or evaluated: facts may be missing anywhere.
    #[serde(default = "yes")]
    pub complete: bool,
    /// Third-party modules the configuration imports ("impermanence", "preservation",
    /// "home-manager", "sops-nix", "agenix", "impermanence-home-manager").
    #[serde(default)]
    pub modules: Vec<String>,
    #[serde(default)]
    pub file_systems: Collection<FileSystem>,
    #[serde(default)]
    pub persistence: Collection<PersistRoot>,
    /// environment.etc entries (the static frontend knows only the ones the configuration
    /// declares; the eval frontend knows all).
    #[serde(default)]
    pub etc: Collection<EtcFile>,
    /// Enable flags of the NixOS options the knowledge base describes, by option path.
    #[serde(default)]
    pub enabled: BTreeMap<String, Fact<bool>>,
    #[serde(default)]
    pub users: Users,
    #[serde(default)]
    pub home_manager: Collection<HomeUser>,
    #[serde(default)]
    pub boot: Boot,
    #[serde(default)]
    pub openssh: OpenSsh,
    #[serde(default)]
    pub sops: Option<Sops>,
    #[serde(default)]
    pub agenix: Option<Agenix>,
    /// systemd services the configuration declares with DynamicUser or StateDirectory.
    #[serde(default)]
    pub services: Collection<SystemdService>,
    #[serde(default)]
    pub programs_fuse_user_allow_other: Fact<bool>,
    #[serde(default)]
    pub versions: Versions,
    /// Imports of impermanence's deprecated homeManagerModules flake output.
    #[serde(default)]
    pub legacy_hm_imports: Vec<Loc>,
    /// Files that could not be parsed or read, with the position of the problem.
    #[serde(default)]
    pub source_errors: Vec<SourceError>,
    /// What the frontend could not read or evaluate (a module from an unknown input, a file
    /// outside the checked tree, a value it could not compute): the host's blind spots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<Unread>,
}

/// One blind spot: what was not read, and where it was asked for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Unread {
    pub what: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Loc>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceError {
    pub message: String,
    pub at: Loc,
    /// What to do, when the file could not be read (a syntax error's help is to fix it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FileSystem {
    pub mount_point: String,
    /// The definition (`fileSystems."/" = { ... };`).
    #[serde(default)]
    pub at: Option<Loc>,
    #[serde(default)]
    pub fs_type: Fact<String>,
    #[serde(default)]
    pub device: Fact<String>,
    /// Mount options; unknown when any of them is.
    #[serde(default)]
    pub options: Fact<Vec<String>>,
    #[serde(default)]
    pub needed_for_boot: Fact<bool>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum PersistModule {
    /// `environment.persistence` of nix-community/impermanence.
    Impermanence,
    /// `preservation.preserveAt` of nix-community/preservation.
    Preservation,
    /// `home.persistence` of impermanence's home-manager module.
    HomeManager,
}

impl PersistModule {
    pub fn option_name(self) -> &'static str {
        match self {
            PersistModule::Impermanence => "environment.persistence",
            PersistModule::Preservation => "preservation.preserveAt",
            PersistModule::HomeManager => "home.persistence",
        }
    }
}

/// One persistence root: `environment.persistence."/persist"` and the like.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PersistRoot {
    pub module: PersistModule,
    /// Where the real data lives (persistentStoragePath, or the attribute name).
    pub storage: Fact<String>,
    #[serde(default)]
    pub at: Option<Loc>,
    #[serde(default = "known_true")]
    pub enable: Fact<bool>,
    /// For home.persistence: the user it belongs to.
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub entries: Collection<PersistEntry>,
    /// Options the current module no longer has (home.persistence allowOther, ...).
    #[serde(default)]
    pub legacy_options: Vec<LegacyOption>,
    /// home.persistence allowOther, when set.
    #[serde(default)]
    pub allow_other: Fact<bool>,
}

fn known_true() -> Fact<bool> {
    Fact::known(true, None)
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LegacyOption {
    pub name: String,
    #[serde(default)]
    pub at: Option<Loc>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Dir,
    File,
}

/// One persisted path.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PersistEntry {
    /// Absolute path on the running system (home entries already joined to the home).
    pub path: Fact<String>,
    pub kind: EntryKind,
    /// The user of a `users.<name>` entry.
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub mode: Fact<String>,
    /// preservation's inInitrd (impermanence: unknown).
    #[serde(default)]
    pub in_initrd: Fact<bool>,
    /// preservation's `how` or impermanence's `method`, when set.
    #[serde(default)]
    pub how: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EtcFile {
    /// Relative to /etc, as environment.etc names it ("ssh/sshd_config").
    pub target: String,
    #[serde(default)]
    pub at: Option<Loc>,
    /// The source, when it is a plain path string (outside the store when not under /nix/store).
    #[serde(default)]
    pub source_path: Option<Fact<String>>,
    #[serde(default = "known_true")]
    pub enable: Fact<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Users {
    #[serde(default)]
    pub mutable_users: Fact<bool>,
    #[serde(default)]
    pub users: Collection<User>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct User {
    pub name: String,
    #[serde(default)]
    pub at: Option<Loc>,
    #[serde(default)]
    pub is_normal_user: Fact<bool>,
    #[serde(default)]
    pub home: Fact<String>,
    /// Path of hashedPasswordFile (never its content).
    #[serde(default)]
    pub hashed_password_file: Option<Fact<String>>,
    /// Password sources as booleans: the secrets themselves never enter the facts.
    #[serde(default)]
    pub hashed_password: Fact<bool>,
    #[serde(default)]
    pub password: Fact<bool>,
    #[serde(default)]
    pub initial_password: Fact<bool>,
    #[serde(default)]
    pub initial_hashed_password: Fact<bool>,
    #[serde(default)]
    pub authorized_keys: Fact<bool>,
}

/// A home-manager user: the files home-manager writes into the home.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct HomeUser {
    pub name: String,
    #[serde(default)]
    pub home: Fact<String>,
    /// Absolute targets of home.file / xdg.configFile / xdg.dataFile entries.
    #[serde(default)]
    pub files: Collection<HomeFile>,
    /// Enable flags of the home-manager options the knowledge base describes.
    #[serde(default)]
    pub enabled: BTreeMap<String, Fact<bool>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HomeFile {
    /// Relative to the home directory.
    pub target: String,
    /// Which option wrote it (home.file, xdg.configFile, programs.git.enable, ...).
    pub origin: String,
    #[serde(default)]
    pub at: Option<Loc>,
    /// A folder whose files are linked one by one (`recursive = true`): home-manager makes the
    /// folder itself a real directory.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recursive: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Boot {
    #[serde(default)]
    pub initrd_systemd: Fact<bool>,
    /// Scripted-initrd hooks that are set (postDeviceCommands, postResumeCommands, ...).
    #[serde(default)]
    pub scripted_commands: Vec<InitrdCommands>,
    /// boot.initrd.systemd.services with a script.
    #[serde(default)]
    pub initrd_services: Vec<InitrdService>,
    #[serde(default)]
    pub tmp_clean_on_boot: Fact<bool>,
    /// /etc is an overlay with a writable upper directory, /.rw-etc/upper
    /// (`system.etc.overlay.enable` and `.mutable`): what is kept there is kept in /etc.
    #[serde(default)]
    pub etc_overlay_upper: Fact<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InitrdCommands {
    /// The option name, e.g. "boot.initrd.postDeviceCommands".
    pub option: String,
    pub text: Fact<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InitrdService {
    pub name: String,
    pub script: Fact<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct OpenSsh {
    #[serde(default)]
    pub enable: Fact<bool>,
    /// The effective hostKeys (the NixOS default when not set).
    #[serde(default)]
    pub host_keys: Collection<HostKey>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HostKey {
    pub path: Fact<String>,
    #[serde(default)]
    pub key_type: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Sops {
    #[serde(default)]
    pub age_key_file: Option<Fact<String>>,
    #[serde(default)]
    pub age_ssh_key_paths: Collection<Fact<String>>,
    #[serde(default)]
    pub gnupg_home: Option<Fact<String>>,
    #[serde(default)]
    pub gnupg_ssh_key_paths: Collection<Fact<String>>,
    /// Secrets installed by a systemd unit instead of an activation script.
    #[serde(default)]
    pub use_systemd_activation: Fact<bool>,
    /// Where each of `sops.secrets` is installed (unknown when not given).
    #[serde(default = "Collection::unknown")]
    pub secret_paths: Collection<Fact<String>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Agenix {
    #[serde(default)]
    pub identity_paths: Collection<Fact<String>>,
    /// Where each of `age.secrets` is installed (unknown when not given).
    #[serde(default = "Collection::unknown")]
    pub secret_paths: Collection<Fact<String>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SystemdService {
    pub name: String,
    #[serde(default)]
    pub at: Option<Loc>,
    #[serde(default)]
    pub dynamic_user: Fact<bool>,
    #[serde(default)]
    pub state_directories: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Versions {
    #[serde(default)]
    pub nixpkgs: Option<Pin>,
    #[serde(default)]
    pub impermanence: Option<Pin>,
    #[serde(default)]
    pub preservation: Option<Pin>,
    #[serde(default)]
    pub home_manager: Option<Pin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sops_nix: Option<Pin>,
}

/// A locked input revision (flake.lock).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pin {
    #[serde(default)]
    pub rev: Option<String>,
    /// Commit date, YYYY-MM-DD.
    #[serde(default)]
    pub date: Option<String>,
}
