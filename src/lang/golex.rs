//! A Go lexer: tokens, comments and literals, without a syntax tree.
//!
//! Parsing Go with tree-sitter costs milliseconds a file; lexing it costs microseconds. The
//! engine uses [`text_regions`] when every place a listed name occurs in a file lies inside a
//! comment or literal: the file can then only hold mentions, and the parse is skipped. The
//! regions must be exactly those the tree-sitter front-end reports, so the lexer answers
//! `None` whenever the file is not plain, well-formed Go at the token level (an unterminated
//! comment or literal, unbalanced brackets, a character Go has no token for), where the
//! parser's error recovery may read the text differently.
//!
//! The Go front-end also uses the token stream ([`Lexer`]) to measure nesting before parsing,
//! to read a file lexically when it is too deep to parse, and to split a file into its
//! top-level declarations.

use super::{TextKind, TextRegion};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokKind {
    Ident,
    Keyword,
    /// Integer, floating-point and imaginary literals.
    Number,
    /// Interpreted string literal, `"..."`.
    String,
    /// Raw string literal, `` `...` ``.
    RawString,
    Rune,
    LineComment,
    BlockComment,
    /// Operators and punctuation, `;` included.
    Op,
    /// A semicolon Go inserts at a line end (zero width, at the newline).
    AutoSemi,
}

impl TokKind {
    pub fn is_comment(self) -> bool {
        matches!(self, TokKind::LineComment | TokKind::BlockComment)
    }
}

/// One token: its kind and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
}

const KEYWORDS: [&str; 25] = [
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// Go's operators and punctuation (what [`op_len`] reads).
#[cfg(test)]
const OPS: [&str; 48] = [
    "<<=", ">>=", "&^=", "...", "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=", "+=",
    "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^", "+", "-", "*", "/", "%", "&", "|",
    "^", "<", ">", "=", "!", "(", ")", "[", "]", "{", "}", ",", ";", ".", ":", "~",
];

/// Whether `word` is one of Go's keywords.
fn is_keyword(word: &str) -> bool {
    // every keyword is 2 to 11 lower-case ASCII letters
    (2..=11).contains(&word.len())
        && word.as_bytes()[0].is_ascii_lowercase()
        && KEYWORDS.contains(&word)
}

/// Length of the operator or punctuation starting at `b[i]` (the longest that fits), `None`
/// when Go has none starting with that byte.
fn op_len(b: &[u8], i: usize) -> Option<usize> {
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    let (c1, c2) = (at(1), at(2));
    let two_or_one = |second: &[u8]| if second.contains(&c1) { 2 } else { 1 };
    Some(match b[i] {
        b'<' | b'>' if c1 == b[i] => {
            if c2 == b'=' {
                3
            } else {
                2
            }
        }
        b'<' => two_or_one(b"=-"),
        b'>' => two_or_one(b"="),
        b'&' if c1 == b'^' => {
            if c2 == b'=' {
                3
            } else {
                2
            }
        }
        b'&' => two_or_one(b"&="),
        b'.' => {
            if c1 == b'.' && c2 == b'.' {
                3
            } else {
                1
            }
        }
        b'|' => two_or_one(b"|="),
        b'+' => two_or_one(b"+="),
        b'-' => two_or_one(b"-="),
        b'=' | b'!' | b'*' | b'/' | b'%' | b'^' | b':' => two_or_one(b"="),
        b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',' | b';' | b'~' => 1,
        _ => return None,
    })
}

/// Streams the tokens of a Go source, comments included, with Go's automatic semicolons.
/// Never fails: input Go has no token for becomes a one-character [`TokKind::Op`] and marks
/// the stream [`unsure`](Lexer::unsure).
pub struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    /// Whether a newline here would end a statement (Go's semicolon rule).
    semi_pending: bool,
    /// Byte offset of the first thing the lexer could not read as well-formed Go.
    unsure_at: Option<usize>,
    /// Open brackets, for the balance check.
    brackets: Vec<u8>,
}

impl<'s> Lexer<'s> {
    pub fn new(src: &'s str) -> Self {
        Self::at(src, 0)
    }

    /// A lexer that starts at byte `pos` of `src` as if a statement began there (the start of
    /// a top-level declaration); tokens keep their offsets in `src`.
    pub fn at(src: &'s str, pos: usize) -> Self {
        Lexer {
            src,
            pos,
            semi_pending: false,
            unsure_at: None,
            brackets: Vec::new(),
        }
    }

