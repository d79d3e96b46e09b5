//! A Go lexer for comments and literals only: the cheap first look at a file.
//!
//! Parsing Go with tree-sitter costs milliseconds a file; finding where the comments and
//! string, raw string and rune literals are costs microseconds. When every place a listed name
//! occurs in a file lies inside such a region, the file can only hold mentions, and the engine
//! skips the parse. The regions must be exactly those the tree-sitter front-end reports (a
//! test holds the two to that).

use super::{TextKind, TextRegion};

/// Comments, strings, raw strings and runes of `src`, in order, non-overlapping.
pub fn text_regions(src: &str) -> Vec<TextRegion> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let push = |out: &mut Vec<TextRegion>, kind, start, end| {
        out.push(TextRegion {
            kind,
            start,
            end,
            test: false,
        })
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                // a comment ends before a trailing carriage return, as in the parser
                let end = if end > i && b[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                };
                push(&mut out, TextKind::Comment, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = find(b"*/", &b[i + 2..]).map_or(b.len(), |n| i + 2 + n + 2);
                push(&mut out, TextKind::Comment, i, end);
                i = end;
            }
            b'"' => {
                let end = quoted(b, i, b'"');
                push(&mut out, TextKind::String, i, end);
                i = end;
            }
            b'\'' => {
                let end = quoted(b, i, b'\'');
                push(&mut out, TextKind::String, i, end);
                i = end;
            }
            b'`' => {
                let end = memchr(b'`', &b[i + 1..]).map_or(b.len(), |n| i + 1 + n + 1);
                push(&mut out, TextKind::String, i, end);
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// End of an interpreted string or rune starting at `start`: after the closing quote, or at
/// the end of the line when it is unterminated.
fn quoted(b: &[u8], start: usize, q: u8) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

fn memchr(c: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&x| x == c)
}

fn find(needle: &[u8], hay: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        text_regions(src)
            .iter()
            .map(|r| &src[r.start..r.end])
            .collect()
    }

    #[test]
    fn regions_of_every_kind() {
        let src = "package p // c1\n/* c2 \"x\" */ var s = \"a\\\"b // not\" + `raw\n// still raw` + string('\\'') + string('/')\n";
        assert_eq!(
            texts(src),
            [
                "// c1",
                "/* c2 \"x\" */",
                "\"a\\\"b // not\"",
                "`raw\n// still raw`",
                "'\\''",
                "'/'"
            ]
        );
    }

    #[test]
    fn same_regions_as_the_parser() {
        let files = [
            include_str!("../../tests/fixtures/go_mentions/controller.go"),
            include_str!("../../tests/fixtures/go_impure/internal/we/calls.go"),
            include_str!("../../tests/fixtures/go_impure/internal/we/decl.go"),
            include_str!(
                "../../examples/go-pure/internal/controller/workflowexecution/workflowexecution_controller.go"
            ),
            include_str!("../../examples/go-pure/api/v1alpha1/workflowexecution_types.go"),
        ];
        for src in files {
            let parsed: Vec<(usize, usize, TextKind)> = super::super::go::extract(src)
                .text
                .iter()
                .map(|r| (r.start, r.end, r.kind))
                .collect();
            let lexed: Vec<(usize, usize, TextKind)> = text_regions(src)
                .iter()
                .map(|r| (r.start, r.end, r.kind))
                .collect();
            assert_eq!(lexed, parsed);
        }
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        for src in ["\"abc", "'", "`open", "/* open", "//", "/", "\"\\"] {
            let _ = text_regions(src);
        }
    }
}
