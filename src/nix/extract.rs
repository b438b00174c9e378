//! Reads the facts the rules need out of an evaluated module system. Values that are not
//! defined take the NixOS default where it is known; values that cannot be known stay Unknown.

use super::eval::Eval;
use super::files::FileId;
use super::value::*;
use crate::facts::*;
use crate::knowledge::{self, Scope};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Scripted-initrd hooks the systemd initrd ignores.
const SCRIPTED_HOOKS: &[&str] = &[
    "preDeviceCommands",
    "preLVMCommands",
    "postDeviceCommands",
    "postResumeCommands",
    "postMountCommands",
];

pub struct Extractor<'e, 'f> {
    pub ev: &'e mut Eval<'f>,
    pub sys: usize,
    /// The pinned nixpkgs date (flake.lock), for defaults that changed between releases.
    pub nixpkgs_date: Option<String>,
}

/// nixpkgs turned the systemd initrd on by default (for new state versions) in late 2025;
/// before this date the default was certainly off.
const SYSTEMD_INITRD_STILL_OFF_BEFORE: &str = "2025-08-01";

fn path(parts: &[&str]) -> Vec<Rc<str>> {
    parts.iter().map(|p| Rc::<str>::from(*p)).collect()
}

fn join(base: &[Rc<str>], more: &[&str]) -> Vec<Rc<str>> {
    let mut p = base.to_vec();
    p.extend(more.iter().map(|m| Rc::<str>::from(*m)));
    p
}

impl<'e, 'f> Extractor<'e, 'f> {
    pub fn loc(&self, span: Option<Span>) -> Option<Loc> {
        let s = span?;
        Some(file_loc(self.ev.files, s.file, s.start, s.end))
    }

    fn get(&mut self, p: &[Rc<str>]) -> V {
        self.ev.new_query();
        self.ev.config_value(self.sys, p)
    }

    fn names(&mut self, p: &[Rc<str>]) -> (Vec<Rc<str>>, bool) {
        self.ev.config_names(self.sys, p)
    }

    fn def_at(&mut self, p: &[Rc<str>]) -> Option<Loc> {
        let s = self.ev.config_def_at(self.sys, p);
        self.loc(s)
    }

    fn bool_fact(&mut self, p: &[Rc<str>], default: Option<bool>) -> Fact<bool> {
        let v = self.get(p);
        match v.kind {
            Val::Bool(b) => Fact::known(b, self.loc(v.at)),
            _ if v.is_undefined() => Fact {
                value: default,
                at: None,
            },
            _ => Fact::unknown(),
        }
    }

    fn str_fact_of(&self, v: &V) -> Fact<String> {
        match &v.kind {
            Val::Str(s) => Fact::known(s.to_string(), self.loc(v.at)),
            Val::Path(p) => Fact::known(p.to_string_lossy().into_owned(), self.loc(v.at)),
            _ => Fact {
                value: None,
                at: self.loc(v.at),
            },
        }
    }

    /// None when undefined or null.
    fn opt_str(&mut self, p: &[Rc<str>]) -> Option<Fact<String>> {
        let v = self.get(p);
        if v.is_undefined() || matches!(v.kind, Val::Null) {
            return None;
        }
        Some(self.str_fact_of(&v))
    }

    /// Whether an option holds a non-empty value ("is a password set?"), never the value.
    fn is_set(&mut self, p: &[Rc<str>]) -> Fact<bool> {
        let v = self.get(p);
        let at = self.loc(v.at);
        match &v.kind {
            _ if v.is_undefined() => Fact::known(false, None),
            Val::Null => Fact::known(false, at),
            Val::Str(_) | Val::Path(_) => Fact::known(true, at),
            Val::List(items) => {
                let items = items.clone();
                if items.is_empty() {
                    return Fact::known(false, at);
                }
                let any_known = items.iter().any(|i| !self.ev.force(i).is_unknown());
                if any_known {
                    Fact::known(true, at)
                } else {
                    Fact::unknown()
                }
            }
            _ => Fact::unknown(),
        }
    }

    fn items(&mut self, v: &V) -> (Vec<V>, bool) {
        match self.ev.as_list(v) {
            Some(list) => {
                let mut out = Vec::new();
                let mut complete = true;
                for t in list.iter() {
                    self.ev.new_query();
                    let x = self.ev.force(t);
                    if x.is_unknown() {
                        complete = false;
                    } else {
                        out.push(x);
                    }
                }
                (out, complete)
            }
            None if v.is_undefined() => (Vec::new(), true),
            None => (Vec::new(), false),
        }
    }

