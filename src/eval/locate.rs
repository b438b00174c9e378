//! From "defined in this file" to "written on this line": `nix eval` knows which file defines an
//! option, not where in it. Each file is parsed once (with the static frontend's parser) and
//! indexed by its string literals and by the full attribute path of each binding; a fact is then
//! placed on the literal holding its value, or on the binding of its option.

use crate::access::Access;
use crate::facts::{Fact, Host, Loc};
use rnix::SyntaxKind;
use rnix::ast::{self, InterpolPart};
use rowan::ast::AstNode;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

struct FileIndex {
    path: PathBuf,
    text: Arc<str>,
    /// Plain string literals: content and byte range.
    strings: Vec<(String, u32, u32)>,
    /// Bindings: full attribute path (outer bindings included) and byte range.
    bindings: Vec<(Vec<String>, u32, u32)>,
}

enum Needle<'a> {
    /// A string literal with this content.
    Str(&'a str),
    /// A binding whose full attribute path ends with these names.
    Path(Vec<&'a str>),
}

pub struct Locator {
    /// The checkout a flake was copied from, to map `/nix/store/…-source/x.nix` back to `x.nix`.
    local: Option<PathBuf>,
    /// Only files inside the checked tree are read.
    access: Access,
    files: HashMap<String, Option<FileIndex>>,
}

/// `/nix/store/<hash>-source/rest` → `rest`.
fn store_source_rest(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("/nix/store/")?;
    let (name, rest) = rest.split_once('/')?;
    (name.len() > 33 && name.ends_with("-source")).then_some(rest)
}

fn index(access: &Access, path: PathBuf) -> Option<FileIndex> {
    let (_, bytes) = access.read(&path).ok()?;
    let text: Arc<str> = String::from_utf8(bytes).ok()?.into();
    let parse = rnix::Root::parse(&text);
    if !parse.errors().is_empty() {
        return Some(FileIndex {
            path,
            text,
            strings: Vec::new(),
            bindings: Vec::new(),
        });
    }
    let root = parse.syntax();
    let mut strings = Vec::new();
    let mut bindings = Vec::new();
    let range = |n: &rnix::SyntaxNode| {
        (
            u32::from(n.text_range().start()),
            u32::from(n.text_range().end()),
        )
    };
    for node in root.descendants() {
        match node.kind() {
            SyntaxKind::NODE_STRING => {
                let Some(s) = ast::Str::cast(node.clone()) else {
                    continue;
                };
                let parts = s.normalized_parts();
                if let [InterpolPart::Literal(lit)] = parts.as_slice() {
                    let (a, b) = range(&node);
                    strings.push((lit.clone(), a, b));
                }
            }
            SyntaxKind::NODE_ATTRPATH_VALUE => {
                let mut full: Vec<String> = Vec::new();
                for anc in node
                    .ancestors()
                    .filter(|a| a.kind() == SyntaxKind::NODE_ATTRPATH_VALUE)
                {
                    let names = ast::AttrpathValue::cast(anc)
                        .and_then(|a| a.attrpath())
                        .map(|p| attr_names(&p))
                        .unwrap_or_default();
                    full.splice(0..0, names);
                }
                let (a, b) = range(&node);
                bindings.push((full, a, b));
            }
            _ => {}
        }
    }
    Some(FileIndex {
        path,
        text,
        strings,
        bindings,
    })
}

fn attr_names(p: &ast::Attrpath) -> Vec<String> {
    p.attrs()
        .map(|a| match a {
            ast::Attr::Ident(i) => i.syntax().text().to_string(),
            ast::Attr::Str(s) => match s.normalized_parts().as_slice() {
                [InterpolPart::Literal(l)] => l.clone(),
                _ => "${…}".to_string(),
            },
            ast::Attr::Dynamic(_) => "${…}".to_string(),
        })
        .collect()
}

impl Locator {
    pub fn new(local: Option<&Path>, access: Access) -> Self {
        Locator {
            access,
            local: local.map(Path::to_path_buf),
            files: HashMap::new(),
        }
    }

    /// The source texts read, for the reporters.
    pub fn texts(&self) -> Vec<(PathBuf, Arc<str>)> {
        self.files
            .values()
            .flatten()
            .map(|f| (f.path.clone(), f.text.clone()))
            .collect()
    }

    fn file(&mut self, file: &str) -> Option<&FileIndex> {
        let local = self.local.clone();
        let access = self.access.clone();
        self.files
            .entry(file.to_string())
            .or_insert_with(|| {
                // A flake in a subfolder of a git repository is copied with the whole
                // repository: the rest is relative to the work tree, not to the flake.
                let mapped = match (store_source_rest(file), &local) {
                    (Some(rest), Some(dir)) => std::iter::once(dir.clone())
                        .chain(crate::access::git_work_tree(dir))
                        .map(|d| d.join(rest))
                        .find(|p| p.is_file())
                        .unwrap_or_else(|| PathBuf::from(file)),
                    _ => PathBuf::from(file),
                };
                index(&access, mapped)
            })
            .as_ref()
    }

    /// Rewrites a file-level location (start = end = 0) to the needle's place in the file.
    fn place(&mut self, at: &mut Option<Loc>, needles: &[Needle]) {
        let Some(loc) = at.as_mut() else { return };
        if loc.start != 0 || loc.end != 0 {
            return;
        }
        let Some(f) = self.file(&loc.file) else {
            return;
        };
        let found = needles.iter().find_map(|n| match n {
            Needle::Str(s) => f
                .strings
                .iter()
                .find(|(c, _, _)| c == s)
                .map(|(_, a, b)| (*a, *b)),
            Needle::Path(p) => f
                .bindings
                .iter()
                .find(|(full, _, _)| {
                    full.len() >= p.len()
                        && full[full.len() - p.len()..]
                            .iter()
                            .zip(p)
                            .all(|(x, y)| x == y)
                })
                .map(|(_, a, b)| (*a, *b)),
        });
        loc.file = f.path.to_string_lossy().into_owned();
        if let Some((a, b)) = found {
            loc.start = a;
            loc.end = b;
        }
    }

    fn fact_str(&mut self, f: &mut Fact<String>, option: &[&str]) {
        let value = f.value.clone();
        let mut needles = Vec::new();
        if let Some(v) = value.as_deref() {
            needles.push(Needle::Str(v));
        }
        needles.push(Needle::Path(option.to_vec()));
        self.place(&mut f.at, &needles);
    }

    fn fact_opt<T>(&mut self, f: &mut Fact<T>, option: &[&str]) {
        self.place(&mut f.at, &[Needle::Path(option.to_vec())]);
    }

    /// Places every location of a host's facts.
    pub fn host(&mut self, h: &mut Host) {
        for fs in &mut h.file_systems.items {
            let mp = fs.mount_point.clone();
            self.place(
                &mut fs.at,
                &[Needle::Path(vec!["fileSystems", &mp]), Needle::Str(&mp)],
            );
            self.fact_str(&mut fs.fs_type, &["fileSystems", &mp, "fsType"]);
            self.fact_str(&mut fs.device, &["fileSystems", &mp, "device"]);
            self.fact_opt(
                &mut fs.needed_for_boot,
                &["fileSystems", &mp, "neededForBoot"],
            );
        }
        let homes: HashMap<String, String> = h
            .users
            .users
            .iter()
            .filter_map(|u| {
                u.home
                    .as_str()
                    .map(|home| (u.name.clone(), home.to_string()))
            })
            .collect();
        for root in &mut h.persistence.items {
            let storage = root.storage.value.clone().unwrap_or_default();
            let option = root
                .module
                .option_name()
                .split('.')
                .chain([storage.as_str()])
                .collect::<Vec<_>>();
            self.place(
                &mut root.at,
                &[Needle::Path(option.clone()), Needle::Str(&storage)],
            );
            self.place(
                &mut root.storage.at,
                &[Needle::Path(option), Needle::Str(&storage)],
            );
            for e in &mut root.entries.items {
                let Some(abs) = e.path.value.clone() else {
                    continue;
                };
                let home = e.user.as_ref().map(|u| {
                    homes
                        .get(u)
                        .cloned()
                        .unwrap_or_else(|| format!("/home/{u}"))
                });
                let rel = home
                    .as_deref()
                    .and_then(|h| abs.strip_prefix(h))
                    .map(|r| r.trim_start_matches('/').to_string());
                let mut needles = vec![Needle::Str(&abs)];
                if let Some(r) = rel.as_deref() {
                    needles.push(Needle::Str(r));
                }
                let mut at = e.path.at.take();
                self.place(&mut at, &needles);
                e.path.at = at;
            }
        }
        for e in &mut h.etc.items {
            let t = e.target.clone();
            self.place(&mut e.at, &[Needle::Path(vec!["environment", "etc", &t])]);
            if let Some(src) = &mut e.source_path {
                self.fact_str(src, &["environment", "etc", &t, "source"]);
            }
        }
        for (option, f) in h.enabled.iter_mut() {
            let path: Vec<&str> = option.split('.').collect();
            self.place(&mut f.at, &[Needle::Path(path)]);
        }
        self.fact_opt(&mut h.users.mutable_users, &["users", "mutableUsers"]);
        for u in &mut h.users.users.items {
            let n = u.name.clone();
            self.place(&mut u.at, &[Needle::Path(vec!["users", "users", &n])]);
            if let Some(f) = &mut u.hashed_password_file {
                self.fact_str(f, &["users", "users", &n, "hashedPasswordFile"]);
            }
            for (key, f) in [
                ("password", &mut u.password),
                ("initialPassword", &mut u.initial_password),
                ("hashedPassword", &mut u.hashed_password),
                ("initialHashedPassword", &mut u.initial_hashed_password),
            ] {
                self.place(
                    &mut f.at,
                    &[
                        Needle::Path(vec!["users", "users", &n, key]),
                        Needle::Path(vec![&n, key]),
                    ],
                );
            }
        }
        self.fact_opt(
            &mut h.boot.initrd_systemd,
            &["boot", "initrd", "systemd", "enable"],
        );
        for c in &mut h.boot.scripted_commands {
            let option = c.option.clone();
            let path: Vec<&str> = option.split('.').collect();
            self.place(&mut c.text.at, &[Needle::Path(path)]);
        }
        for s in &mut h.boot.initrd_services {
            let n = s.name.clone();
            self.place(
                &mut s.script.at,
                &[
                    Needle::Path(vec!["services", &n, "script"]),
                    Needle::Path(vec!["services", &n]),
                ],
            );
        }
        self.fact_opt(&mut h.openssh.enable, &["services", "openssh", "enable"]);
        for k in &mut h.openssh.host_keys.items {
            self.fact_str(&mut k.path, &["services", "openssh", "hostKeys"]);
        }
        if let Some(s) = &mut h.sops {
            if let Some(f) = &mut s.age_key_file {
                self.fact_str(f, &["sops", "age", "keyFile"]);
            }
            if let Some(f) = &mut s.gnupg_home {
                self.fact_str(f, &["sops", "gnupg", "home"]);
            }
            for f in s
                .age_ssh_key_paths
                .items
                .iter_mut()
                .chain(s.gnupg_ssh_key_paths.items.iter_mut())
            {
                self.fact_str(f, &["sshKeyPaths"]);
            }
        }
        if let Some(a) = &mut h.agenix {
            for f in &mut a.identity_paths.items {
                self.fact_str(f, &["age", "identityPaths"]);
            }
        }
        for s in &mut h.services.items {
            let n = s.name.clone();
            self.place(&mut s.at, &[Needle::Path(vec!["systemd", "services", &n])]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_paths_of_flake_sources() {
        assert_eq!(
            store_source_rest("/nix/store/0123456789abcdefghijklmnopqrstuv-source/modules/a.nix"),
            Some("modules/a.nix")
        );
        assert_eq!(store_source_rest("/home/x/a.nix"), None);
    }
}
