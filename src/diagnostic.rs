//! Findings as rules produce them and reporters read them.

use crate::facts::Loc;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary place that explains a finding ("written here", "mounted here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub at: Loc,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    /// What breaks: lowercase, no final period.
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
    pub at: Option<Loc>,
    pub related: Vec<Related>,
    /// The first host the finding belongs to (None outside named hosts).
    pub host: Option<String>,
    /// Every host in which the same finding holds at the same place: one cause, one diagnostic.
    pub hosts: Vec<String>,
    /// The mechanical repair, when there is one (quick fix, `check --fix`).
    pub fix: Option<crate::fix::Fix>,
}

impl Diagnostic {
    /// Adds a secondary place, when it is known.
    pub fn with_related(&mut self, at: Option<&Loc>, message: impl Into<String>) -> &mut Self {
        if let Some(at) = at {
            self.related.push(Related {
                at: at.clone(),
                message: message.into(),
            });
        }
        self
    }

    /// Merges findings that differ only by host into one that names every host.
    pub fn merge_hosts(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        for d in &mut diags {
            d.hosts = d.host.iter().cloned().collect();
        }
        let mut out: Vec<Diagnostic> = Vec::new();
        let mut index: std::collections::HashMap<(&'static str, Option<Loc>, String), usize> =
            std::collections::HashMap::new();
        for d in diags {
            let key = (d.code, d.at.clone(), d.message.clone());
            match index.get(&key) {
                Some(&i) => {
                    for h in d.hosts {
                        if !out[i].hosts.contains(&h) {
                            out[i].hosts.push(h);
                        }
                    }
                }
                None => {
                    index.insert(key, out.len());
                    out.push(d);
                }
            }
        }
        out
    }

    /// Sort key: file, position, code; file-less findings last.
    pub fn sort_key(&self) -> (bool, String, u32, &'static str, String) {
        match &self.at {
            Some(l) => (
                false,
                l.file.clone(),
                l.start,
                self.code,
                self.message.clone(),
            ),
            None => (true, String::new(), 0, self.code, self.message.clone()),
        }
    }
}