    fn str_list(&mut self, p: &[Rc<str>]) -> (Vec<Fact<String>>, bool) {
        let v = self.get(p);
        let (items, mut complete) = self.items(&v);
        let mut out = Vec::new();
        for x in items {
            let f = self.str_fact_of(&x);
            complete &= f.value.is_some();
            out.push(f);
        }
        (out, complete)
    }

    fn field(&mut self, v: &V, key: &str) -> V {
        match self.ev.select_key(v, key) {
            super::eval::Selected::Found(x) => x,
            super::eval::Selected::Missing => V::undefined(),
            super::eval::Selected::Unknown => V::unknown(),
        }
    }

    // ---- whole host -------------------------------------------------------------------------

    pub fn host(&mut self, name: Option<String>) -> Host {
        let mut host = Host {
            name,
            complete: true,
            ..Host::default()
        };
        host.file_systems = self.file_systems();
        host.users = self.users();
        let homes: BTreeMap<String, String> = host
            .users
            .users
            .iter()
            .filter_map(|u| u.home.as_str().map(|h| (u.name.clone(), h.to_string())))
            .collect();
        let mut roots = self.persistence(
            PersistModule::Impermanence,
            &path(&["environment", "persistence"]),
            &homes,
        );
        let preservation_on = self.bool_fact(&path(&["preservation", "enable"]), Some(false));
        let mut pres = self.persistence(
            PersistModule::Preservation,
            &path(&["preservation", "preserveAt"]),
            &homes,
        );
        for r in &mut pres.items {
            r.enable = preservation_on.clone();
        }
        roots.items.extend(pres.items);
        roots.complete &= pres.complete;
        host.etc = self.etc();
        host.enabled = self.enabled(Scope::Nixos);
        host.boot = self.boot();
        host.openssh = self.openssh(
            host.enabled
                .get("services.openssh.enable")
                .cloned()
                .unwrap_or_default(),
        );
        host.services = self.services();
        host.programs_fuse_user_allow_other =
            self.bool_fact(&path(&["programs", "fuse", "userAllowOther"]), Some(false));
        let externals = self.ev.systems[self.sys].externals.clone();
        if externals.contains("sops-nix") || !self.names(&path(&["sops"])).0.is_empty() {
            host.sops = Some(self.sops(&host.openssh));
        }
        if externals.contains("agenix") || !self.names(&path(&["age"])).0.is_empty() {
            host.agenix = Some(self.agenix(&host.openssh));
        }
        let (hm, hm_roots, legacy) = self.home_manager(&homes);
        host.home_manager = hm;
        roots.items.extend(hm_roots);
        host.persistence = roots;
        host.legacy_hm_imports = legacy;
        let system = &self.ev.systems[self.sys];
        host.modules = system.externals.iter().cloned().collect();
        for s in &system.legacy_hm_imports.clone() {
            if let Some(l) = self.loc(Some(*s)) {
                host.legacy_hm_imports.push(l);
            }
        }
        for (id, at) in self.ev.systems[self.sys].broken_imports.clone() {
            let file = self.ev.files.by_id(id);
            let Some(e) = file.error.as_ref().filter(|e| e.unreadable()) else {
                continue;
            };
            let at = self
                .loc(at)
                .unwrap_or_else(|| file_loc(self.ev.files, id, 0, 0));
            host.source_errors.push(SourceError {
                message: e.message.clone(),
                at,
                help: e.help.map(str::to_string),
            });
        }
        self.note_incomplete_facts(&host);
        if self.ev.truncated {
            self.ev.note_unread(
                "values whose evaluation reached a step or depth limit".to_string(),
                None,
            );
        }
        host.unread = self
            .ev
            .unread
            .clone()
            .into_iter()
            .map(|(what, at)| Unread {
                what,
                at: self.loc(at),
            })
            .collect();
        host.complete = host.unread.is_empty() && !self.ev.systems[self.sys].incomplete;
        host
    }

    /// The facts the rules need that could not be computed completely, as blind spots (a
    /// module that could not be read is already one).
    /// The path of the persistent root whose storage is `storage`: named by it, or with it as
    /// `persistentStoragePath`.
    fn root_path(&mut self, base: &[Rc<str>], storage: &str) -> Vec<Rc<str>> {
        let (names, _) = self.names(base);
        for name in names {
            let p = join(base, &[&name]);
            let explicit = self.opt_str(&join(&p, &["persistentStoragePath"]));
            if explicit.map_or(&*name == storage, |f| f.value.as_deref() == Some(storage)) {
                return p;
            }
        }
        join(base, &[storage])
    }

