//! Every conversion between impermalint's diagnostics and LSP's types, and the one place that
//! knows the negotiated position encoding.

use crate::diagnostic::{Diagnostic, Severity};
use crate::report::linemap::LineMap;
use lsp_types as lsp;
use std::path::Path;

/// How LSP columns are counted, as negotiated at initialize.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it, else UTF-16 (LSP's default).
    pub fn negotiate(caps: &lsp::ClientCapabilities) -> Encoding {
        let offered = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        match offered {
            Some(list) if list.contains(&lsp::PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> lsp::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        }
    }
}

/// A byte offset in `text` as an LSP position.
pub fn position(text: &str, lines: &LineMap, offset: usize, enc: Encoding) -> lsp::Position {
    // Clamped to the text and to a character boundary: a stale offset must not panic.
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let p = lines.position(text, offset);
    let character = match enc {
        Encoding::Utf16 => p.utf16_column,
        Encoding::Utf8 => {
            // Bytes from the start of the line.
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            text[line_start..offset].trim_end_matches('\r').len()
        }
    };
    lsp::Position {
        line: (p.line - 1) as u32,
        character: character as u32,
    }
}

/// An LSP position in `text` as a byte offset (clamped to the text).
pub fn offset(text: &str, pos: lsp::Position, enc: Encoding) -> usize {
    let mut line_start = 0;
    for _ in 0..pos.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let want = pos.character as usize;
    let mut units = 0;
    for (i, c) in line.char_indices() {
        if units >= want {
            return line_start + i;
        }
        units += match enc {
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf8 => c.len_utf8(),
        };
    }
    line_end
}

pub fn uri_of(path: &Path) -> Option<lsp::Url> {
    lsp::Url::from_file_path(path).ok()
}

pub fn path_of(uri: &lsp::Url) -> Option<std::path::PathBuf> {
    uri.to_file_path().ok()
}

/// A diagnostic, placed in a file whose text and line map are given; related places are
/// placed with `place`.
pub fn diagnostic(
    d: &Diagnostic,
    text: &str,
    lines: &LineMap,
    enc: Encoding,
    place: &mut dyn FnMut(&crate::facts::Loc) -> Option<lsp::Location>,
) -> Option<lsp::Diagnostic> {
    let at = d.at.as_ref()?;
    let range = lsp::Range {
        start: position(text, lines, at.start as usize, enc),
        end: position(text, lines, at.end as usize, enc),
    };
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            Some(lsp::DiagnosticRelatedInformation {
                location: place(&r.at)?,
                message: r.message.clone(),
            })
        })
        .collect();
    let mut message = d.message.clone();
    if !d.hosts.is_empty() {
        message.push_str(&format!(" (hosts: {})", d.hosts.join(", ")));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    Some(lsp::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        // The rule's documentation ships in the binary (hover shows it); there is no page to
        // link to that is known to exist.
        code_description: None,
        source: Some("impermalint".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_inside_a_character_or_past_the_end_do_not_panic() {
        let text = "é𝄞\n";
        let lines = LineMap::new(text);
        for o in 0..text.len() + 3 {
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let _ = position(text, &lines, o, enc);
            }
        }
    }

    #[test]
    fn positions_round_trip_in_both_encodings() {
        let text = "é𝄞 = 1;\nlet x = \"ü\"; in x\n";
        let lines = LineMap::new(text);
        let x = text.rfind('x').unwrap();
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let p = position(text, &lines, x, enc);
            assert_eq!(p.line, 1);
            assert_eq!(offset(text, p, enc), x);
        }
        let p16 = position(text, &lines, text.find('=').unwrap(), Encoding::Utf16);
        assert_eq!(p16.character, 4); // é is 1 unit, 𝄞 is 2, then a space
        let p8 = position(text, &lines, text.find('=').unwrap(), Encoding::Utf8);
        assert_eq!(p8.character, 7); // 2 + 4 bytes, then a space
    }
}