    /// Byte offset of the first malformed token (unterminated comment or literal, unbalanced
    /// bracket, character outside Go's token set), once the stream has been read that far;
    /// after the last token, also an unclosed bracket at the end.
    pub fn unsure(&self) -> Option<usize> {
        self.unsure_at
    }

    fn flag(&mut self, at: usize) {
        self.unsure_at.get_or_insert(at);
    }

    fn tok(&mut self, kind: TokKind, start: usize, end: usize) -> Token {
        self.pos = end;
        Token { kind, start, end }
    }

    fn bracket(&mut self, c: u8, at: usize) {
        match c {
            b'(' | b'[' | b'{' => self.brackets.push(c),
            b')' | b']' | b'}' => {
                let open = match c {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if self.brackets.pop() != Some(open) {
                    self.flag(at);
                }
            }
            _ => {}
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let b = self.src.as_bytes();
        // white space; a newline may end a statement
        while self.pos < b.len() {
            match b[self.pos] {
                b'\n' if self.semi_pending => {
                    self.semi_pending = false;
                    let at = self.pos;
                    return Some(self.tok(TokKind::AutoSemi, at, at));
                }
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                _ => break,
            }
        }
        let start = self.pos;
        if start >= b.len() {
            if self.semi_pending {
                self.semi_pending = false;
                return Some(self.tok(TokKind::AutoSemi, start, start));
            }
            if !self.brackets.is_empty() {
                self.flag(start);
                self.brackets.clear();
            }
            return None;
        }
        let c = b[start];
        let (kind, end) = match c {
            b'/' if b.get(start + 1) == Some(&b'/') => {
                let end = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |n| start + n);
                // a comment ends before a trailing carriage return, as in the parser
                let end = if end > start + 2 && b[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                };
                // the newline after it still ends the statement: keep `semi_pending`
                return Some(self.tok(TokKind::LineComment, start, end));
            }
            b'/' if b.get(start + 1) == Some(&b'*') => {
                let end = match memchr::memmem::find(&b[start + 2..], b"*/") {
                    Some(n) => start + 2 + n + 2,
                    None => {
                        self.flag(start);
                        b.len()
                    }
                };
                let tok = self.tok(TokKind::BlockComment, start, end);
                if self.semi_pending && memchr::memchr(b'\n', &b[start..end]).is_some() {
                    // a comment spanning lines acts like a newline: the statement ends at
                    // the comment (the token comes first, the semicolon is implied after)
                    self.semi_pending = false;
                    self.pos = start;
                    // emit the semicolon first, then the comment on the next call
                    let at = start;
                    return Some(Token {
                        kind: TokKind::AutoSemi,
                        start: at,
                        end: at,
                    });
                }
                return Some(tok);
            }
            b'"' => (TokKind::String, self.quoted(start, b'"')),
            b'\'' => (TokKind::Rune, self.rune(start)),
            b'`' => {
                let end = match memchr::memchr(b'`', &b[start + 1..]) {
                    Some(n) => start + 1 + n + 1,
                    None => {
                        self.flag(start);
                        b.len()
                    }
                };
                (TokKind::RawString, end)
            }
            b'0'..=b'9' => (TokKind::Number, number_end(b, start)),
            b'.' if b.get(start + 1).is_some_and(u8::is_ascii_digit) => {
                (TokKind::Number, number_end(b, start))
            }
            c if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                // ASCII letters and digits byte by byte; past the first other byte, characters
                let mut end = start;
                while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                    end += 1;
                }
                let ascii = end == b.len() || b[end] < 0x80;
                if !ascii {
                    for ch in self.src[end..].chars() {
                        if ch == '_' || ch.is_alphanumeric() {
                            end += ch.len_utf8();
                        } else {
                            break;
                        }
                    }
                }
                if end == start {
                    // a character Go has no token for
                    let ch = self.src[start..].chars().next().map_or(1, char::len_utf8);
                    self.flag(start);
                    (TokKind::Op, start + ch)
                } else {
                    if !ascii {
                        // identifiers outside ASCII: the parser's idea of a letter may differ
                        self.flag(start);
                    }
                    let kind = if is_keyword(&self.src[start..end]) {
                        TokKind::Keyword
                    } else {
                        TokKind::Ident
                    };
                    (kind, end)
                }
            }
            _ => match op_len(b, start) {
                Some(n) => {
                    self.bracket(c, start);
                    (TokKind::Op, start + n)
                }
                None => {
                    self.flag(start);
                    (TokKind::Op, start + 1)
                }
            },
        };
        let text = &self.src[start..end];
        self.semi_pending = match kind {
            TokKind::Ident
            | TokKind::Number
            | TokKind::String
            | TokKind::RawString
            | TokKind::Rune => true,
            TokKind::Keyword => matches!(text, "break" | "continue" | "fallthrough" | "return"),
            TokKind::Op => matches!(text, "++" | "--" | ")" | "]" | "}"),
            _ => false,
        };
        Some(self.tok(kind, start, end))
    }
}