    /// Where the first item of a root's `directories` or `files` (its users' included) that
    /// could not be computed was written.
    fn unknown_item_at(&mut self, root: &[Rc<str>]) -> Option<Span> {
        if let Some(at) = self.unknown_list_item_at(root) {
            return Some(at);
        }
        let users = join(root, &["users"]);
        if let Some(at) = self.ev.unknown_names_at(self.sys, &users) {
            return Some(at);
        }
        let (names, _) = self.names(&users);
        names
            .iter()
            .find_map(|user| self.unknown_list_item_at(&join(&users, &[user])))
    }

    fn unknown_list_item_at(&mut self, root: &[Rc<str>]) -> Option<Span> {
        for (list, key) in [("directories", "directory"), ("files", "file")] {
            let v = self.get(&join(root, &[list]));
            if v.is_unknown() {
                return v.at;
            }
            let Some(items) = self.ev.as_list(&v) else {
                continue;
            };
            let is_path = |v: &V| matches!(v.kind, Val::Str(_) | Val::Path(_));
            for t in items.iter() {
                let x = self.ev.force(t);
                let unknown = match &x.kind {
                    Val::Attrs(_) => !is_path(&self.field(&x, key)),
                    _ => !is_path(&x),
                };
                if unknown && x.at.is_some() {
                    return x.at;
                }
            }
        }
        None
    }

    fn note_incomplete_facts(&mut self, host: &Host) {
        if self.ev.systems[self.sys].incomplete {
            return;
        }
        let checks: [(&str, bool, &[&str]); 5] = [
            ("fileSystems", host.file_systems.complete, &["fileSystems"]),
            (
                "environment.persistence",
                host.persistence.complete,
                &["environment", "persistence"],
            ),
            (
                "users.users",
                host.users.users.complete,
                &["users", "users"],
            ),
            (
                "environment.etc",
                host.etc.complete,
                &["environment", "etc"],
            ),
            (
                "home-manager.users",
                host.home_manager.complete,
                &["home-manager", "users"],
            ),
        ];
        // The entries of one persistent root (an unknown item in `directories`).
        for root in host.persistence.iter() {
            let base = match root.module {
                PersistModule::Impermanence => ["environment", "persistence"],
                PersistModule::Preservation => ["preservation", "preserveAt"],
                PersistModule::HomeManager => continue,
            };
            if let (false, Some(storage)) = (root.entries.complete, root.storage.value.as_deref()) {
                let p = self.root_path(&path(&base), storage);
                let at = match self.unknown_item_at(&p) {
                    Some(at) => Some(at),
                    None => self.ev.config_def_at(self.sys, &p),
                };
                let what = format!("the entries of {}.\"{storage}\" (partly)", base.join("."));
                self.ev.note_unread(what, at);
            }
        }
        for (name, complete, p) in checks {
            if !complete {
                let p = path(p);
                let at = match self.ev.unknown_names_at(self.sys, &p) {
                    Some(at) => Some(at),
                    None => self.ev.config_def_at(self.sys, &p),
                };
                self.ev
                    .note_unread(format!("the value of {name} (partly)"), at);
            }
        }
    }

