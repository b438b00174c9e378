//! Inline suppression: `# impermalint: allow(IMP101) -- reason` on the line before the finding,
//! or before the binding that contains it.

use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;
use rnix::SyntaxKind;
use std::collections::{HashMap, HashSet};

const MARKER: &str = "impermalint:";

/// The codes and names an allow comment on this line names, if it is one.
fn allowed_on(line: &str) -> Option<Vec<String>> {
    let comment = line.trim_start().strip_prefix('#')?;
    let rest = comment
        .trim_start()
        .strip_prefix(MARKER)?
        .trim_start()
        .strip_prefix("allow(")?;
    let inner = &rest[..rest.find(')')?];
    Some(
        inner
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    )
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
            let hit = places.iter().find_map(|&p| {
                comments_above(text, p)
                    .into_iter()
                    .find(|(_, line)| allowed_on(line).is_some_and(|c| names(&c, d)))
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
            let trimmed = content.trim_start();
            let Some(comment) = trimmed.strip_prefix('#') else {
                continue;
            };
            if !comment.trim_start().starts_with(MARKER) {
                continue;
            }
            let col = content.len() - trimmed.len();
            let place = |message: String| Problem {
                file: file.clone(),
                start: here + col,
                end: here + content.len(),
                message,
            };
            let Some(codes) = allowed_on(content) else {
                out.push(place(
                    "this impermalint comment is not `# impermalint: allow(CODE) -- reason`: it suppresses nothing"
                        .to_string(),
                ));
                continue;
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
}
