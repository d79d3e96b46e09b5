//! Token trees of the Rust front-end without a parser: the lexer's code lexemes (comments
//! dropped) with their matching brackets, and exact positions for them. Built for any input:
//! unbalanced brackets are closed where their enclosing group ends, stray closers are noted.
//! Everything is iterative, so no nesting depth can exhaust the stack.

use std::rc::Rc;

use super::lexer::{LexKind, Lexeme, Scanner};
use crate::lang::TextKind;
use crate::span::Span;

/// Byte offsets to 1-based (line, character column) in constant time per lookup: line starts,
/// whether each line is ASCII, and a character count at every block of [`Positions::BLOCK`]
/// bytes for the lines that are not.
pub(super) struct Positions {
    line_starts: Vec<usize>,
    ascii: Vec<bool>,
    /// Characters before byte `k * BLOCK`.
    chars_at_block: Vec<usize>,
}

impl Positions {
    const BLOCK: usize = 256;

    pub(super) fn new(src: &str) -> Self {
        let b = src.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', b).map(|i| i + 1));
        let ascii = (0..line_starts.len())
            .map(|l| {
                let end = line_starts.get(l + 1).copied().unwrap_or(b.len());
                b[line_starts[l]..end].is_ascii()
            })
            .collect();
        let mut chars_at_block = Vec::with_capacity(b.len() / Self::BLOCK + 1);
        let mut chars = 0;
        for block in b.chunks(Self::BLOCK) {
            chars_at_block.push(chars);
            chars += count_chars(block);
        }
        chars_at_block.push(chars);
        Positions {
            line_starts,
            ascii,
            chars_at_block,
        }
    }

    fn chars_before(&self, src: &str, offset: usize) -> usize {
        let k = offset / Self::BLOCK;
        self.chars_at_block[k] + count_chars(&src.as_bytes()[k * Self::BLOCK..offset])
    }

