//! Comment and string lexer of the Rust front-end: byte ranges of every comment and string
//! or char literal, found without tokenising, plus the nesting measure of the file.

use super::super::{TextKind, TextRegion};

/// What the lexer learned about a file.
pub(super) struct Lexed {
    pub(super) regions: Vec<TextRegion>,
    /// Upper bound of the syntax-tree nesting the file can produce (see [`Meter`]); 0 when
    /// not measured.
    pub(super) depth: usize,
    /// Byte offset where `depth` is reached.
    pub(super) deepest_at: usize,
    /// A block comment or a string runs to the end of the file: the regions after it may be
    /// wrong, so a caller that wants certainty parses the file.
    pub(super) unsure: bool,
    /// Lexemes outside comments and literals: the measure of a syntax tree's size.
    pub(super) tokens: usize,
}

/// The kind of one lexeme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LexKind {
    /// A comment or a string, byte-string, raw-string, C-string or char literal.
    Text(TextKind),
    /// An identifier or keyword; raw identifiers (`r#match`) include their `r#`.
    Ident,
    /// A number literal with its suffix (`0x1f`, `10u32`; the `.` of `1.5` is a [`Punct`]).
    ///
    /// [`Punct`]: LexKind::Punct
    Number,
    /// `'a`, `'static`, `'outer`.
    Lifetime,
    /// `(`, `[` or `{`.
    Open,
    /// `)`, `]` or `}`.
    Close,
    /// Any other single character outside whitespace.
    Punct,
}

/// One lexeme: its kind and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Lexeme {
    pub(super) kind: LexKind,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Splits Rust source into lexemes without building any tree. Never fails: input that is not
/// Rust still comes out as identifiers, numbers and punctuation.
pub(super) struct Scanner<'a> {
    src: &'a str,
    i: usize,
    /// Start of the first block comment or quoted literal that runs to the end of the input.
    pub(super) unterminated: Option<usize>,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Scanner {
            src,
            i: 0,
            unterminated: None,
        }
    }

    /// A scanner whose first lexeme starts at or after byte `start` (a lexeme boundary).
    pub(super) fn starting_at(src: &'a str, start: usize) -> Self {
        Scanner {
            src,
            i: start,
            unterminated: None,
        }
    }
}

impl Scanner<'_> {
    fn note_closed(&mut self, start: usize, closed: bool) {
        if !closed && self.unterminated.is_none() {
            self.unterminated = Some(start);
        }
    }
}

impl Iterator for Scanner<'_> {
    type Item = Lexeme;

    fn next(&mut self) -> Option<Lexeme> {
        let src = self.src;
        let b = src.as_bytes();
        let n = b.len();
        let mut i = self.i;
        if i == 0 && src.starts_with('\u{feff}') {
            i = 3; // byte order mark
        }
        while i < n && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        if i >= n {
            self.i = n;
            return None;
        }
        let start = i;
        let (kind, end) = match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let mut end = memchr::memchr(b'\n', &b[i..]).map_or(n, |p| i + p);
                if end > i && b[end - 1] == b'\r' {
                    end -= 1;
                }
                (LexKind::Text(TextKind::Comment), end)
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let (end, closed) = block_comment_end(b, i);
                self.note_closed(start, closed);
                (LexKind::Text(TextKind::Comment), end)
            }
            b'"' => {
                let (end, closed) = quoted_end(b, i + 1);
                self.note_closed(start, closed);
                (LexKind::Text(TextKind::String), end)
            }
            b'\'' => match char_end(src, i) {
                Some(end) => (LexKind::Text(TextKind::String), end),
                None if b
                    .get(i + 1)
                    .is_some_and(|&c| is_ident_byte(c) && !c.is_ascii_digit()) =>
                {
                    let mut j = i + 1;
                    while j < n && is_ident_byte(b[j]) {
                        j += 1;
                    }
                    (LexKind::Lifetime, j)
                }
                None => (LexKind::Punct, i + 1),
            },
            c if c.is_ascii_digit() => {
                while i < n && is_ident_byte(b[i]) {
                    i += 1;
                }
                (LexKind::Number, i)
            }
            c if is_ident_byte(c) => {
                while i < n && is_ident_byte(b[i]) {
                    i += 1;
                }
                let word = &b[start..i];
                let literal = match (word, b.get(i)) {
                    (b"b", Some(b'\'')) => char_end(src, i).map(|e| (e, true)),
                    (b"b" | b"c", Some(b'"')) => Some(quoted_end(b, i + 1)),
                    (b"r" | b"br" | b"cr", Some(b'"' | b'#')) => raw_string_end(b, i),
                    _ => None,
                };
                match literal {
                    Some((end, closed)) => {
                        self.note_closed(start, closed);
                        (LexKind::Text(TextKind::String), end)
                    }
                    // a raw identifier: `r#match`
                    None if word == b"r"
                        && b.get(i) == Some(&b'#')
                        && b.get(i + 1).is_some_and(|&c| is_ident_byte(c)) =>
                    {
                        let mut j = i + 1;
                        while j < n && is_ident_byte(b[j]) {
                            j += 1;
                        }
                        (LexKind::Ident, j)
                    }
                    None => (LexKind::Ident, i),
                }
            }
            b'(' | b'[' | b'{' => (LexKind::Open, i + 1),
            b')' | b']' | b'}' => (LexKind::Close, i + 1),
            _ => (LexKind::Punct, i + 1),
        };
        let end = end.min(n);
        self.i = end;
        Some(Lexeme { kind, start, end })
    }
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Finds comments (line, doc, nested block) and string, byte-string, raw-string, C-string and
/// char literals. Lifetimes and labels (`'a`, `'outer:`) are not literals. With `measure`, also
/// bounds the nesting depth of the file (for [`super::DEPTH_BUDGET`]).
pub(super) fn lex(src: &str, measure: bool) -> Lexed {
    let mut regions = Vec::new();
    let mut meter = Meter::new();
    let mut scan = Scanner::new(src);
    let mut tokens = 0;
    for lx in scan.by_ref() {
        if let LexKind::Text(kind) = lx.kind {
            regions.push(TextRegion {
                kind,
                start: lx.start,
                end: lx.end,
                test: false,
            });
        } else {
            tokens += 1;
        }
        if measure {
            meter.feed(src, &lx);
        }
    }
    Lexed {
        regions,
        depth: if measure { meter.max } else { 0 },
        deepest_at: meter.max_at,
        unsure: scan.unterminated.is_some(),
        tokens,
    }
}