impl Lexer<'_> {
    /// Skips the inside of the block whose `{` was the last token: the next token is its
    /// closing `}` (or the end of the input). Only the bytes that open a comment or literal
    /// and braces are looked at, so a block is skipped many times faster than its tokens
    /// are read. For readers that need nothing inside blocks (the declaration scanner).
    pub fn skip_block(&mut self) {
        let b = self.src.as_bytes();
        let mut depth = 1usize;
        let mut i = self.pos;
        while i < b.len() {
            let c = b[i];
            match CLASSES[c as usize] {
                Class::Plain | Class::Foreign => i += 1,
                Class::Bracket => {
                    match c {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                Class::Slash => match b.get(i + 1) {
                    Some(b'/') => i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n),
                    Some(b'*') => {
                        i = memchr::memmem::find(&b[i + 2..], b"*/")
                            .map_or(b.len(), |n| i + 2 + n + 2)
                    }
                    _ => i += 1,
                },
                Class::Quote => {
                    i = match c {
                        b'"' => self.quoted(i, b'"'),
                        b'\'' => self.rune(i),
                        _ => memchr::memchr(b'`', &b[i + 1..]).map_or(b.len(), |n| i + 1 + n + 1),
                    }
                }
            }
        }
        self.pos = i.min(b.len());
        self.semi_pending = false;
    }

    /// End of an interpreted string starting at `start`: after the closing quote, or at the
    /// end of the line when it is unterminated.
    fn quoted(&mut self, start: usize, q: u8) -> usize {
        let b = self.src.as_bytes();
        let mut i = start + 1;
        while i < b.len() {
            match b[i] {
                b'\\' if b.get(i + 1).is_some_and(|&n| n != b'\n') => i += 2,
                b'\n' | b'\\' => break,
                c if c == q => return i + 1,
                _ => i += 1,
            }
        }
        self.flag(start);
        i.min(b.len())
    }

    /// End of a rune literal; a literal that is not one character or one escape is malformed.
    fn rune(&mut self, start: usize) -> usize {
        let end = self.quoted(start, b'\'');
        let closed = end >= start + 2 && self.src.as_bytes()[end - 1] == b'\'';
        let one = closed && {
            let body = &self.src[start + 1..end - 1];
            match body.strip_prefix('\\') {
                Some(esc) => !esc.is_empty(),
                None => body.chars().count() == 1,
            }
        };
        if !one {
            self.flag(start);
        }
        end
    }
}

