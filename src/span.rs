//! Source positions: byte offsets to 1-based (line, character column) pairs.
//!
//! Every front-end reports positions through [`LineIndex`], so that Go, Rust and text
//! files agree on what a column is (characters, not bytes; end columns are exclusive) and on
//! what a line is: a line ends at `\r\n`, `\n` or a lone `\r` (as in YAML), and every scanner
//! that walks a file line by line splits it with [`lines_inclusive`], so line numbers agree.

use serde::Serialize;

/// A region of a file, 1-based. `end_column` is exclusive, as in SARIF.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// Maps byte offsets of one source text to line and character column, in constant time per
/// query on lines of any length: a table of character counts every [`BLOCK`] bytes keeps a
/// column lookup from scanning the whole line (a one-line file of megabytes costs no more than
/// a file of short lines).
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Characters in `src[..k * BLOCK]`, by `k`; `None` for ASCII text (a byte is a character).
    marks: Option<Vec<u32>>,
}

const BLOCK: usize = 64;

impl LineIndex {
    pub fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(line_ends(src));
        let marks = (!src.is_ascii()).then(|| {
            let mut marks = Vec::with_capacity(src.len() / BLOCK + 2);
            let mut chars = 0u32;
            for chunk in src.as_bytes().chunks(BLOCK) {
                marks.push(chars);
                chars += char_starts(chunk);
            }
            marks.push(chars);
            marks
        });
        LineIndex { starts, marks }
    }

    /// Characters in `src[..offset]`; `offset` is a character boundary.
    fn chars_before(&self, src: &str, offset: usize) -> usize {
        match &self.marks {
            None => offset,
            Some(marks) => {
                let k = offset / BLOCK;
                marks[k] as usize + char_starts(&src.as_bytes()[k * BLOCK..offset]) as usize
            }
        }
    }

    /// Number of lines (a trailing line break does not open a new line).
    pub fn line_count(&self, src: &str) -> usize {
        if src.ends_with(['\n', '\r']) {
            self.starts.len() - 1
        } else {
            self.starts.len()
        }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.min(self.starts.len() - 1)]
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn position(&self, src: &str, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(src, offset.min(src.len()));
        let line = self.line_of(offset);
        let start = self.starts[line];
        let col = self.chars_before(src, offset) - self.chars_before(src, start);
        (line as u32 + 1, col as u32 + 1)
    }

    /// The span covering bytes `start..end`.
    pub fn span(&self, src: &str, start: usize, end: usize) -> Span {
        let (line, column) = self.position(src, start);
        let (end_line, end_column) = self.position(src, end);
        Span {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// Text of 0-based `line`, without its line terminator.
    pub fn line_text<'a>(&self, src: &'a str, line: usize) -> &'a str {
        let start = self.line_start(line);
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(src.len())
            .max(start);
        src[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// Byte offsets just past each line break of `src`: after `\n` (so `\r\n` is one break), and
/// after a `\r` that no `\n` follows.
fn line_ends(src: &str) -> impl Iterator<Item = usize> + '_ {
    let b = src.as_bytes();
    memchr::memchr2_iter(b'\n', b'\r', b)
        .filter(move |&i| b[i] == b'\n' || b.get(i + 1) != Some(&b'\n'))
        .map(|i| i + 1)
}

/// The lines of `src`, each with its line break (`\r\n`, `\n` or a lone `\r`): the lines
/// [`LineIndex`] numbers. Concatenated, they give `src` back.
pub fn lines_inclusive(src: &str) -> impl Iterator<Item = &str> + '_ {
    let mut start = 0;
    line_ends(src)
        .chain(std::iter::once(src.len()))
        .filter_map(move |end| {
            if end <= start {
                return None;
            }
            let line = &src[start..end];
            start = end;
            Some(line)
        })
}

/// Bytes of `b` that start a UTF-8 character.
fn char_starts(b: &[u8]) -> u32 {
    b.iter().filter(|&&c| (c as i8) >= -0x40).count() as u32
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column table gives the columns of counting characters from the line start.
    #[test]
    fn columns_from_the_table_are_counted_columns() {
        let long = "é“x”\r".repeat(100);
        let one_line = "ab“é”cd".repeat(500);
        for src in [
            "",
            "ab\ncd",
            "ab\r\nçé x\r\n\n",
            "a\rb\rc",
            long.as_str(),
            one_line.as_str(),
            "package p\n// “quoted” ünïcode\nfunc f() { s := \"çé\"; g() }\n",
        ] {
            let idx = LineIndex::new(src);
            for i in 0..=src.len() + 2 {
                let at = floor_char_boundary(src, i.min(src.len()));
                let line = idx.line_of(at);
                let counted = src[idx.line_start(line)..at].chars().count();
                assert_eq!(
                    idx.position(src, i),
                    (line as u32 + 1, counted as u32 + 1),
                    "{src:?} at {i}"
                );
            }
        }
    }

    #[test]
    fn columns_count_characters() {
        let src = "ab\nçé x\n";
        let idx = LineIndex::new(src);
        let x = src.find('x').unwrap();
        assert_eq!(idx.position(src, x), (2, 4));
        assert_eq!(idx.position(src, 0), (1, 1));
        assert_eq!(idx.line_text(src, 1), "çé x");
        assert_eq!(idx.line_count(src), 2);
    }

    #[test]
    fn lines_end_at_crlf_lf_and_lone_cr() {
        let src = "a\r\nb\rc\nd\r\re";
        let idx = LineIndex::new(src);
        let lines: Vec<&str> = lines_inclusive(src).collect();
        assert_eq!(lines, ["a\r\n", "b\r", "c\n", "d\r", "\r", "e"]);
        assert_eq!(lines.concat(), src);
        assert_eq!(idx.line_count(src), 6);
        for (i, l) in lines.iter().enumerate() {
            assert_eq!(idx.line_text(src, i), l.trim_end_matches(['\n', '\r']));
        }
        assert_eq!(idx.position(src, src.find('c').unwrap()), (3, 1));
        assert_eq!(idx.position(src, src.len() - 1), (6, 1));
        assert_eq!(lines_inclusive("x\r").count(), 1);
        assert_eq!(LineIndex::new("x\r").line_count("x\r"), 1);
        assert_eq!(lines_inclusive("").count(), 0);
    }

    #[test]
    fn span_end_is_exclusive() {
        let src = "func CheckCooldown()";
        let idx = LineIndex::new(src);
        let s = idx.span(src, 5, 18);
        assert_eq!((s.line, s.column, s.end_line, s.end_column), (1, 6, 1, 19));
    }
}
