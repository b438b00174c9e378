//! disko: the file systems a `disko.devices` description mounts. disko turns every device with
//! a `mountpoint` into a `fileSystems.<mountpoint>` entry (fsType from the content type, options
//! from `mountOptions`); the configuration may add to those entries (neededForBoot). Reading the
//! description here lets the rules see a disko host's file systems instead of none.

use super::eval::{Eval, Selected};
use super::value::*;
use std::rc::Rc;

/// One file system disko mounts.
pub struct Mount {
    pub mount_point: String,
    pub fs_type: Option<String>,
    /// None when not known.
    pub options: Option<Vec<String>>,
    pub device: Option<String>,
    pub at: Option<Span>,
}

/// Walks `disko.devices`; the bool is false when part of it could not be read.
pub fn mounts(ev: &mut Eval, sys: usize) -> (Vec<Mount>, bool) {
    let mut w = Walker {
        ev,
        out: Vec::new(),
        complete: true,
    };
    let devices = w.ev.config_value(sys, &["disko".into(), "devices".into()]);
    if devices.is_undefined() {
        return (Vec::new(), true);
    }
    if w.ev.as_attrs(&devices).is_none() {
        return (Vec::new(), false);
    }
    for (section, depth_content) in [
        ("disk", true),
        ("lvm_vg", false),
        ("mdadm", true),
        ("zpool", false),
        ("nodev", false),
    ] {
        let Some(items) = w.children(&devices, section) else {
            continue;
        };
        for (name, item) in items {
            match section {
                "nodev" => w.nodev(&name, &item),
                "zpool" => w.zpool(&name, &item),
                "lvm_vg" => {
                    if let Some(lvs) = w.children(&item, "lvs") {
                        for (_, lv) in lvs {
                            w.content_of(&lv);
                        }
                    }
                }
                _ if depth_content => w.content_of(&item),
                _ => {}
            }
        }
    }
    (w.out, w.complete)
}

struct Walker<'e, 'f> {
    ev: &'e mut Eval<'f>,
    out: Vec<Mount>,
    complete: bool,
}

impl Walker<'_, '_> {
    fn field(&mut self, v: &V, key: &str) -> Option<V> {
        match self.ev.select_key(v, key) {
            Selected::Found(x) if x.is_undefined() => None,
            Selected::Found(x) => Some(x),
            Selected::Missing => None,
            Selected::Unknown => {
                self.complete = false;
                None
            }
        }
    }

    fn string(&mut self, v: &V, key: &str) -> Option<String> {
        self.string_at(v, key).map(|(s, _)| s)
    }

    /// A string and where it is written.
    fn string_at(&mut self, v: &V, key: &str) -> Option<(String, Option<Span>)> {
        let x = self.field(v, key)?;
        match &x.kind {
            Val::Str(s) => Some((s.to_string(), x.at)),
            Val::Null => None,
            _ => {
                self.complete = false;
                None
            }
        }
    }

    /// A list of strings: Ok(None) when not set (disko's default applies), Err when it cannot
    /// be known.
    fn strings(&mut self, v: &V, key: &str) -> Result<Option<Vec<String>>, ()> {
        let x = match self.ev.select_key(v, key) {
            Selected::Found(x) if x.is_undefined() => return Ok(None),
            Selected::Found(x) => x,
            Selected::Missing => return Ok(None),
            Selected::Unknown => return Err(()),
        };
        let list = self.ev.as_list(&x).ok_or(())?;
        let mut out = Vec::new();
        for t in list.iter() {
            match self.ev.force(t).as_str() {
                Some(s) => out.push(s.to_string()),
                None => return Err(()),
            }
        }
        Ok(Some(out))
    }