    fn file_systems(&mut self) -> Collection<FileSystem> {
        let base = path(&["fileSystems"]);
        let (names, complete) = self.names(&base);
        let disko = self.ev.systems[self.sys].externals.contains("disko");
        let (disko_mounts, disko_complete) = if disko {
            super::disko::mounts(self.ev, self.sys)
        } else {
            (Vec::new(), true)
        };
        let mut out = Collection {
            complete: complete && disko_complete,
            items: Vec::new(),
        };
        // disko's mounts are fileSystems entries too (the configuration may add to them).
        let mut names = names;
        for m in &disko_mounts {
            if !names.iter().any(|n| **n == *m.mount_point) {
                names.push(m.mount_point.as_str().into());
            }
        }
        for mp in names {
            let p = join(&base, &[&mp]);
            let v = self.get(&p);
            let from_disko = disko_mounts.iter().find(|m| *m.mount_point == *mp);
            if v.is_undefined() && from_disko.is_none() {
                continue;
            }
            let at = self.def_at(&p);
            let fs_type = self.get(&join(&p, &["fsType"]));
            let fs_type = match (fs_type.is_undefined(), from_disko) {
                (true, Some(m)) => Fact {
                    value: m.fs_type.clone(),
                    at: self.loc(m.at),
                },
                // disko is imported but does not mount it: not known here.
                (true, None) if disko => Fact::unknown(),
                (true, None) => Fact::known("auto".to_string(), None),
                (false, _) => self.str_fact_of(&fs_type),
            };
            let device = self.get(&join(&p, &["device"]));
            let device = match (device.is_undefined(), from_disko) {
                (true, Some(m)) => Fact {
                    value: m.device.clone(),
                    at: None,
                },
                (true, None) => Fact::unknown(),
                (false, _) => self.str_fact_of(&device),
            };
            let (mut opts, opts_complete) = self.str_list(&join(&p, &["options"]));
            if let Some(extra) = from_disko.and_then(|m| m.options.clone()) {
                opts.extend(extra.into_iter().map(|o| Fact::known(o, None)));
            }
            let options = if opts_complete && from_disko.is_none_or(|m| m.options.is_some()) {
                Fact::known(opts.into_iter().filter_map(|f| f.value).collect(), None)
            } else {
                Fact::unknown()
            };
            let needed_for_boot = self.bool_fact(&join(&p, &["neededForBoot"]), Some(false));
            out.items.push(FileSystem {
                mount_point: mp.to_string(),
                at: at.or_else(|| from_disko.and_then(|m| self.loc(m.at))),
                fs_type,
                device,
                options,
                needed_for_boot,
            });
        }
        out
    }

    /// One persistence option (impermanence or preservation): roots, their entries and users.
    fn persistence(
        &mut self,
        module: PersistModule,
        base: &[Rc<str>],
        homes: &BTreeMap<String, String>,
    ) -> Collection<PersistRoot> {
        let (names, complete) = self.names(base);
        let mut out = Collection {
            complete,
            items: Vec::new(),
        };
        for name in names {
            let p = join(base, &[&name]);
            let at = self.def_at(&p);
            let storage = match self.opt_str(&join(&p, &["persistentStoragePath"])) {
                Some(s) => s,
                None => Fact::known(name.to_string(), at.clone()),
            };
            let enable = self.bool_fact(&join(&p, &["enable"]), Some(true));
            let mut entries = Collection::default();
            self.entries(&p, module, None, None, &mut entries);
            let (users, users_complete) = self.names(&join(&p, &["users"]));
            entries.complete &= users_complete;
            for user in users {
                let up = join(&p, &["users", &user]);
                let home = match self.opt_str(&join(&up, &["home"])) {
                    Some(h) => h.value,
                    None => Some(
                        homes
                            .get(&*user)
                            .cloned()
                            .unwrap_or_else(|| format!("/home/{user}")),
                    ),
                };
                match home {
                    Some(home) => self.entries(&up, module, Some(&user), Some(&home), &mut entries),
                    None => entries.complete = false,
                }
            }
            out.items.push(PersistRoot {
                module,
                storage,
                at,
                enable,
                user: None,
                entries,
                legacy_options: Vec::new(),
                allow_other: Fact::unknown(),
            });
        }
        out
    }

    /// The directories and files lists under `p` (strings or { directory/file = ...; } sets).
    fn entries(
        &mut self,
        p: &[Rc<str>],
        module: PersistModule,
        user: Option<&str>,
        home: Option<&str>,
        out: &mut Collection<PersistEntry>,
    ) {
        for (list, kind, key) in [
            ("directories", EntryKind::Dir, "directory"),
            ("files", EntryKind::File, "file"),
        ] {
            let v = self.get(&join(p, &[list]));
            let (items, complete) = self.items(&v);
            out.complete &= complete;
            for item in items {
                let (path_v, attrs) = match &item.kind {
                    Val::Str(_) => (item.clone(), None),
                    Val::Attrs(_) => (self.field(&item, key), Some(item.clone())),
                    _ => {
                        out.complete = false;
                        continue;
                    }
                };
                let mut path = self.str_fact_of(&path_v);
                if let (Some(home), Some(rel)) = (home, path.value.clone()) {
                    path.value = crate::facts::path::join(home, &rel);
                }
                if path.value.is_none() {
                    out.complete = false;
                }
                let mut entry = PersistEntry {
                    path,
                    kind,
                    user: user.map(str::to_string),
                    mode: Fact::unknown(),
                    in_initrd: Fact::unknown(),
                    how: None,
                };
                if module == PersistModule::Preservation {
                    entry.in_initrd = Fact::known(false, None);
                }
                // impermanence and preservation create a directory with mode 0755 unless told.
                if kind == EntryKind::Dir {
                    entry.mode = Fact::known("0755".to_string(), None);
                }
                if let Some(a) = attrs {
                    let mode = self.field(&a, "mode");
                    if !mode.is_undefined() {
                        entry.mode = self.str_fact_of(&mode);
                    }
                    let init = self.field(&a, "inInitrd");
                    match init.kind {
                        Val::Bool(b) => entry.in_initrd = Fact::known(b, self.loc(init.at)),
                        _ if init.is_undefined() => {}
                        _ => entry.in_initrd = Fact::unknown(),
                    }
                    for k in ["how", "method"] {
                        if let Val::Str(s) = self.field(&a, k).kind {
                            entry.how = Some(s.to_string());
                        }
                    }
                }
                out.items.push(entry);
            }
        }
    }