/// End of a number literal starting at `start` (digits, letters, `_`, `.`, and a sign right
/// after an exponent letter).
fn number_end(b: &[u8], start: usize) -> usize {
    let hex = b[start..].starts_with(b"0x") || b[start..].starts_with(b"0X");
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        let exp = if hex {
            matches!(c, b'p' | b'P')
        } else {
            matches!(c, b'e' | b'E')
        };
        if exp && matches!(b.get(i + 1), Some(b'+' | b'-')) {
            i += 2;
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// How [`text_regions`] treats a byte outside comments and literals.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Part of a name, number, operator or white space: skipped.
    Plain,
    /// `/`: may open a comment.
    Slash,
    /// `"`, `'` or `` ` ``: opens a literal.
    Quote,
    /// A bracket: kept balanced.
    Bracket,
    /// Go has no token with it outside a comment or literal (non-ASCII bytes included: names
    /// outside ASCII make the lexer unsure too).
    Foreign,
}

const CLASSES: [Class; 256] = {
    let mut t = [Class::Foreign; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = if b.is_ascii_alphanumeric() || matches!(b, b'_' | b' ' | b'\t' | b'\r' | b'\n') {
            Class::Plain
        } else {
            match b {
                b'/' => Class::Slash,
                b'"' | b'\'' | b'`' => Class::Quote,
                b'(' | b')' | b'[' | b']' | b'{' | b'}' => Class::Bracket,
                b'+' | b'-' | b'*' | b'%' | b'&' | b'|' | b'^' | b'<' | b'>' | b'=' | b'!'
                | b',' | b';' | b'.' | b':' | b'~' => Class::Plain,
                _ => Class::Foreign,
            }
        };
        c += 1;
    }
    t
};

/// Comments, strings, raw strings and runes of `src`, in order, non-overlapping: the regions
/// the tree-sitter front-end reports. `None` when the lexer cannot vouch for that: the file
/// is malformed at the token level (see [`Lexer::unsure`]), and only a parse can tell.
///
/// The same answer as reading every token with [`Lexer`], an order of magnitude faster: only
/// the bytes that open a comment or literal, brackets and bytes Go has no token for are
/// looked at; the rest is skipped a byte at a time without building tokens.
pub fn text_regions(src: &str) -> Option<Vec<TextRegion>> {
    let b = src.as_bytes();
    let mut lx = Lexer::new(src);
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
        let c = b[i];
        match CLASSES[c as usize] {
            Class::Plain => i += 1,
            Class::Bracket => {
                lx.bracket(c, i);
                i += 1;
            }
            Class::Foreign => return None,
            Class::Slash => match b.get(i + 1) {
                Some(b'/') => {
                    let mut end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                    if end > i + 2 && b[end - 1] == b'\r' {
                        end -= 1;
                    }
                    push(&mut out, TextKind::Comment, i, end);
                    i = end;
                }
                Some(b'*') => {
                    let end = memchr::memmem::find(&b[i + 2..], b"*/").map(|n| i + 2 + n + 2)?;
                    push(&mut out, TextKind::Comment, i, end);
                    i = end;
                }
                _ => i += 1,
            },
            Class::Quote => {
                let end = match c {
                    b'"' => lx.quoted(i, b'"'),
                    b'\'' => lx.rune(i),
                    _ => memchr::memchr(b'`', &b[i + 1..]).map(|n| i + 1 + n + 1)?,
                };
                let kind = TextKind::String;
                push(&mut out, kind, i, end);
                i = end;
            }
        }
        if lx.unsure().is_some() {
            return None;
        }
    }
    if !lx.brackets.is_empty() {
        return None;
    }
    Some(out)
}