    /// The named children of `v.key` (a set), with their values.
    fn children(&mut self, v: &V, key: &str) -> Option<Vec<(Rc<str>, V)>> {
        let x = self.field(v, key)?;
        let Some(attrs) = self.ev.as_attrs(&x) else {
            self.complete = false;
            return None;
        };
        if attrs.partial {
            self.complete = false;
        }
        let mut out = Vec::new();
        for (k, b) in attrs.map.iter() {
            let mut value = self.ev.force(&b.value.clone());
            // A merged set has no literal of its own: it is where it was defined.
            value.at = value.at.or(b.at);
            out.push((k.clone(), value));
        }
        Some(out)
    }

    fn push(
        &mut self,
        (mount_point, written_at): (String, Option<Span>),
        fs_type: Option<String>,
        item: &V,
        device: Option<String>,
    ) {
        // disko's default mount options are [ "defaults" ].
        let options = match self.strings(item, "mountOptions") {
            Ok(Some(o)) => Some(o),
            Ok(None) => Some(vec!["defaults".to_string()]),
            Err(()) => None,
        };
        self.out.push(Mount {
            mount_point,
            fs_type,
            options,
            device,
            // The mount point's literal, or the item when that was made elsewhere.
            at: written_at.or(item.at),
        });
    }

    /// `disk.<name>` or an LV or partition: its `content`.
    fn content_of(&mut self, item: &V) {
        if let Some(content) = self.field(item, "content") {
            self.content(&content, 0);
        }
    }

    fn content(&mut self, c: &V, depth: usize) {
        if depth > 16 {
            self.complete = false;
            return;
        }
        let Some(kind) = self.string(c, "type") else {
            return;
        };
        match kind.as_str() {
            "gpt" | "table" | "msdos" => {
                for key in ["partitions"] {
                    if let Some(parts) = self.children(c, key) {
                        for (_, part) in parts {
                            if let Some(inner) = self.field(&part, "content") {
                                self.content(&inner, depth + 1);
                            }
                        }
                    }
                }
            }
            "luks" => {
                if let Some(inner) = self.field(c, "content") {
                    self.content(&inner, depth + 1);
                }
            }
            "filesystem" => {
                if let Some(mp) = self.string_at(c, "mountpoint") {
                    let format = self.string(c, "format");
                    self.push(mp, format, c, None);
                }
            }
            "btrfs" => {
                if let Some(mp) = self.string_at(c, "mountpoint") {
                    self.push(mp, Some("btrfs".into()), c, None);
                }
                if let Some(subs) = self.children(c, "subvolumes") {
                    for (_, sub) in subs {
                        if let Some(mp) = self.string_at(&sub, "mountpoint") {
                            self.push(mp, Some("btrfs".into()), &sub, None);
                        }
                    }
                }
            }
            // Pools, volume groups and arrays are walked in their own sections; swap and raw
            // devices mount nothing.
            "zfs" | "lvm_pv" | "mdraid" | "swap" | "bcachefs_member" => {}
            "bcachefs" => {
                if let Some(mp) = self.string_at(c, "mountpoint") {
                    self.push(mp, Some("bcachefs".into()), c, None);
                }
            }
            _ => self.complete = false,
        }
    }

    fn zpool(&mut self, pool: &str, item: &V) {
        if let Some(mp) = self.string_at(item, "mountpoint") {
            self.push(mp, Some("zfs".into()), item, Some(pool.to_string()));
        }
        let Some(datasets) = self.children(item, "datasets") else {
            return;
        };
        for (name, ds) in datasets {
            if self.string(&ds, "type").as_deref() == Some("zfs_volume") {
                if let Some(content) = self.field(&ds, "content") {
                    self.content(&content, 1);
                }
                continue;
            }
            if let Some(mp) = self.string_at(&ds, "mountpoint") {
                self.push(mp, Some("zfs".into()), &ds, Some(format!("{pool}/{name}")));
            }
        }
    }

    fn nodev(&mut self, name: &str, item: &V) {
        let mp = self
            .string_at(item, "mountpoint")
            .unwrap_or_else(|| (name.to_string(), None));
        let fs_type = self.string(item, "fsType");
        self.push(mp, fs_type, item, Some("none".into()));
    }
}