    fn etc(&mut self) -> Collection<EtcFile> {
        let base = path(&["environment", "etc"]);
        let (names, complete) = self.names(&base);
        let mut out = Collection {
            complete,
            items: Vec::new(),
        };
        for name in names {
            let p = join(&base, &[&name]);
            let at = self.def_at(&p);
            let target = match self.opt_str(&join(&p, &["target"])).and_then(|t| t.value) {
                Some(t) => t,
                None => name.to_string(),
            };
            let source = self.get(&join(&p, &["source"]));
            let source_path = match &source.kind {
                Val::Str(_) => Some(self.str_fact_of(&source)),
                // A Nix path is copied into the store.
                Val::Path(_) => Some(Fact::known(
                    "/nix/store/<source>".to_string(),
                    self.loc(source.at),
                )),
                _ => None,
            };
            let enable = self.bool_fact(&join(&p, &["enable"]), Some(true));
            out.items.push(EtcFile {
                target,
                at,
                source_path,
                enable,
            });
        }
        out
    }

    fn enabled(&mut self, scope: Scope) -> BTreeMap<String, Fact<bool>> {
        let mut out = BTreeMap::new();
        for (option, default) in knowledge::options(scope) {
            let p: Vec<&str> = option.split('.').collect();
            let fact = self.bool_fact(&path(&p), default);
            out.insert(option.to_string(), fact);
        }
        // Options that move a module's files: whether they are set.
        for option in knowledge::home_dir_options(scope) {
            let p: Vec<&str> = option.split('.').collect();
            let fact = self.is_set(&path(&p));
            out.insert(option.to_string(), fact);
        }
        out
    }

    fn users(&mut self) -> Users {
        let mutable_users = self.bool_fact(&path(&["users", "mutableUsers"]), Some(true));
        let base = path(&["users", "users"]);
        let (names, complete) = self.names(&base);
        let mut users = Collection {
            complete,
            items: Vec::new(),
        };
        for name in names {
            let p = join(&base, &[&name]);
            if self.get(&p).is_undefined() {
                continue;
            }
            let at = self.def_at(&p);
            let is_normal_user = self.bool_fact(&join(&p, &["isNormalUser"]), Some(false));
            let home = match self.opt_str(&join(&p, &["home"])) {
                Some(h) => h,
                None if is_normal_user.is_true() => Fact::known(format!("/home/{name}"), None),
                None if &*name == "root" => Fact::known("/root".to_string(), None),
                None => Fact::known("/var/empty".to_string(), None),
            };
            let hashed_password_file = self
                .opt_str(&join(&p, &["hashedPasswordFile"]))
                .or_else(|| self.opt_str(&join(&p, &["passwordFile"])));
            let keys = self.is_set(&join(&p, &["openssh", "authorizedKeys", "keys"]));
            let key_files = self.is_set(&join(&p, &["openssh", "authorizedKeys", "keyFiles"]));
            let authorized_keys = match (keys.value, key_files.value) {
                (Some(true), _) | (_, Some(true)) => Fact::known(true, keys.at.or(key_files.at)),
                (Some(false), Some(false)) => Fact::known(false, None),
                _ => Fact::unknown(),
            };
            users.items.push(User {
                name: name.to_string(),
                at,
                is_normal_user,
                home,
                hashed_password_file,
                hashed_password: self.is_set(&join(&p, &["hashedPassword"])),
                password: self.is_set(&join(&p, &["password"])),
                initial_password: self.is_set(&join(&p, &["initialPassword"])),
                initial_hashed_password: self.is_set(&join(&p, &["initialHashedPassword"])),
                authorized_keys,
            });
        }
        Users {
            mutable_users,
            users,
        }
    }

