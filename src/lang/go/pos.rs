//! Byte offsets to (line, character column) for the Go front-end, in constant time per query
//! on lines of any length.
//!
//! Lines are those of [`LineIndex`] (ended by `\n`, as Go's own positions count them); the
//! column counts characters from the line start. A table of character counts every 64 bytes
//! keeps a column lookup from scanning the whole line, so a one-line file of megabytes costs
//! no more than a file of short lines.

use crate::span::{LineIndex, Span};

const BLOCK: usize = 64;

pub(super) struct Positions<'s> {
    src: &'s str,
    lines: LineIndex,
    /// Characters in `src[..k * BLOCK]`, by `k`; `None` for ASCII text (a byte is a character).
    marks: Option<Vec<u32>>,
}

impl<'s> Positions<'s> {
    pub(super) fn new(src: &'s str) -> Self {
        let marks = (!src.is_ascii()).then(|| {
            let mut marks = Vec::with_capacity(src.len() / BLOCK + 1);
            let mut chars = 0u32;
            for chunk in src.as_bytes().chunks(BLOCK) {
                marks.push(chars);
                chars += char_starts(chunk);
            }
            marks.push(chars);
            marks
        });
        Positions {
            src,
            lines: LineIndex::new(src),
            marks,
        }
    }

    /// Characters in `src[..offset]`; `offset` is a character boundary.
    fn chars_before(&self, offset: usize) -> usize {
        match &self.marks {
            None => offset,
            Some(marks) => {
                let k = offset / BLOCK;
                marks[k] as usize + char_starts(&self.src.as_bytes()[k * BLOCK..offset]) as usize
            }
        }
    }

    /// 1-based (line, column) of a byte offset, as [`LineIndex::position`] gives it.
    pub(super) fn position(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.src.len());
        while !self.src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.lines.line_of(offset);
        let start = self.lines.line_start(line);
        let col = self.chars_before(offset) - self.chars_before(start);
        (line as u32 + 1, col as u32 + 1)
    }

    pub(super) fn span(&self, start: usize, end: usize) -> Span {
        let (line, column) = self.position(start);
        let (end_line, end_column) = self.position(end);
        Span {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// Bytes of `b` that start a UTF-8 character.
fn char_starts(b: &[u8]) -> u32 {
    b.iter().filter(|&&c| (c as i8) >= -0x40).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_positions_as_the_line_index() {
        let long = "é“x”\r".repeat(100);
        for src in [
            "",
            "ab\ncd",
            "ab\r\nçé x\r\n\n",
            "a\rb\rc",
            long.as_str(),
            "package p\n// “quoted” ünïcode\nfunc f() { s := \"çé\"; g() }\n",
        ] {
            let pos = Positions::new(src);
            let idx = LineIndex::new(src);
            for i in 0..=src.len() + 2 {
                assert_eq!(pos.position(i), idx.position(src, i), "{src:?} at {i}");
            }
        }
    }
}
