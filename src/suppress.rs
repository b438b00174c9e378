//! Inline suppression: `# impermalint: allow(IMP101) -- reason` on the line before the finding
//! (or before the binding that contains it), or at the end of that line; and
//! `# impermalint: allow-file(IMP101) -- reason` on a line of its own, for the whole file.

use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;
use rnix::SyntaxKind;
use std::collections::{HashMap, HashSet};

const MARKER: &str = "impermalint:";

/// What an impermalint comment says.
#[derive(Debug, PartialEq)]
enum Directive {
    /// `allow(…)`: the finding below, or on this line.
    Allow(Vec<String>),
    /// `allow-file(…)`: every finding of the file.
    AllowFile(Vec<String>),
    /// An impermalint comment of no known form: it suppresses nothing.
    Malformed,
}

/// The impermalint comment on this line, if any: the byte column of its `#`, and what it says.
/// A `#` inside a string is not told apart from a comment; `# impermalint:` there is unlikely.
fn directive(line: &str) -> Option<(usize, Directive)> {
    let mut from = 0;
    while let Some(i) = line[from..].find('#') {
        let col = from + i;
        if let Some(rest) = line[col + 1..].trim_start().strip_prefix(MARKER) {
            let rest = rest.trim_start();
            let (kind, inner) = if let Some(r) = rest.strip_prefix("allow-file(") {
                (true, r)
            } else if let Some(r) = rest.strip_prefix("allow(") {
                (false, r)
            } else {
                return Some((col, Directive::Malformed));
            };
            let Some(close) = inner.find(')') else {
                return Some((col, Directive::Malformed));
            };
            let codes: Vec<String> = inner[..close]
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if codes.is_empty() {
                return Some((col, Directive::Malformed));
            }
            return Some((
                col,
                if kind {
                    Directive::AllowFile(codes)
                } else {
                    Directive::Allow(codes)
                },
            ));
        }
        from = col + 1;
    }
    None
}

/// The codes a comment-only line allows for the code below it.
fn allowed_on(line: &str) -> Option<Vec<String>> {
    match directive(line)? {
        (col, Directive::Allow(codes)) if line[..col].trim().is_empty() => Some(codes),
        _ => None,
    }
}

/// The codes an end-of-line comment on the line holding `offset` allows, with the offset where
/// that line starts.
fn allowed_at_end(text: &str, offset: usize) -> Option<(usize, Vec<String>)> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[start..end].trim_end_matches('\r');
    match directive(line)? {
        (col, Directive::Allow(codes)) if !line[..col].trim().is_empty() => Some((start, codes)),
        _ => None,
    }
}

/// The file-wide allows of a text: (offset of the line, codes).
fn allowed_in_file(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if let Some((col, Directive::AllowFile(codes))) = directive(line.trim_end())
            && line[..col].trim().is_empty()
        {
            out.push((start, codes));
        }
        start += line.len();
    }
    out
}

/// Comment lines directly above the line holding `offset`, nearest first, with the offset where
/// each line starts.
fn comments_above(text: &str, offset: usize) -> Vec<(usize, &str)> {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut out = Vec::new();
    let mut end = line_start;
    while end > 0 {
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = text[start..end - 1].trim_end_matches('\r');
        if !line.trim_start().starts_with('#') {
            break;
        }
        out.push((start, line));
        end = start;
    }
    out
}

fn names(codes: &[String], d: &Diagnostic) -> bool {
    codes
        .iter()
        .any(|c| c.eq_ignore_ascii_case(d.code) || c == d.rule || c.eq_ignore_ascii_case("all"))
}

/// Start offsets of the bindings enclosing an offset, innermost first.
fn enclosing_bindings(root: &rnix::SyntaxNode, start: usize) -> Vec<usize> {
    let Ok(offset) = u32::try_from(start) else {
        return Vec::new();
    };
    let Some(token) = root.token_at_offset(offset.into()).right_biased() else {
        return Vec::new();
    };
    token
        .parent_ancestors()
        .filter(|n| n.kind() == SyntaxKind::NODE_ATTRPATH_VALUE)
        .map(|n| usize::from(n.text_range().start()))
        .take(4)
        .collect()
}

/// Drops the findings an allow comment covers. Only files that contain an allow comment are
/// parsed, each once.
pub fn apply(diags: Vec<Diagnostic>, db: &mut SourceDb) -> Vec<Diagnostic> {
    apply_tracking(diags, db).0
}