    fn boot(&mut self) -> Boot {
        let old_nixpkgs = self
            .nixpkgs_date
            .as_deref()
            .is_some_and(|d| d < SYSTEMD_INITRD_STILL_OFF_BEFORE);
        let initrd_systemd = self.bool_fact(
            &path(&["boot", "initrd", "systemd", "enable"]),
            old_nixpkgs.then_some(false),
        );
        let mut scripted_commands = Vec::new();
        for hook in SCRIPTED_HOOKS {
            let v = self.get(&path(&["boot", "initrd", hook]));
            if v.is_undefined() {
                continue;
            }
            let text = self.str_fact_of(&v);
            scripted_commands.push(InitrdCommands {
                option: format!("boot.initrd.{hook}"),
                text,
            });
        }
        let base = path(&["boot", "initrd", "systemd", "services"]);
        let (names, _) = self.names(&base);
        let mut initrd_services = Vec::new();
        for name in names {
            // What the unit runs: its `script`, or the command lines of `ExecStart`.
            let mut v = self.get(&join(&base, &[&name, "script"]));
            if v.is_undefined() {
                v = self.get(&join(&base, &[&name, "serviceConfig", "ExecStart"]));
            }
            if v.is_undefined() {
                continue;
            }
            let script = match &v.kind {
                Val::List(_) => {
                    let (items, complete) = self.items(&v);
                    let lines: Option<Vec<String>> =
                        items.iter().map(|i| self.str_fact_of(i).value).collect();
                    Fact {
                        value: lines.filter(|_| complete).map(|l| l.join("\n")),
                        at: self.loc(v.at),
                    }
                }
                _ => self.str_fact_of(&v),
            };
            initrd_services.push(InitrdService {
                name: name.to_string(),
                script,
            });
        }
        let mut tmp_clean_on_boot = self.bool_fact(&path(&["boot", "tmp", "cleanOnBoot"]), None);
        if tmp_clean_on_boot.value.is_none() {
            tmp_clean_on_boot = self.bool_fact(&path(&["boot", "cleanTmpDir"]), Some(false));
        }
        // nixos/modules/system/etc/etc.nix: the overlay is off by default; when on, it is
        // mutable by default, with its upper directory at /.rw-etc/upper.
        let overlay = self.bool_fact(&path(&["system", "etc", "overlay", "enable"]), Some(false));
        let mutable = self.bool_fact(&path(&["system", "etc", "overlay", "mutable"]), Some(true));
        let etc_overlay_upper = Fact {
            value: match (overlay.value, mutable.value) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            at: overlay.at,
        };
        Boot {
            initrd_systemd,
            scripted_commands,
            initrd_services,
            tmp_clean_on_boot,
            etc_overlay_upper,
        }
    }

    fn openssh(&mut self, enable: Fact<bool>) -> OpenSsh {
        // Not set: the evaluator gives NixOS's default keys.
        let v = self.get(&path(&["services", "openssh", "hostKeys"]));
        let (items, complete) = self.items(&v);
        let mut host_keys = Collection {
            complete,
            items: Vec::new(),
        };
        for item in items {
            let p = self.field(&item, "path");
            let t = self.field(&item, "type");
            let path = self.str_fact_of(&p);
            host_keys.complete &= path.value.is_some();
            host_keys.items.push(HostKey {
                path,
                key_type: t.as_str().map(str::to_string),
            });
        }
        OpenSsh { enable, host_keys }
    }

    /// SSH host key paths of the given types, as defaults of secret-manager options.
    fn host_key_paths(ssh: &OpenSsh, types: &[&str]) -> Collection<Fact<String>> {
        if !ssh.enable.is_true() {
            return Collection {
                complete: ssh.enable.value.is_some(),
                items: Vec::new(),
            };
        }
        let items = ssh
            .host_keys
            .iter()
            .filter(|k| k.key_type.as_deref().is_some_and(|t| types.contains(&t)))
            .map(|k| Fact {
                value: k.path.value.clone(),
                at: k.path.at.clone().or(ssh.enable.at.clone()),
            })
            .collect();
        Collection {
            complete: ssh.host_keys.complete,
            items,
        }
    }

