//! `--format github`: GitHub Actions workflow commands, one annotation per finding.

use super::Resolved;
use crate::diagnostic::Severity;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(items: &[Resolved], out: &mut dyn std::io::Write) -> std::io::Result<()> {
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
        let host = d
            .host
            .as_deref()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}{host}", d.code, d.rule))
        ));
        let mut message = d.message.clone();
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
