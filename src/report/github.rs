//! `--format github`: GitHub Actions workflow commands, one annotation per finding.

use super::{Coverage, Resolved};
use crate::diagnostic::Severity;
use crate::source::SourceDb;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(
    items: &[Resolved],
    coverage: &Coverage,
    db: &mut SourceDb,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    // What could not be read, once per host, as a notice.
    for h in coverage.incomplete() {
        let what: Vec<String> = h.placed(db).iter().map(|u| u.describe()).collect();
        let message = format!(
            "{} was not read fully, so findings about what is missing are not reported for it: {}. `impermalint check --flake` evaluates it with Nix.",
            h.label(),
            if what.is_empty() {
                "some values could not be evaluated".to_string()
            } else {
                what.join("; ")
            }
        );
        writeln!(
            out,
            "::notice title={}::{}",
            escape_property("impermalint: incomplete read"),
            escape_data(&message)
        )?;
    }
    for r in items {
        let d = r.diag;
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(file) = &r.file {
            props.push(format!("file={}", escape_property(file)));
        }
        if let Some((l, c)) = r.start {
            props.push(format!("line={l}"));
            props.push(format!("col={c}"));
        }
        if let Some((l, c)) = r.end {
            props.push(format!("endLine={l}"));
            props.push(format!("endColumn={c}"));
        }
        let host = if d.hosts.is_empty() {
            String::new()
        } else {
            format!(" ({})", d.hosts.join(", "))
        };
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}{host}", d.code, d.rule))
        ));
        let mut message = d.message.clone();
        for x in &r.related {
            message.push_str(&format!("\nnote: {}", x.describe()));
        }
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{level} {}::{}",
            props.join(","),
            escape_data(&message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_command_syntax() {
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(escape_data("x\ny"), "x%0Ay");
    }
}
