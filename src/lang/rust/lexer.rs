//! Comment and string lexer of the Rust front-end: byte ranges of every comment and string
//! or char literal, found without tokenising, plus the nesting measure of the file.

use super::super::{TextKind, TextRegion};

pub(super) struct Lexed {
    pub(super) regions: Vec<TextRegion>,
    /// Deepest bracket nesting, or longest run of prefix operators, outside text.
    pub(super) max_nesting: usize,
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Finds comments (line, doc, nested block) and string, byte-string, raw-string, C-string and
/// char literals. Lifetimes and labels (`'a`, `'outer:`) are not literals.
pub(super) fn lex(src: &str) -> Lexed {
    let b = src.as_bytes();
    let n = b.len();
    let mut regions = Vec::new();
    let mut push = |kind, start: usize, end: usize| {
        regions.push(TextRegion {
            kind,
            start,
            end: end.min(n),
            test: false,
        })
    };
    let (mut depth, mut max_depth, mut run, mut max_run) = (0usize, 0usize, 0usize, 0usize);
    let mut i = 0;
    while i < n {
        let c = b[i];
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let mut end = memchr(b, b'\n', i).unwrap_or(n);
                if end > i && b[end - 1] == b'\r' {
                    end -= 1;
                }
                push(TextKind::Comment, i, end);
                i = end;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = block_comment_end(b, i);
                push(TextKind::Comment, i, end);
                i = end;
                continue;
            }
            b'"' => {
                let end = quoted_end(b, i + 1);
                push(TextKind::String, i, end);
                i = end;
                run = 0;
                continue;
            }
            b'\'' => {
                run = 0;
                if let Some(end) = char_end(src, i) {
                    push(TextKind::String, i, end);
                    i = end;
                    continue;
                }
            }
            c if c.is_ascii_digit() => {
                run = 0;
                while i < n && is_ident_byte(b[i]) {
                    i += 1;
                }
                continue;
            }
            c if is_ident_byte(c) => {
                run = 0;
                let start = i;
                while i < n && is_ident_byte(b[i]) {
                    i += 1;
                }
                let word = &b[start..i];
                let end = match (word, b.get(i)) {
                    (b"b", Some(b'\'')) => char_end(src, i),
                    (b"b" | b"c", Some(b'"')) => Some(quoted_end(b, i + 1)),
                    (b"r" | b"br" | b"cr", Some(b'"' | b'#')) => raw_string_end(b, i),
                    _ => None,
                };
                if let Some(end) = end {
                    push(TextKind::String, start, end);
                    i = end;
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                run = 0;
                depth += 1;
                max_depth = max_depth.max(depth);
            }
            b')' | b']' | b'}' => {
                run = 0;
                depth = depth.saturating_sub(1);
            }
            b'!' | b'-' | b'*' | b'&' => {
                run += 1;
                max_run = max_run.max(run);
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => run = 0,
        }
        i += 1;
    }
    Lexed {
        regions,
        max_nesting: max_depth.max(max_run),
    }
}

fn memchr(b: &[u8], needle: u8, from: usize) -> Option<usize> {
    b[from..]
        .iter()
        .position(|&c| c == needle)
        .map(|p| p + from)
}

/// End (exclusive) of a block comment starting at `i`, honouring nesting; EOF if unterminated.
fn block_comment_end(b: &[u8], i: usize) -> usize {
    let mut level = 0usize;
    let mut j = i;
    while j < b.len() {
        if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
            level += 1;
            j += 2;
        } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
            level -= 1;
            j += 2;
            if level == 0 {
                return j;
            }
        } else {
            j += 1;
        }
    }
    b.len()
}

/// End (exclusive) of a `"`-quoted literal whose body starts at `j`; EOF if unterminated.
fn quoted_end(b: &[u8], mut j: usize) -> usize {
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

/// End of a raw string whose `#`s or opening quote start at `i`; `None` for a raw identifier.
fn raw_string_end(b: &[u8], i: usize) -> Option<usize> {
    let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
    if b.get(i + hashes) != Some(&b'"') {
        return None;
    }
    let mut j = i + hashes + 1;
    while j < b.len() {
        if b[j] == b'"'
            && b[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == b'#')
                .count()
                == hashes
        {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(b.len())
}

/// End of a char literal whose quote is at `i`, or `None` when the quote opens a lifetime or
/// label.
fn char_end(src: &str, i: usize) -> Option<usize> {
    let b = src.as_bytes();
    let j = i + 1;
    match b.get(j)? {
        b'\\' => {
            // escape: `'\''`, `'\\'`, `'\n'`, `'\x7f'`, `'\u{10FFFF}'`
            let body = j + 2;
            (body..(body + 10).min(b.len()))
                .take_while(|&k| b[k] != b'\n')
                .find(|&k| b[k] == b'\'')
                .map(|k| k + 1)
        }
        b'\'' | b'\n' => None,
        _ => {
            let ch = src.get(j..)?.chars().next()?;
            let after = j + ch.len_utf8();
            (b.get(after) == Some(&b'\'')).then_some(after + 1)
        }
    }
}