/// Like [`apply`], also returning the allow comments that covered a finding (file, offset of
/// the comment's line).
pub fn apply_tracking(
    diags: Vec<Diagnostic>,
    db: &mut SourceDb,
) -> (Vec<Diagnostic>, HashSet<(String, usize)>) {
    let mut trees: HashMap<String, Option<rnix::SyntaxNode>> = HashMap::new();
    let mut used: HashSet<(String, usize)> = HashSet::new();
    let kept = diags
        .into_iter()
        .filter(|d| {
            let Some(at) = &d.at else { return true };
            let Some(file) = db.get(&at.file) else {
                return true;
            };
            let text = &file.text;
            if !text.contains(MARKER) {
                return true;
            }
            let tree = trees.entry(at.file.clone()).or_insert_with(|| {
                let parse = rnix::Root::parse(text);
                parse.errors().is_empty().then(|| parse.syntax())
            });
            let start = at.start as usize;
            let mut places = vec![start];
            if let Some(root) = tree {
                places.extend(enclosing_bindings(root, start));
            }
            let hit = places
                .iter()
                .find_map(|&p| {
                    let at_end = allowed_at_end(text, p)
                        .filter(|(_, c)| names(c, d))
                        .map(|(start, _)| start);
                    at_end.or_else(|| {
                        comments_above(text, p)
                            .into_iter()
                            .find(|(_, line)| allowed_on(line).is_some_and(|c| names(&c, d)))
                            .map(|(start, _)| start)
                    })
                })
                .or_else(|| {
                    allowed_in_file(text)
                        .into_iter()
                        .find(|(_, c)| names(c, d))
                        .map(|(start, _)| start)
                });
            match hit {
                Some(start) => {
                    used.insert((at.file.clone(), start));
                    false
                }
                None => true,
            }
        })
        .collect();
    (kept, used)
}

/// A problem with an allow comment: unused, naming no rule, or not of the right form.
pub struct Problem {
    pub file: String,
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// The allow comments of `files` that are malformed, name an unknown rule, or (for rules that
/// ran) covered no finding.
pub fn problems(
    files: &[String],
    db: &mut SourceDb,
    used: &HashSet<(String, usize)>,
    ran: &dyn Fn(&str) -> bool,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for file in files {
        let Some(f) = db.get(file) else { continue };
        let text = f.text.clone();
        if !text.contains(MARKER) {
            continue;
        }
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let here = start;
            start += line.len();
            let content = line.trim_end_matches(['\n', '\r']);
            let Some((col, said)) = directive(content) else {
                continue;
            };
            let place = |message: String| Problem {
                file: file.clone(),
                start: here + col,
                end: here + content.len(),
                message,
            };
            let codes = match said {
                Directive::Malformed => {
                    out.push(place(
                        "this impermalint comment is not `# impermalint: allow(CODE) -- reason` or `allow-file(CODE)`: it suppresses nothing"
                            .to_string(),
                    ));
                    continue;
                }
                Directive::AllowFile(_) if !content[..col].trim().is_empty() => {
                    out.push(place(
                        "`allow-file` goes on a line of its own: this one suppresses nothing"
                            .to_string(),
                    ));
                    continue;
                }
                Directive::Allow(codes) | Directive::AllowFile(codes) => codes,
            };
            let unknown: Vec<&String> = codes
                .iter()
                .filter(|c| !c.eq_ignore_ascii_case("all") && crate::rules::find(c).is_none())
                .collect();
            if !unknown.is_empty() {
                let names: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
                out.push(place(format!(
                    "the suppression names {}, which is no rule (see `impermalint rules`)",
                    names.join(", ")
                )));
                continue;
            }
            let all_ran = codes.iter().all(|c| ran(c));
            if all_ran && !used.contains(&(file.clone(), here)) {
                out.push(place(format!(
                    "the suppression of {} covers no finding: remove it",
                    codes.join(", ")
                )));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_allow_comments() {
        assert_eq!(
            allowed_on("  # impermalint: allow(IMP101, IMP104) -- reason"),
            Some(vec!["IMP101".into(), "IMP104".into()])
        );
        assert_eq!(
            allowed_on("# impermalint: allow(persist-nested)"),
            Some(vec!["persist-nested".into()])
        );
        assert_eq!(allowed_on("# something else"), None);
        assert_eq!(allowed_on("x = 1; # impermalint: allow(IMP101)"), None);
    }

    #[test]
    fn reads_end_of_line_and_file_wide_allows() {
        let text = "{\n  a = 1; # impermalint: allow(IMP101) -- why\n  b = \"#\";\n}\n";
        let at = text.find("a =").unwrap();
        assert_eq!(allowed_at_end(text, at), Some((2, vec!["IMP101".into()])));
        assert_eq!(allowed_at_end(text, text.find("b =").unwrap()), None);
        let file = "# impermalint: allow-file(IMP104, IMP105) -- why\n{ }\n";
        assert_eq!(
            allowed_in_file(file),
            vec![(0, vec!["IMP104".into(), "IMP105".into()])]
        );
        assert_eq!(
            directive("# impermalint: alow(IMP101)"),
            Some((0, Directive::Malformed))
        );
        assert_eq!(
            directive("# impermalint: allow()"),
            Some((0, Directive::Malformed))
        );
        assert_eq!(directive("x = \"a#b\";"), None);
    }
}