/// [`text_regions`] as the token stream gives it: the reference the fast scanner is held to.
#[cfg(test)]
fn text_regions_by_tokens(src: &str) -> Option<Vec<TextRegion>> {
    let mut lexer = Lexer::new(src);
    let mut out = Vec::new();
    for t in lexer.by_ref() {
        let kind = match t.kind {
            TokKind::LineComment | TokKind::BlockComment => TextKind::Comment,
            TokKind::String | TokKind::RawString | TokKind::Rune => TextKind::String,
            _ => continue,
        };
        out.push(TextRegion {
            kind,
            start: t.start,
            end: t.end,
            test: false,
        });
    }
    match lexer.unsure() {
        Some(_) => None,
        None => Some(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        text_regions(src)
            .expect("well-formed")
            .iter()
            .map(|r| &src[r.start..r.end])
            .collect()
    }

    fn kinds(src: &str) -> Vec<(TokKind, &str)> {
        Lexer::new(src)
            .map(|t| (t.kind, &src[t.start..t.end]))
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
    fn tokens_and_automatic_semicolons() {
        use TokKind::*;
        let src = "x := a.b(1.5e-3, 0x1p+4) // c\nreturn\n}\ny++ /* a\nb */ z";
        assert_eq!(
            kinds(src),
            [
                (Ident, "x"),
                (Op, ":="),
                (Ident, "a"),
                (Op, "."),
                (Ident, "b"),
                (Op, "("),
                (Number, "1.5e-3"),
                (Op, ","),
                (Number, "0x1p+4"),
                (Op, ")"),
                (LineComment, "// c"),
                (AutoSemi, ""),
                (Keyword, "return"),
                (AutoSemi, ""),
                (Op, "}"),
                (AutoSemi, ""),
                (Ident, "y"),
                (Op, "++"),
                (AutoSemi, ""),
                (BlockComment, "/* a\nb */"),
                (Ident, "z"),
                (AutoSemi, ""),
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
            let parsed: Vec<(usize, usize, TextKind)> = super::super::go::parser_text_regions(src)
                .iter()
                .map(|r| (r.start, r.end, r.kind))
                .collect();
            let lexed: Vec<(usize, usize, TextKind)> = text_regions(src)
                .expect("well-formed")
                .iter()
                .map(|r| (r.start, r.end, r.kind))
                .collect();
            assert_eq!(lexed, parsed);
        }
    }

    /// The Go standard library, where installed: every file the lexer vouches for has the
    /// parser's regions, and the lexer vouches for nearly all of them.
    #[test]
    fn same_regions_as_the_parser_on_the_standard_library() {
        let Some(root) = std::fs::read_dir("/usr/lib")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("src/net/http"))
            .find(|p| p.is_dir() && p.to_string_lossy().contains("/go"))
        else {
            // no Go standard library installed: nothing to compare with
            return;
        };
        let (mut sure, mut unsure) = (0, 0);
        for e in std::fs::read_dir(&root).unwrap().flatten() {
            let Ok(src) = std::fs::read_to_string(e.path()) else {
                continue;
            };
            if !e.path().to_string_lossy().ends_with(".go") {
                continue;
            }
            let Some(lexed) = text_regions(&src) else {
                unsure += 1;
                continue;
            };
            sure += 1;
            let parsed = super::super::go::parser_text_regions(&src);
            assert_eq!(lexed, parsed, "{}", e.path().display());
        }
        assert!(
            sure > 20 && unsure * 20 <= sure,
            "{sure} sure, {unsure} unsure"
        );
    }

    /// The operator reader takes the longest operator of Go's list at every position.
    #[test]
    fn operators_are_the_longest_that_fit() {
        let bytes: Vec<u8> = b"<>=-&^.|+*/%!:()[]{},;~ax".to_vec();
        for &a in &bytes {
            for &b2 in &bytes {
                for &c in &bytes {
                    let s = [a, b2, c];
                    let longest = OPS
                        .iter()
                        .filter(|op| s.starts_with(op.as_bytes()))
                        .map(|op| op.len())
                        .max();
                    assert_eq!(op_len(&s, 0), longest, "{}", String::from_utf8_lossy(&s));
                }
            }
        }
    }

    /// The fast scanner gives the token stream's answer on well-formed Go, on every prefix
    /// of it (unterminated comments and literals, open brackets) and with bytes Go has no
    /// token for spliced in.
    #[test]
    fn fast_regions_equal_the_token_streams() {
        let mut files = vec![
            "package p // c1\n/* c2 \"x\" */ var s = \"a\\\"b // not\" + `raw\n// still raw` + string('\\'') + string('/')\n".to_string(),
            "package p\nfunc f() { x := []rune{'a', '\\n', 'é'}; y := a/b /c; z := \"\\\n\" }\r\n// end\r\n".to_string(),
            "package p\nvar ü = 1 // é\nvar x = y # z\n".to_string(),
        ];
        let lib = std::fs::read_dir("/usr/lib")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("src/strconv"))
            .find(|p| p.is_dir() && p.to_string_lossy().contains("/go"));
        for e in lib
            .iter()
            .flat_map(|d| std::fs::read_dir(d).into_iter().flatten().flatten())
        {
            if e.path().extension().is_some_and(|x| x == "go")
                && let Ok(src) = std::fs::read_to_string(e.path())
            {
                files.push(src);
            }
        }
        let mut compared = 0;
        for src in &files {
            assert_eq!(text_regions(src), text_regions_by_tokens(src), "{src}");
            for cut in (0..src.len()).step_by(src.len() / 97 + 1) {
                if src.is_char_boundary(cut) {
                    let part = &src[..cut];
                    assert_eq!(text_regions(part), text_regions_by_tokens(part), "{part}");
                    for odd in [
                        "#", "\\", "$", "\u{0}", "\u{7f}", "\u{c}", "é", "'ab'", "'", "\"", "`",
                        "/*", ")", "{",
                    ] {
                        let spliced = format!("{part}{odd}{}", &src[cut..]);
                        assert_eq!(
                            text_regions(&spliced),
                            text_regions_by_tokens(&spliced),
                            "{spliced}"
                        );
                    }
                    compared += 1;
                }
            }
        }
        assert!(compared > 200, "{compared}");
    }

    #[test]
    fn malformed_input_is_unsure() {
        for src in [
            "\"abc",
            "'",
            "`open",
            "/* open",
            "\"\\",
            "package p\nvar s = \"a\nb\"\n",
            "package p\nfunc f() {\n",
            "package p\nfunc f() }\n",
            "package p\nvar x = (1]\n",
            "package p\nvar r = 'ab'\n",
            "package p\nvar x = a # b\n",
            "package p\nvar x = “a”\n",
            "package p\nvar café = 1\n",
        ] {
            assert!(text_regions(src).is_none(), "{src:?}");
        }
        for src in ["", "//", "package p\nvar r = '\\n' + '“'\n", "x /* ok */"] {
            assert!(text_regions(src).is_some(), "{src:?}");
        }
    }
}