/// Whether an identifier is a keyword that can start or extend a nested construct. The
/// value-like keywords (`self`, `Self`, `crate`, `super`, `true`, `false`) are operands.
fn nesting_keyword(word: &[u8]) -> bool {
    matches!(
        word,
        b"as"
            | b"async"
            | b"await"
            | b"become"
            | b"box"
            | b"break"
            | b"const"
            | b"continue"
            | b"do"
            | b"dyn"
            | b"else"
            | b"enum"
            | b"extern"
            | b"fn"
            | b"for"
            | b"if"
            | b"impl"
            | b"in"
            | b"let"
            | b"loop"
            | b"match"
            | b"mod"
            | b"move"
            | b"mut"
            | b"pub"
            | b"raw"
            | b"ref"
            | b"return"
            | b"static"
            | b"struct"
            | b"trait"
            | b"try"
            | b"type"
            | b"union"
            | b"unsafe"
            | b"use"
            | b"where"
            | b"while"
            | b"yield"
    )
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scope {
    /// `(..)`, `[..]`, `{..}` (and the file itself).
    Group,
    /// `<..>`: generic arguments or parameters, or a comparison that is never closed.
    Angle,
    /// `|..|`: closure parameters (or a leading `|` of a pattern).
    Pipe,
}

/// Bounds, from lexemes alone, how deep the syntax tree of a file can nest: syn's parser, the
/// front-end's visitor and the tree's destructor all recurse once per level.
///
/// The model: every bracket group is a level, and inside a group every token that can put one
/// node inside another (an operator, `.`, `?`, `->`, a keyword such as `return`, `else`, `as`,
/// `dyn`, `const`, or a group following an expression as in `f()()`) adds one. Siblings do not
/// add up: the count of a group restarts after `,`, `;`, `=>`, and after a `}` that is followed
/// by the start of a new statement or item (an identifier other than `else`/`as`, a literal, a
/// label or an attribute). `<..>` and `|..|` are scopes of their own, so that the commas of
/// `HashMap<K, V>` and `|a, b|` restart only what they enclose; when such a scope closes, its
/// count is carried into the enclosing one. The result is the largest sum, over the open
/// levels, of one plus their counts: never below the real nesting, at most a small constant
/// factor above it for real code.
struct Meter {
    scopes: Vec<(Scope, usize)>,
    /// Sum over `scopes` of one plus their counts.
    total: usize,
    max: usize,
    max_at: usize,
    /// Start of the lexeme being read.
    at: usize,
    /// The previous lexeme leaves an operand expected (a `|` here opens closure parameters).
    prefix: bool,
    /// The previous lexeme closed a `{..}` group.
    after_brace: bool,
    /// The next lexeme is the second character of `->` or `=>`.
    skip: bool,
}

impl Meter {
    fn new() -> Self {
        Meter {
            scopes: vec![(Scope::Group, 0)],
            total: 1,
            max: 1,
            max_at: 0,
            at: 0,
            prefix: true,
            after_brace: false,
            skip: false,
        }
    }

    fn top(&self) -> Scope {
        self.scopes.last().map_or(Scope::Group, |s| s.0)
    }

    fn bump(&mut self) {
        if let Some(s) = self.scopes.last_mut() {
            s.1 += 1;
            self.total += 1;
            self.note_max();
        }
    }

    fn note_max(&mut self) {
        if self.total > self.max {
            self.max = self.total;
            self.max_at = self.at;
        }
    }

    fn push(&mut self, scope: Scope) {
        self.scopes.push((scope, 0));
        self.total += 1;
        self.note_max();
    }

    /// Closes an `<..>` or `|..|` scope; its levels stay counted in the enclosing one.
    fn fold(&mut self) {
        if self.scopes.len() > 1
            && let Some((_, c)) = self.scopes.pop()
            && let Some(parent) = self.scopes.last_mut()
        {
            parent.1 += 1 + c;
        }
    }

    /// Drops the scopes above the innermost group.
    fn drop_open_scopes(&mut self) {
        while self.scopes.len() > 1 && self.top() != Scope::Group {
            if let Some((_, c)) = self.scopes.pop() {
                self.total -= 1 + c;
            }
        }
    }

    /// A separator that ends every open construct of the current group (`;`, `=>`, a new
    /// statement after `}`).
    fn reset(&mut self) {
        self.drop_open_scopes();
        self.restart();
    }

    /// Restarts the count of the innermost scope (`,`).
    fn restart(&mut self) {
        if let Some(s) = self.scopes.last_mut() {
            self.total -= s.1;
            s.1 = 0;
        }
    }

    fn close_group(&mut self) {
        if self.scopes.len() <= 1 {
            return; // an unmatched closer
        }
        self.drop_open_scopes();
        if self.scopes.len() > 1
            && let Some((_, c)) = self.scopes.pop()
        {
            self.total -= 1 + c;
        }
    }

    fn feed(&mut self, src: &str, lx: &Lexeme) {
        let b = src.as_bytes();
        if lx.kind == LexKind::Text(TextKind::Comment) {
            return;
        }
        if std::mem::take(&mut self.skip) {
            return;
        }
        let word = &b[lx.start..lx.end];
        self.at = lx.start;
        if std::mem::take(&mut self.after_brace) {
            let starts_new = match lx.kind {
                LexKind::Ident => word != b"else" && word != b"as",
                LexKind::Number | LexKind::Lifetime | LexKind::Text(_) => true,
                LexKind::Punct => word == b"#",
                LexKind::Open | LexKind::Close => false,
            };
            if starts_new {
                self.reset();
            }
        }
        match lx.kind {
            LexKind::Text(_) | LexKind::Number | LexKind::Lifetime => self.prefix = false,
            LexKind::Ident => {
                if nesting_keyword(word) {
                    self.bump();
                    self.prefix = true;
                } else {
                    self.prefix = false;
                }
            }
            LexKind::Open => {
                self.bump();
                self.push(Scope::Group);
                self.prefix = true;
            }
            LexKind::Close => {
                self.close_group();
                self.after_brace = word == b"}";
                self.prefix = false;
            }
            LexKind::Punct => {
                let next = b.get(lx.end).copied();
                self.prefix = true;
                match word[0] {
                    b',' => self.restart(),
                    b';' => self.reset(),
                    b':' | b'#' | b'$' => {}
                    b'=' if next == Some(b'>') => {
                        self.skip = true;
                        self.reset();
                    }
                    b'-' if next == Some(b'>') => {
                        self.skip = true;
                        self.bump();
                    }
                    b'<' if next == Some(b'=') => self.bump(),
                    // a type level costs syn about twice an expression level
                    b'<' => {
                        self.bump();
                        self.push(Scope::Angle);
                    }
                    b'>' if next != Some(b'=') && self.top() == Scope::Angle => {
                        self.fold();
                        self.prefix = false;
                    }
                    b'|' if self.top() == Scope::Pipe => self.fold(),
                    b'|' if self.prefix => self.push(Scope::Pipe),
                    b'?' => {
                        self.bump();
                        self.prefix = false;
                    }
                    _ => self.bump(),
                }
            }
        }
    }
}

/// End (exclusive) of a block comment starting at `i`, honouring nesting, and whether it is
/// closed (EOF if not).
fn block_comment_end(b: &[u8], i: usize) -> (usize, bool) {
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
                return (j, true);
            }
        } else {
            j += 1;
        }
    }
    (b.len(), false)
}

/// End (exclusive) of a `"`-quoted literal whose body starts at `j`, and whether it is closed
/// (EOF if not).
fn quoted_end(b: &[u8], mut j: usize) -> (usize, bool) {
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return (j + 1, true),
            _ => j += 1,
        }
    }
    (b.len(), false)
}

/// End of a raw string whose `#`s or opening quote start at `i` and whether it is closed;
/// `None` for a raw identifier.
fn raw_string_end(b: &[u8], i: usize) -> Option<(usize, bool)> {
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
            return Some((j + 1 + hashes, true));
        }
        j += 1;
    }
    Some((b.len(), false))
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
