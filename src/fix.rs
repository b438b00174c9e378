//! Mechanical fixes: what a rule can repair without judgment, as text edits computed on the
//! file's syntax tree. The LSP's quick fixes and `check --fix` / `--diff` use the same edits.
//!
//! A fix inserts or replaces literals, and removes only a literal it moves (never a comment,
//! never the rest of its line). A fix whose target is not a literal it can edit (a set built by
//! a function, an option written as a path) is not offered.

use crate::facts::Loc;
use rnix::ast::{self, HasEntry};
use rowan::ast::AstNode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixKind {
    /// Set `attr = value;` in the set literal that the definition at `def` assigns.
    SetAttr {
        def: Loc,
        attr: &'static str,
        value: String,
    },
    /// Add a string to the list `attr` of the set literal that the definition at `def`
    /// assigns, creating the attribute when it is absent.
    AddToList {
        def: Loc,
        attr: &'static str,
        item: String,
    },
    /// Replace the literal at `at`, an item of a list, with `text`.
    ReplaceListItem { at: Loc, text: String },
    /// Move the literal at `at`, an item of a set's `directories` list, out of it and persist
    /// `files` instead, in the `files` list of the same set (created when absent).
    DirectoryToFiles { at: Loc, files: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub kind: FixKind,
}

/// One text edit: replace bytes `start..end` of `file` with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub file: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The edits of a fix on the file's current text, or None when it cannot be applied there.
pub fn edits(fix: &Fix, text: &str) -> Option<Vec<Edit>> {
    let (def, file) = match &fix.kind {
        FixKind::SetAttr { def, .. } | FixKind::AddToList { def, .. } => (def, &def.file),
        FixKind::DirectoryToFiles { at, files } => return directory_to_files(at, files, text),
        FixKind::ReplaceListItem { at, text: new } => {
            let parse = rnix::Root::parse(text);
            if !parse.errors().is_empty() {
                return None;
            }
            // The literal must be an item of a list (not a value inside `{ file = ...; }`).
            parse.syntax().descendants().find(|n| {
                let r = n.text_range();
                u32::from(r.start()) == at.start
                    && u32::from(r.end()) == at.end
                    && n.parent()
                        .is_some_and(|p| p.kind() == rnix::SyntaxKind::NODE_LIST)
            })?;
            return Some(vec![Edit {
                file: at.file.clone(),
                start: at.start as usize,
                end: at.end as usize,
                text: new.clone(),
            }]);
        }
    };
    let parse = rnix::Root::parse(text);
    if !parse.errors().is_empty() {
        return None;
    }
    let root = parse.syntax();
    let apv = root
        .descendants()
        .filter_map(ast::AttrpathValue::cast)
        .find(|a| {
            let r = a.syntax().text_range();
            u32::from(r.start()) == def.start && u32::from(r.end()) == def.end
        })?;
    let ast::Expr::AttrSet(set) = apv.value()? else {
        return None;
    };
    let entry = |name: &str| {
        set.attrpath_values().find(|e| {
            e.attrpath()
                .map(|p| p.syntax().text() == name)
                .unwrap_or(false)
        })
    };
    match &fix.kind {
        FixKind::SetAttr { attr, value, .. } => {
            if entry(attr).is_some() {
                return None;
            }
            Some(vec![insert_entry(
                &set,
                text,
                file,
                &format!("{attr} = {value};"),
            )?])
        }
        FixKind::AddToList { attr, item, .. } => match entry(attr) {
            Some(e) => {
                let ast::Expr::List(list) = e.value()? else {
                    return None;
                };
                let close = list
                    .syntax()
                    .children_with_tokens()
                    .filter_map(|t| t.into_token())
                    .find(|t| t.kind() == rnix::SyntaxKind::TOKEN_R_BRACK)?;
                let at = usize::from(close.text_range().start());
                let before = &text[..at];
                let pad = if before.ends_with(' ') || before.ends_with('\n') {
                    ""
                } else {
                    " "
                };
                Some(vec![Edit {
                    file: file.clone(),
                    start: at,
                    end: at,
                    text: format!("{pad}\"{item}\" "),
                }])
            }
            None => Some(vec![insert_entry(
                &set,
                text,
                file,
                &format!("{attr} = [ \"{item}\" ];"),
            )?]),
        },
        FixKind::ReplaceListItem { .. } | FixKind::DirectoryToFiles { .. } => None,
    }
}

/// The edits of [`FixKind::DirectoryToFiles`]: the directory's literal removed from
/// `directories = [ … ]` and the files added to the `files` list beside it.
fn directory_to_files(at: &Loc, files: &[String], text: &str) -> Option<Vec<Edit>> {
    let parse = rnix::Root::parse(text);
    if !parse.errors().is_empty() || files.is_empty() {
        return None;
    }
    // A string item (an entry set carries options a plain file entry would drop).
    let item = parse.syntax().descendants().find(|n| {
        let r = n.text_range();
        u32::from(r.start()) == at.start
            && u32::from(r.end()) == at.end
            && n.kind() == rnix::SyntaxKind::NODE_STRING
            && n.parent()
                .is_some_and(|p| p.kind() == rnix::SyntaxKind::NODE_LIST)
    })?;
    let list = item.parent()?;
    let binding = ast::AttrpathValue::cast(list.parent()?)?;
    // `directories = [ … ]` in the root's set, or `….persistence."/p".directories = [ … ]`: the
    // files go beside it, under the same prefix.
    let attrs: Vec<String> = binding
        .attrpath()?
        .attrs()
        .map(|a| a.syntax().text().to_string())
        .collect();
    let (last, prefix) = attrs.split_last()?;
    if last != "directories" {
        return None;
    }
    let files_path = prefix
        .iter()
        .map(String::as_str)
        .chain(["files"])
        .collect::<Vec<_>>()
        .join(".");
    let set = ast::AttrSet::cast(binding.syntax().parent()?)?;
    // Only a set of impermanence's or preservation's own options: a wrapper option of the
    // configuration may have no `files`.
    let mut names = prefix.join(".");
    let mut node = set.syntax().parent();
    while let Some(n) = node {
        if let Some(apv) = ast::AttrpathValue::cast(n.clone())
            && let Some(path) = apv.attrpath()
        {
            names.push_str(&path.syntax().text().to_string());
            names.push('.');
        }
        node = n.parent();
    }
    if !names.contains("persistence") && !names.contains("preserveAt") {
        return None;
    }
    let quoted: Vec<String> = files.iter().map(|f| format!("\"{f}\"")).collect();
    let file = at.file.clone();
    // Remove the literal; its whole line when nothing else is on it (no comment is lost).
    let (start, end) = (at.start as usize, at.end as usize);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let alone = text[line_start..start].trim().is_empty() && text[end..line_end].trim().is_empty();
    let removal = if alone {
        Edit {
            file: file.clone(),
            start: line_start,
            end: line_end,
            text: String::new(),
        }
    } else {
        // With the blank before it: `[ "/a" "/etc/ssh" ]` becomes `[ "/a" ]`.
        let blank = text[..start].len() - text[..start].trim_end_matches([' ', '\t']).len();
        Edit {
            file: file.clone(),
            start: start - blank,
            end,
            text: String::new(),
        }
    };
    let existing = set.attrpath_values().find(|e| {
        e.attrpath().is_some_and(|p| {
            p.attrs()
                .map(|a| a.syntax().text().to_string())
                .collect::<Vec<_>>()
                .join(".")
                == files_path
        })
    });
    let addition = match existing {
        Some(e) => {
            let ast::Expr::List(files_list) = e.value()? else {
                return None;
            };
            // Files the list already has are not added twice.
            let present: Vec<String> = files_list
                .items()
                .map(|i| i.syntax().text().to_string())
                .collect();
            let quoted: Vec<String> = quoted
                .iter()
                .filter(|q| !present.contains(q))
                .cloned()
                .collect();
            if quoted.is_empty() {
                return Some(vec![removal]);
            }
            let close = files_list
                .syntax()
                .children_with_tokens()
                .filter_map(|t| t.into_token())
                .find(|t| t.kind() == rnix::SyntaxKind::TOKEN_R_BRACK)?;
            let at = usize::from(close.text_range().start());
            let ls = text[..at].rfind('\n').map_or(0, |i| i + 1);
            if text[ls..at].trim().is_empty() {
                // A list over several lines: one file a line, indented like its items.
                let indent = format!("{}  ", &text[ls..at]);
                let lines: String = quoted.iter().map(|q| format!("{indent}{q}\n")).collect();
                Edit {
                    file: file.clone(),
                    start: ls,
                    end: ls,
                    text: lines,
                }
            } else {
                let pad = if text[..at].ends_with(' ') { "" } else { " " };
                Edit {
                    file: file.clone(),
                    start: at,
                    end: at,
                    text: format!("{pad}{} ", quoted.join(" ")),
                }
            }
        }
        None => insert_entry(
            &set,
            text,
            &file,
            &format!("{files_path} = [ {} ];", quoted.join(" ")),
        )?,
    };
    Some(vec![removal, addition])
}

/// Inserts a binding before the closing brace of a set literal, on its own line with the
/// indentation of the set's entries when the set spans lines.
fn insert_entry(set: &ast::AttrSet, text: &str, file: &str, binding: &str) -> Option<Edit> {
    let close = set
        .syntax()
        .children_with_tokens()
        .filter_map(|t| t.into_token())
        .filter(|t| t.kind() == rnix::SyntaxKind::TOKEN_R_BRACE)
        .last()?;
    let at = usize::from(close.text_range().start());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let own_line = text[line_start..at].trim().is_empty();
    if own_line {
        // Indent like the first entry.
        let indent = set
            .entries()
            .next()
            .map(|e| {
                let s = usize::from(e.syntax().text_range().start());
                let ls = text[..s].rfind('\n').map_or(0, |i| i + 1);
                text[ls..s].to_string()
            })
            .filter(|i| i.trim().is_empty())
            .unwrap_or_else(|| format!("{}  ", &text[line_start..at]));
        Some(Edit {
            file: file.to_string(),
            start: line_start,
            end: line_start,
            text: format!("{indent}{binding}\n"),
        })
    } else {
        let pad = if text[..at].ends_with(' ') { "" } else { " " };
        Some(Edit {
            file: file.to_string(),
            start: at,
            end: at,
            text: format!("{pad}{binding} "),
        })
    }
}

/// The fixes of a run, gathered per file.
pub struct Change {
    pub file: String,
    pub before: String,
    pub after: String,
    pub fixes: usize,
}

/// The changes the findings' fixes make, per file: each fix applied when its edits do not
/// overlap another's, and a file kept out when the result would not parse.
pub fn plan(
    diags: &[crate::diagnostic::Diagnostic],
    sources: &mut crate::source::SourceDb,
) -> Vec<Change> {
    let mut by_file: std::collections::BTreeMap<String, Vec<&Fix>> = Default::default();
    for d in diags {
        if let Some(f) = &d.fix {
            let list = by_file.entry(file_of(f).to_string()).or_default();
            if !list.contains(&f) {
                list.push(f);
            }
        }
    }
    let mut out = Vec::new();
    for (file, fixes) in by_file {
        let Some(text) = sources.get(&file).map(|f| f.text.to_string()) else {
            continue;
        };
        // One fix a file at a time: the others' places move with it, so the caller reads the
        // files again and asks again (as `check --fix` does until nothing is left to fix).
        let Some(e) = fixes.iter().find_map(|f| edits(f, &text)) else {
            continue;
        };
        let Some(after) = apply(&text, &e) else {
            continue;
        };
        if !rnix::Root::parse(&after).errors().is_empty() {
            continue;
        }
        out.push(Change {
            file,
            before: text,
            after,
            fixes: 1,
        });
    }
    out
}

/// The file a fix edits.
pub fn file_of(f: &Fix) -> &str {
    match &f.kind {
        FixKind::SetAttr { def, .. } | FixKind::AddToList { def, .. } => &def.file,
        FixKind::ReplaceListItem { at, .. } | FixKind::DirectoryToFiles { at, .. } => &at.file,
    }
}

/// Whether the fix applies to its file as it is now.
pub fn applies(f: &Fix, sources: &mut crate::source::SourceDb) -> bool {
    let Some(text) = sources.get(file_of(f)).map(|s| s.text.clone()) else {
        return false;
    };
    edits(f, &text).is_some()
}

impl Change {
    /// A unified diff of the change.
    pub fn diff(&self) -> String {
        let name = crate::source::display_path(&self.file);
        similar::TextDiff::from_lines(&self.before, &self.after)
            .unified_diff()
            .header(&format!("a/{name}"), &format!("b/{name}"))
            .to_string()
    }

    /// Writes the new text atomically (a temporary file in the same folder, then a rename).
    pub fn write(&self) -> Result<(), String> {
        crate::source::write_atomically(std::path::Path::new(&self.file), self.after.as_bytes())
    }
}

/// Applies edits to a text (edits must not overlap); None when they do.
pub fn apply(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    for w in sorted.windows(2) {
        if w[0].end > w[1].start {
            return None;
        }
    }
    let mut out = text.to_string();
    for e in sorted.iter().rev() {
        out.replace_range(e.start..e.end, &e.text);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc_of(text: &str, needle: &str) -> Loc {
        // The binding that starts with `needle` and ends at its `;`.
        let start = text.find(needle).unwrap();
        let parse = rnix::Root::parse(text);
        let apv = parse
            .syntax()
            .descendants()
            .filter_map(ast::AttrpathValue::cast)
            .find(|a| usize::from(a.syntax().text_range().start()) == start)
            .unwrap();
        let r = apv.syntax().text_range();
        Loc {
            file: "f.nix".into(),
            start: r.start().into(),
            end: r.end().into(),
        }
    }

    #[test]
    fn sets_an_attribute_on_its_own_line_with_the_entries_indent() {
        let text = "{\n  fileSystems.\"/persist\" = {\n    device = \"x\"; # keep\n    fsType = \"zfs\";\n  };\n}\n";
        let fix = Fix {
            title: "t".into(),
            kind: FixKind::SetAttr {
                def: loc_of(text, "fileSystems"),
                attr: "neededForBoot",
                value: "true".into(),
            },
        };
        let out = apply(text, &edits(&fix, text).unwrap()).unwrap();
        assert_eq!(
            out,
            "{\n  fileSystems.\"/persist\" = {\n    device = \"x\"; # keep\n    fsType = \"zfs\";\n    neededForBoot = true;\n  };\n}\n"
        );
        // Already set: nothing to do.
        assert_eq!(edits(&fix, &out), None);
    }

    #[test]
    fn adds_to_a_list_or_creates_it() {
        for (text, want) in [
            (
                "{ fileSystems.\"/\" = { fsType = \"tmpfs\"; options = [ \"size=2G\" ]; }; }",
                "{ fileSystems.\"/\" = { fsType = \"tmpfs\"; options = [ \"size=2G\" \"mode=755\" ]; }; }",
            ),
            (
                "{ fileSystems.\"/\" = { fsType = \"tmpfs\"; }; }",
                "{ fileSystems.\"/\" = { fsType = \"tmpfs\"; options = [ \"mode=755\" ]; }; }",
            ),
        ] {
            let fix = Fix {
                title: "t".into(),
                kind: FixKind::AddToList {
                    def: loc_of(text, "fileSystems"),
                    attr: "options",
                    item: "mode=755".into(),
                },
            };
            assert_eq!(apply(text, &edits(&fix, text).unwrap()).unwrap(), want);
        }
    }
}
