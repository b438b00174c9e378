//! IMP001: a .nix file that does not parse (or an import that cannot be read).

use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    for e in &cx.host.source_errors {
        // A file-level finding: the same for every host that reads the file.
        let help = e.help.clone().unwrap_or_else(|| {
            "fix the file: until it parses, nothing it defines is checked".to_string()
        });
        out.report(Some(&e.at), e.message.clone(), help).host = None;
    }
}