    fn sops(&mut self, ssh: &OpenSsh) -> Sops {
        let age_key_file = self.opt_str(&path(&["sops", "age", "keyFile"]));
        let gnupg_home = self.opt_str(&path(&["sops", "gnupg", "home"]));
        let ssh_paths = path(&["sops", "age", "sshKeyPaths"]);
        let age_ssh_key_paths = if self.get(&ssh_paths).is_undefined() {
            if gnupg_home.is_none() {
                Self::host_key_paths(ssh, &["ed25519"])
            } else {
                Collection::default()
            }
        } else {
            let (items, complete) = self.str_list(&ssh_paths);
            Collection { complete, items }
        };
        let (gpg_items, gpg_complete) = self.str_list(&path(&["sops", "gnupg", "sshKeyPaths"]));
        let use_systemd_activation =
            self.bool_fact(&path(&["sops", "useSystemdActivation"]), Some(false));
        let secret_paths = self.secret_paths(&["sops", "secrets"], |name, for_users| {
            if for_users {
                format!("/run/secrets-for-users/{name}")
            } else {
                format!("/run/secrets/{name}")
            }
        });
        Sops {
            secret_paths,
            age_key_file,
            age_ssh_key_paths,
            gnupg_home,
            gnupg_ssh_key_paths: Collection {
                complete: gpg_complete,
                items: gpg_items,
            },
            use_systemd_activation,
        }
    }

    fn agenix(&mut self, ssh: &OpenSsh) -> Agenix {
        let p = path(&["age", "identityPaths"]);
        let identity_paths = if self.get(&p).is_undefined() {
            Self::host_key_paths(ssh, &["ed25519", "rsa"])
        } else {
            let (items, complete) = self.str_list(&p);
            Collection { complete, items }
        };
        let secret_paths =
            self.secret_paths(&["age", "secrets"], |name, _| format!("/run/agenix/{name}"));
        Agenix {
            identity_paths,
            secret_paths,
        }
    }

    /// Where the secrets under `base` are installed: each one's `path`, or the module's
    /// default (from its name, and neededForUsers for sops) when it sets none.
    fn secret_paths(
        &mut self,
        base: &[&str],
        default: impl Fn(&str, bool) -> String,
    ) -> Collection<Fact<String>> {
        let base = path(base);
        let (names, mut complete) = self.names(&base);
        let mut items = Vec::new();
        for name in names {
            let p = join(&base, &[&name]);
            let v = self.get(&join(&p, &["path"]));
            if v.is_undefined() {
                let for_users = self.get(&join(&p, &["neededForUsers"]));
                match for_users.kind {
                    Val::Bool(b) => items.push(Fact::known(default(&name, b), None)),
                    _ if for_users.is_undefined() => {
                        items.push(Fact::known(default(&name, false), None))
                    }
                    _ => complete = false,
                }
                continue;
            }
            let f = self.str_fact_of(&v);
            complete &= f.value.is_some();
            items.push(f);
        }
        Collection { complete, items }
    }

    fn services(&mut self) -> Collection<SystemdService> {
        let base = path(&["systemd", "services"]);
        let (names, complete) = self.names(&base);
        let mut out = Collection {
            complete,
            items: Vec::new(),
        };
        for name in names {
            let sc = join(&base, &[&name, "serviceConfig"]);
            let declared = !self.get(&join(&sc, &["DynamicUser"])).is_undefined();
            let dynamic_user = self.bool_fact(&join(&sc, &["DynamicUser"]), Some(false));
            let state = self.get(&join(&sc, &["StateDirectory"]));
            let state_directories: Vec<String> = match &state.kind {
                Val::Str(s) => s.split_whitespace().map(str::to_string).collect(),
                Val::List(_) => {
                    let (items, _) = self.items(&state);
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect()
                }
                _ => Vec::new(),
            };
            // Kept when DynamicUser is set either way (turning it off for a service the
            // knowledge base knows as dynamic matters too).
            if !declared && state_directories.is_empty() {
                continue;
            }
            let at = self.def_at(&join(&base, &[&name]));
            out.items.push(SystemdService {
                name: name.to_string(),
                at,
                dynamic_user,
                state_directories,
            });
        }
        out
    }

    // ---- home-manager -----------------------------------------------------------------------

