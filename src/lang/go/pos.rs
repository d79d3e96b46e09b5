//! Byte offsets to (line, character column) for the Go front-end: the file's text with its
//! one [`LineIndex`] (constant time per query on lines of any length).

use crate::span::{LineIndex, Span};

pub(super) struct Positions<'s> {
    src: &'s str,
    lines: LineIndex,
}

impl<'s> Positions<'s> {
    pub(super) fn new(src: &'s str) -> Self {
        Positions {
            src,
            lines: LineIndex::new(src),
        }
    }

    /// 1-based (line, column) of a byte offset, as [`LineIndex::position`] gives it.
    pub(super) fn position(&self, offset: usize) -> (u32, u32) {
        self.lines.position(self.src, offset)
    }

    pub(super) fn span(&self, start: usize, end: usize) -> Span {
        self.lines.span(self.src, start, end)
    }

    /// The tree-sitter point of a byte offset: 0-based row and byte column.
    pub(super) fn point(&self, offset: usize) -> tree_sitter::Point {
        let row = self.lines.line_of(offset);
        tree_sitter::Point {
            row,
            column: offset - self.lines.line_start(row),
        }
    }
}
