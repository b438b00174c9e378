//! The rule set: one file per rule, each a pure function of the facts (through [`Context`]).
//!
//! A rule's code, name, default severity and documentation live in `rules/<CODE>-<name>.md`,
//! read into the binary here; `explain`, SARIF and the LSP all use that one document.

use crate::analysis::Analysis;
use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::{Host, Loc};
use crate::settings::Settings;

mod dynamic_user_state;
mod hm_fuse_allow_other;
mod hm_removed_option;
mod journal_not_persisted;
mod machine_id_not_early;
mod machine_id_not_persisted;
mod mutable_users_without_password_file;
mod nixos_state_not_persisted;
mod parse_error;
mod password_file_not_early;
mod persist_file_conflict;
mod persist_hides_etc;
mod persist_hides_home_file;
mod persist_nested;
mod persist_shadows_mount;
mod persist_volatile;
mod plaintext_password;
mod rollback_not_run;
mod root_not_ephemeral;
mod secret_key_not_early;
mod service_state_not_persisted;
mod ssh_host_keys_not_persisted;
mod storage_not_needed_for_boot;
mod storage_on_ephemeral_root;
mod suppression_problem;
mod tmpfs_no_size;
mod tmpfs_unsafe_mode;
mod user_without_password;

pub mod etc_targets;

/// What a rule sees: one host's facts, the shared analysis, the user's settings.
pub struct Context<'h> {
    pub host: &'h Host,
    pub analysis: Analysis<'h>,
    pub settings: &'h Settings,
}

pub type CheckFn = fn(&Context, &mut Sink);

/// One registered rule.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub doc: &'static str,
    pub check: CheckFn,
}

impl Rule {
    /// The default severity, from the `severity:` line of the document.
    pub fn severity(&self) -> Severity {
        doc_field(self.doc, "severity")
            .and_then(Severity::parse)
            .unwrap_or(Severity::Error)
    }
    /// The one-line summary, from the `summary:` line of the document.
    pub fn summary(&self) -> &'static str {
        doc_field(self.doc, "summary").unwrap_or("")
    }
}

fn doc_field(doc: &'static str, key: &str) -> Option<&'static str> {
    doc.lines()
        .take(8)
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':').map(str::trim))
}

macro_rules! rules {
    ($($code:literal $name:literal $module:ident,)*) => {
        /// Every rule, in code order.
        pub const ALL: &[Rule] = &[
            $(Rule {
                code: $code,
                name: $name,
                doc: include_str!(concat!("../../rules/", $code, "-", $name, ".md")),
                check: $module::check,
            },)*
        ];
    };
}

rules! {
    "IMP001" "parse-error" parse_error,
    "IMP002" "suppression-problem" suppression_problem,
    "IMP101" "persist-hides-etc" persist_hides_etc,
    "IMP102" "persist-hides-home-file" persist_hides_home_file,
    "IMP103" "persist-file-conflict" persist_file_conflict,
    "IMP104" "persist-nested" persist_nested,
    "IMP105" "persist-shadows-mount" persist_shadows_mount,
    "IMP106" "persist-volatile" persist_volatile,
    "IMP201" "storage-not-needed-for-boot" storage_not_needed_for_boot,
    "IMP202" "storage-on-ephemeral-root" storage_on_ephemeral_root,
    "IMP203" "machine-id-not-early" machine_id_not_early,
    "IMP204" "machine-id-not-persisted" machine_id_not_persisted,
    "IMP205" "secret-key-not-early" secret_key_not_early,
    "IMP206" "password-file-not-early" password_file_not_early,
    "IMP207" "rollback-not-run" rollback_not_run,
    "IMP208" "root-not-ephemeral" root_not_ephemeral,
    "IMP301" "mutable-users-without-password-file" mutable_users_without_password_file,
    "IMP302" "user-without-password" user_without_password,
    "IMP303" "plaintext-password" plaintext_password,
    "IMP401" "tmpfs-no-size" tmpfs_no_size,
    "IMP402" "tmpfs-unsafe-mode" tmpfs_unsafe_mode,
    "IMP501" "ssh-host-keys-not-persisted" ssh_host_keys_not_persisted,
    "IMP502" "nixos-state-not-persisted" nixos_state_not_persisted,
    "IMP503" "dynamic-user-state" dynamic_user_state,
    "IMP504" "service-state-not-persisted" service_state_not_persisted,
    "IMP505" "journal-not-persisted" journal_not_persisted,
    "IMP601" "hm-fuse-allow-other" hm_fuse_allow_other,
    "IMP602" "hm-removed-option" hm_removed_option,
}

/// Finds a rule by code (`IMP101`, any case) or name (`persist-hides-etc`).
pub fn find(key: &str) -> Option<&'static Rule> {
    ALL.iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
}

/// Collects one rule's findings, stamping code, name, severity and host.
pub struct Sink<'a> {
    rule: &'static Rule,
    host: Option<&'a str>,
    out: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub fn new(rule: &'static Rule, host: Option<&'a str>) -> Self {
        Sink {
            rule,
            host,
            out: Vec::new(),
        }
    }

    /// Reports a finding; returns it so the rule can add related places.
    pub fn report(
        &mut self,
        at: Option<&Loc>,
        message: String,
        help: impl Into<Option<String>>,
    ) -> &mut Diagnostic {
        self.out.push(Diagnostic {
            code: self.rule.code,
            rule: self.rule.name,
            severity: self.rule.severity(),
            message,
            help: help.into(),
            at: at.cloned(),
            related: Vec::new(),
            host: self.host.map(str::to_string),
            hosts: Vec::new(),
            fix: None,
        });
        self.out.last_mut().expect("just pushed")
    }

    pub fn finish(self) -> Vec<Diagnostic> {
        self.out
    }
}

/// Runs every selected rule over one host.
pub fn run(host: &Host, settings: &Settings) -> Vec<Diagnostic> {
    let cx = Context {
        host,
        analysis: Analysis::new(host),
        settings,
    };
    let mut out = Vec::new();
    for rule in ALL.iter().filter(|r| settings.is_selected(r)) {
        let mut sink = Sink::new(rule, host.name.as_deref());
        (rule.check)(&cx, &mut sink);
        out.extend(sink.finish().into_iter().map(|mut d| {
            if let Some(sev) = settings.severity_override(rule) {
                d.severity = sev;
            }
            d
        }));
    }
    out
}

/// Lists up to three items, then "and N more".
pub fn list_some(items: &[String]) -> String {
    let shown: Vec<&str> = items.iter().take(3).map(String::as_str).collect();
    match items.len() {
        n if n > 3 => format!("{} and {} more", shown.join(", "), n - 3),
        _ => shown.join(", "),
    }
}

/// The fix that adds a mount option to a filesystem's definition.
pub fn add_mount_option(fs: &crate::facts::FileSystem, option: &str) -> Option<crate::fix::Fix> {
    Some(crate::fix::Fix {
        title: format!(
            "Add \"{option}\" to the options of fileSystems.\"{}\"",
            fs.mount_point
        ),
        kind: crate::fix::FixKind::AddToList {
            def: fs.at.clone()?,
            attr: "options",
            item: option.to_string(),
        },
    })
}

/// Where a finding about a tmpfs mount belongs: the definition that makes it a tmpfs (its
/// `fsType`), else the mount's first definition.
pub fn tmpfs_at(fs: &crate::facts::FileSystem) -> Option<&crate::facts::Loc> {
    fs.fs_type.at.as_ref().or(fs.at.as_ref())
}