    fn home_manager(
        &mut self,
        homes: &BTreeMap<String, String>,
    ) -> (Collection<HomeUser>, Vec<PersistRoot>, Vec<Loc>) {
        let base = path(&["home-manager", "users"]);
        let (names, complete) = self.names(&base);
        let mut users = Collection {
            complete,
            items: Vec::new(),
        };
        let mut roots = Vec::new();
        let mut legacy = Vec::new();
        for name in names {
            let Some(hm) = self.ev.home_manager_system(self.sys, &name) else {
                continue;
            };
            let mut sub = Extractor {
                ev: self.ev,
                sys: hm,
                nixpkgs_date: None,
            };
            let home_v = sub.opt_str(&path(&["home", "homeDirectory"]));
            let home = home_v
                .and_then(|h| h.value)
                .or_else(|| homes.get(&*name).cloned())
                .unwrap_or_else(|| format!("/home/{name}"));
            let mut files = sub.home_files();
            files.complete &= !sub.ev.systems[hm].incomplete;
            let enabled = sub.enabled(Scope::HomeManager);
            roots.extend(sub.hm_persistence(&name, &home));
            for s in sub.ev.systems[hm].legacy_hm_imports.clone() {
                if let Some(l) = sub.loc(Some(s)) {
                    legacy.push(l);
                }
            }
            users.items.push(HomeUser {
                name: name.to_string(),
                home: Fact::known(home, None),
                files,
                enabled,
            });
        }
        (users, roots, legacy)
    }

    fn home_files(&mut self) -> Collection<HomeFile> {
        let mut out = Collection::default();
        for (option, prefix) in [
            ("home.file", ""),
            ("xdg.configFile", ".config/"),
            ("xdg.dataFile", ".local/share/"),
        ] {
            let base: Vec<&str> = option.split('.').collect();
            let base = path(&base);
            let (names, complete) = self.names(&base);
            out.complete &= complete;
            for name in names {
                let p = join(&base, &[&name]);
                if self
                    .bool_fact(&join(&p, &["enable"]), Some(true))
                    .is_false()
                {
                    continue;
                }
                let target = self
                    .opt_str(&join(&p, &["target"]))
                    .and_then(|t| t.value)
                    .unwrap_or_else(|| name.to_string());
                let at = self.def_at(&p);
                let recursive = self
                    .bool_fact(&join(&p, &["recursive"]), Some(false))
                    .is_true();
                out.items.push(HomeFile {
                    target: format!("{prefix}{target}"),
                    origin: format!("{option}.\"{name}\""),
                    at,
                    recursive,
                });
            }
        }
        out
    }

    /// impermanence's older home-manager module: `home.persistence.<storage>`.
    fn hm_persistence(&mut self, user: &str, home: &str) -> Vec<PersistRoot> {
        let base = path(&["home", "persistence"]);
        // An option of the configuration's own with that name (forwarded to the NixOS module
        // by its own code) is not impermanence's.
        if self.ev.declares_option(self.sys, &base) {
            return Vec::new();
        }
        let (names, complete) = self.names(&base);
        let mut out = Vec::new();
        for name in names {
            let p = join(&base, &[&name]);
            let at = self.def_at(&p);
            let storage = match self.opt_str(&join(&p, &["persistentStoragePath"])) {
                Some(s) => s,
                None => Fact::known(name.to_string(), at.clone()),
            };
            let mut entries = Collection {
                complete,
                items: Vec::new(),
            };
            self.entries(
                &p,
                PersistModule::HomeManager,
                Some(user),
                Some(home),
                &mut entries,
            );
            let mut legacy_options = Vec::new();
            let allow_other_v = self.get(&join(&p, &["allowOther"]));
            let allow_other = match allow_other_v.kind {
                Val::Bool(b) => Fact::known(b, self.loc(allow_other_v.at)),
                _ if allow_other_v.is_undefined() => Fact::known(false, None),
                _ => Fact::unknown(),
            };
            for opt in ["allowOther", "removePrefixDirectory"] {
                let v = self.get(&join(&p, &[opt]));
                // Set to a known value: an unknown one may come from a block that is not there
                // at all (`optionalAttrs cond { ... }` with cond unknown).
                if !v.is_undefined() && !v.is_unknown() {
                    let at = self.loc(v.at).or_else(|| at.clone());
                    legacy_options.push(LegacyOption {
                        name: format!("home.persistence.\"{name}\".{opt}"),
                        at,
                    });
                }
            }
            for e in &entries.items {
                if e.how.is_some() {
                    legacy_options.push(LegacyOption {
                        name: format!("home.persistence.\"{name}\" entry method"),
                        at: e.path.at.clone(),
                    });
                }
            }
            out.push(PersistRoot {
                module: PersistModule::HomeManager,
                storage,
                at,
                enable: Fact::known(true, None),
                user: Some(user.to_string()),
                entries,
                legacy_options,
                allow_other,
            });
        }
        out
    }
}

/// A loc for a file-level problem.
pub fn file_loc(files: &super::files::Files, id: FileId, start: u32, end: u32) -> Loc {
    Loc {
        file: files.by_id(id).path.to_string_lossy().into_owned(),
        start,
        end,
    }
}