    /// 1-based (line, column) of byte `offset` (a char boundary).
    pub(super) fn position(&self, src: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(src.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = if self.ascii[line] {
            offset - start
        } else {
            self.chars_before(src, offset) - self.chars_before(src, start)
        };
        (line as u32 + 1, col as u32 + 1)
    }

    pub(super) fn span(&self, src: &str, start: usize, end: usize) -> Span {
        let (line, column) = self.position(src, start);
        let (end_line, end_column) = self.position(src, end);
        Span {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// Characters in a UTF-8 byte slice: the bytes that do not continue a character.
fn count_chars(b: &[u8]) -> usize {
    b.iter().filter(|&&c| (c & 0xC0) != 0x80).count()
}

/// One node of a token tree: an index into [`Tokens::lx`]. An `Open` lexeme stands for its
/// whole group.
pub(super) type Node = usize;

/// The code lexemes of a file with their bracket structure.
pub(super) struct Tokens<'a> {
    pub(super) src: &'a str,
    pub(super) lx: Vec<Lexeme>,
    /// For an `Open` lexeme, the index of its `Close` (or of the closer of an enclosing group,
    /// or `lx.len()`, when it is never closed).
    close: Vec<u32>,
    /// The first bracket problem: byte offset and description.
    pub(super) problem: Option<(usize, String)>,
    /// Positions in the whole of `src` (shared by the token trees of its items).
    pub(super) pos: Rc<Positions>,
}

fn closer_of(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

impl<'a> Tokens<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Tokens::within(src, 0, src.len(), Rc::new(Positions::new(src)))
    }

    /// The token tree of bytes `start..end` of `src` (a top-level item: lexemes begin at
    /// `start`), with offsets and positions in the whole of `src`.
    pub(super) fn within(src: &'a str, start: usize, end: usize, pos: Rc<Positions>) -> Self {
        let mut scan = Scanner::starting_at(src, start);
        let lx: Vec<Lexeme> = scan
            .by_ref()
            .take_while(|l| l.start < end)
            .filter(|l| l.kind != LexKind::Text(TextKind::Comment))
            .collect();
        let n = lx.len();
        let mut close = vec![n as u32; n];
        let mut stack: Vec<usize> = Vec::new();
        let b = src.as_bytes();
        // a comment or literal that never ends explains the bracket problems after it
        let mut problem: Option<(usize, String)> = scan.unterminated.map(|at| {
            let what = if b[at..].starts_with(b"/*") {
                "unterminated block comment (the rest of the file was read as a comment)"
            } else {
                "unterminated string literal (the rest of the file was read as a string)"
            };
            (at, what.to_string())
        });
        for (i, l) in lx.iter().enumerate() {
            match l.kind {
                LexKind::Open => stack.push(i),
                LexKind::Close => {
                    let c = b[l.start];
                    match stack.iter().rposition(|&o| closer_of(b[lx[o].start]) == c) {
                        Some(at) => {
                            for &o in &stack[at + 1..] {
                                close[o] = i as u32;
                                problem.get_or_insert_with(|| {
                                    (
                                        lx[o].start,
                                        format!("unclosed `{}`", b[lx[o].start] as char),
                                    )
                                });
                            }
                            close[stack[at]] = i as u32;
                            stack.truncate(at);
                        }
                        None => {
                            problem.get_or_insert_with(|| {
                                (l.start, format!("unexpected closing `{}`", c as char))
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(&o) = stack.first() {
            problem.get_or_insert_with(|| {
                (
                    lx[o].start,
                    format!("unclosed `{}`", b[lx[o].start] as char),
                )
            });
        }
        Tokens {
            src,
            lx,
            close,
            problem,
            pos,
        }
    }

    pub(super) fn text(&self, i: Node) -> &'a str {
        let l = &self.lx[i];
        &self.src[l.start..l.end]
    }

    pub(super) fn kind(&self, i: Node) -> LexKind {
        self.lx[i].kind
    }

    /// The bracket character of an `Open` node.
    pub(super) fn delim(&self, i: Node) -> u8 {
        self.src.as_bytes()[self.lx[i].start]
    }

    pub(super) fn is_group(&self, i: Node) -> bool {
        self.lx[i].kind == LexKind::Open
    }

    /// The lexeme that ends a node: its closer for a group (the last lexeme when it is never
    /// closed), itself otherwise.
    pub(super) fn last_lexeme(&self, i: Node) -> usize {
        if self.is_group(i) {
            (self.close[i] as usize).min(self.lx.len() - 1)
        } else {
            i
        }
    }

    /// Byte offset just past a node.
    pub(super) fn end_of(&self, i: Node) -> usize {
        self.lx[self.last_lexeme(i)].end
    }

    /// The nodes of `from..to` (lexeme indices) at the level of `from`.
    fn siblings(&self, from: usize, to: usize) -> Vec<Node> {
        let mut out = Vec::new();
        let mut i = from;
        while i < to {
            out.push(i);
            i = if self.is_group(i) {
                self.close[i] as usize + 1
            } else {
                i + 1
            };
        }
        out
    }

    /// The nodes directly inside group `g`.
    pub(super) fn children(&self, g: Node) -> Vec<Node> {
        self.siblings(g + 1, (self.close[g] as usize).min(self.lx.len()))
    }

    /// The top-level nodes of the file.
    pub(super) fn top(&self) -> Vec<Node> {
        self.siblings(0, self.lx.len())
    }

    /// Index of the first lexeme starting at or after byte `offset`.
    pub(super) fn at_byte(&self, offset: usize) -> usize {
        self.lx.partition_point(|l| l.start < offset)
    }

    /// The nodes inside the group whose opening bracket is at byte `open`; when no group opens
    /// there, the nodes of the bytes `open..end` at the level of their first lexeme.
    pub(super) fn group_at(&self, open: usize, end: usize) -> Vec<Node> {
        let i = self.at_byte(open);
        if i < self.lx.len() && self.lx[i].start == open && self.is_group(i) {
            return self.children(i);
        }
        self.range(open, end)
    }

    /// The nodes of bytes `start..end`, at the level of the first lexeme there.
    pub(super) fn range(&self, start: usize, end: usize) -> Vec<Node> {
        let (i, j) = (self.at_byte(start), self.at_byte(end));
        let mut out = self.siblings(i, j);
        // a group that runs past `end` belongs to an enclosing level: stop before it
        if let Some(&last) = out.last()
            && self.end_of(last) > end
            && self.is_group(last)
        {
            out.pop();
        }
        out
    }

    /// Exact span of lexeme bytes `start..end`.
    pub(super) fn span(&self, start: usize, end: usize) -> Span {
        self.pos.span(self.src, start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let src = "ab\ncafé x\n".repeat(200);
        let p = Positions::new(&src);
        let idx = crate::span::LineIndex::new(&src);
        for off in (0..src.len()).filter(|&o| src.is_char_boundary(o)) {
            assert_eq!(p.position(&src, off), idx.position(&src, off), "{off}");
        }
    }

    #[test]
    fn unbalanced_brackets_are_closed_by_their_parent() {
        let src = "fn h( {\nfn f() { g(); }";
        let t = Tokens::new(src);
        assert_eq!(t.problem.as_ref().map(|p| p.0), Some(4));
        let top = t.top();
        let texts: Vec<&str> = top.iter().map(|&i| t.text(i)).collect();
        assert_eq!(texts, ["fn", "h", "("]);
        let inner = t.children(top[2]);
        assert_eq!(t.text(inner[0]), "{");
        let body: Vec<&str> = t.children(inner[0]).iter().map(|&i| t.text(i)).collect();
        assert_eq!(body, ["fn", "f", "(", "{"]);
        let t = Tokens::new("a ) b [ c } ] d");
        assert_eq!(
            t.problem.as_ref().map(|p| p.1.as_str()),
            Some("unexpected closing `)`")
        );
        let texts: Vec<&str> = t.top().iter().map(|&i| t.text(i)).collect();
        assert_eq!(texts, ["a", ")", "b", "[", "d"]);
    }
}
