//! Inline suppression: `# impermalint: allow(IMP101) -- reason` on the line before the finding,
//! or before the binding that contains it.

use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;
use rnix::SyntaxKind;
use std::collections::HashMap;

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

/// Comment lines directly above the line holding `offset`, nearest first.
fn comments_above(text: &str, offset: usize) -> impl Iterator<Item = &str> {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    text[..line_start]
        .lines()
        .rev()
        .take_while(|l| l.trim_start().starts_with('#'))
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
    let mut trees: HashMap<String, Option<rnix::SyntaxNode>> = HashMap::new();
    diags
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
            !places.iter().any(|&p| {
                comments_above(text, p)
                    .filter_map(allowed_on)
                    .any(|c| names(&c, d))
            })
        })
        .collect()
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
