//! The one line map: byte offsets to 1-based lines and columns (in characters, and in UTF-16 code
//! units for LSP). CRLF counts as one line break.

#[derive(Debug, Clone)]
pub struct LineMap {
    starts: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based.
    pub line: usize,
    /// 1-based, counted in Unicode scalar values.
    pub column: usize,
    /// 0-based, counted in UTF-16 code units (LSP's default).
    pub utf16_column: usize,
}

impl LineMap {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineMap { starts }
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        // Clamp to a char boundary so a bad offset cannot split a character.
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let prefix = text[start..end].trim_end_matches('\r');
        Position {
            line: line + 1,
            column: prefix.chars().count() + 1,
            utf16_column: prefix.encode_utf16().count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_utf16() {
        let text = "a\r\n€𝄞x\n";
        let map = LineMap::new(text);
        let x = text.find('x').unwrap();
        let p = map.position(text, x);
        assert_eq!((p.line, p.column, p.utf16_column), (2, 3, 3));
        assert_eq!(map.position(text, 0).line, 1);
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_are_clamped() {
        let text = "€";
        let map = LineMap::new(text);
        assert_eq!(map.position(text, 1).column, 1);
        assert_eq!(map.position(text, 99).column, 2);
    }
}
