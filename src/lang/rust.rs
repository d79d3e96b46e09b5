//! Rust front-end: turns one `.rs` file into [`FileFacts`] for the routeaudit engine.
//!
//! It owns three jobs. A small lexer finds every comment and string/char literal (syn drops
//! comments), so that names merely mentioned in text are never reported as code. A `syn`
//! visitor classifies every identifier of the syntax tree (declarations, calls, references),
//! builds the function table with each function's calls and function values, and marks test
//! code (`#[cfg(test)]`, `#[test]`, `#[tokio::test]`). Macro bodies and attribute arguments,
//! which syn keeps as raw tokens, are classified at token level; the same token classifier
//! is the fallback when a file does not parse, so a syntax error degrades the result
//! instead of losing it. No syn or proc-macro2 type leaves this module.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use proc_macro2::{Delimiter, Ident, Spacing, Span as PmSpan, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, Expr, ExprPath, Meta, Signature, Type, Visibility};

use super::{
    Call, FileFacts, FnKind, Function, OccKind, Occurrence, ParseWarning, TextKind, TextRegion,
};
use crate::span::Span;

/// The attributes of an impl or trait member (`ImplItem`, `TraitItem`: the same variants).
macro_rules! member_attrs {
    ($item:expr, $enum:ident) => {
        match $item {
            syn::$enum::Const(i) => &i.attrs[..],
            syn::$enum::Fn(i) => &i.attrs[..],
            syn::$enum::Type(i) => &i.attrs[..],
            syn::$enum::Macro(i) => &i.attrs[..],
            _ => &[],
        }
    };
}

/// Stack of the worker thread that parses one file: syn recurses on nesting, and generated
/// code can nest deeply. Only the touched pages are committed.
const STACK_SIZE: usize = 128 << 20;

/// Bracket nesting (or run of prefix operators) above which the file is not parsed at all.
const MAX_NESTING: usize = 256;

/// Receiver chains longer than this are abbreviated in call qualifiers.
const MAX_QUALIFIER_DEPTH: usize = 4;

/// Names that are never occurrences, even where syn stores them as identifiers.
const SPECIAL: [&str; 5] = ["self", "Self", "crate", "super", "_"];

/// Keywords (strict and reserved), which token streams carry as identifiers.
const KEYWORDS: [&str; 49] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual",
];

/// Reserved words not in [`KEYWORDS`] that still cannot be plain identifiers.
const RESERVED: [&str; 3] = ["yield", "try", "_"];

/// Reads one Rust source file. Never panics: a syntax error gives a token-level result and a
/// warning; anything worse gives the comment and string regions only.
pub fn extract(src: &str) -> FileFacts {
    let prepared = prepare(src);
    let lexed = lex(&prepared);
    let outcome = std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("routeaudit-rust".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || analyze(&prepared, &lexed));
        match worker {
            Ok(handle) => handle.join().ok(),
            Err(_) => {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    analyze(&prepared, &lexed)
                }))
                .ok();
                proc_macro2::extra::invalidate_current_thread_spans();
                r
            }
        }
    });
    outcome.unwrap_or_else(|| FileFacts {
        text: lexed.regions.clone(),
        warnings: vec![ParseWarning {
            line: 1,
            message: "internal error while reading the file; only comments and strings were read"
                .into(),
        }],
        ..FileFacts::default()
    })
}

/// Comments and string literals only, without parsing: the cheap first look the engine takes
/// at a file (same regions as [`extract`] reports, but without test flags).
pub fn text_regions(src: &str) -> Vec<TextRegion> {
    lex(&prepare(src)).regions
}

/// Turns a shebang line into a line comment of the same length, so that positions stay
/// exact for both syn and the lexer (syn would otherwise strip it and shift nothing, but
/// the fallback tokenizer does not know shebangs).
fn prepare(src: &str) -> std::borrow::Cow<'_, str> {
    let bom = if src.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &src[bom..];
    if rest.starts_with("#!") && !rest[2..].trim_start().starts_with('[') {
        let mut s = String::with_capacity(src.len());
        s.push_str(&src[..bom]);
        s.push_str("//");
        s.push_str(&rest[2..]);
        std::borrow::Cow::Owned(s)
    } else {
        std::borrow::Cow::Borrowed(src)
    }
}

fn analyze(src: &str, lexed: &Lexed) -> FileFacts {
    let mut col = Collector::default();
    let mut warnings = Vec::new();
    if lexed.max_nesting > MAX_NESTING {
        // too deep for syn's recursion: classify at token level (an explicit stack), so a call
        // buried in the nesting is still found
        match TokenStream::from_str(src) {
            Ok(tokens) => {
                warnings.push(ParseWarning {
                    line: 1,
                    message: format!(
                        "nesting deeper than {MAX_NESTING} levels; identifiers classified from tokens only"
                    ),
                });
                col.walk_tokens(tokens, TokMode::Fallback, None, false, None);
            }
            Err(e) => warnings.push(ParseWarning {
                line: error_line(e.span(), src),
                message: format!("cannot tokenize: {e}; only comments and strings were read"),
            }),
        }
        let facts = col.finish(lexed.regions.clone(), warnings);
        proc_macro2::extra::invalidate_current_thread_spans();
        return facts;
    }
    match syn::parse_str::<syn::File>(src) {
        Ok(file) => col.visit_file(&file),
        Err(e) => match TokenStream::from_str(src) {
            Ok(tokens) => {
                warnings.push(ParseWarning {
                    line: error_line(e.span(), src),
                    message: format!("syntax error: {e}; identifiers classified from tokens only"),
                });
                col.walk_tokens(tokens, TokMode::Fallback, None, false, None);
            }
            Err(e) => warnings.push(ParseWarning {
                line: error_line(e.span(), src),
                message: format!("cannot tokenize: {e}; only comments and strings were read"),
            }),
        },
    }
    let facts = col.finish(lexed.regions.clone(), warnings);
    proc_macro2::extra::invalidate_current_thread_spans();
    facts
}

fn error_line(span: PmSpan, src: &str) -> u32 {
    match span.start().line {
        0 => src.lines().count().max(1) as u32,
        l => l as u32,
    }
}

// ---------------------------------------------------------------------------------------
// Lexer: comments, strings and chars as byte ranges.

struct Lexed {
    regions: Vec<TextRegion>,
    /// Deepest bracket nesting, or longest run of prefix operators, outside text.
    max_nesting: usize,
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Finds comments (line, doc, nested block) and string, byte-string, raw-string, C-string and
/// char literals. Lifetimes and labels (`'a`, `'outer:`) are not literals.
fn lex(src: &str) -> Lexed {
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

// ---------------------------------------------------------------------------------------
// Occurrence collection.

/// One identifier token, resolved to its name, span and byte offset.
struct Tok {
    name: String,
    span: Span,
    offset: usize,
}

/// The outer attributes of the expressions a statement can start with.
fn expr_attrs(e: &Expr) -> &[Attribute] {
    match e {
        Expr::Call(x) => &x.attrs,
        Expr::MethodCall(x) => &x.attrs,
        Expr::Macro(x) => &x.attrs,
        Expr::Block(x) => &x.attrs,
        Expr::If(x) => &x.attrs,
        Expr::Match(x) => &x.attrs,
        Expr::Assign(x) => &x.attrs,
        Expr::Unsafe(x) => &x.attrs,
        Expr::Async(x) => &x.attrs,
        Expr::Await(x) => &x.attrs,
        Expr::Try(x) => &x.attrs,
        Expr::ForLoop(x) => &x.attrs,
        Expr::While(x) => &x.attrs,
        Expr::Loop(x) => &x.attrs,
        Expr::Path(x) => &x.attrs,
        Expr::Field(x) => &x.attrs,
        Expr::Return(x) => &x.attrs,
        _ => &[],
    }
}

/// `matches!`-like macros: an expression, then a pattern (with an optional guard).
fn is_matches_macro(path: &syn::Path) -> bool {
    path.segments.last().is_some_and(|s| {
        matches!(
            s.ident.to_string().as_str(),
            "matches" | "assert_matches" | "debug_assert_matches"
        )
    })
}

type MatchesBody = (Expr, syn::Pat, Option<Expr>);

fn parse_matches_body(input: syn::parse::ParseStream) -> syn::Result<MatchesBody> {
    let e: Expr = input.parse()?;
    input.parse::<syn::Token![,]>()?;
    let pat = syn::Pat::parse_multi_with_leading_vert(input)?;
    let guard = if input.peek(syn::Token![if]) {
        input.parse::<syn::Token![if]>()?;
        Some(input.parse::<Expr>()?)
    } else {
        None
    };
    // an optional message after the pattern (assert_matches!)
    while !input.is_empty() {
        input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok((e, pat, guard))
}

/// Macros whose string arguments are format strings that can capture variables inline.
fn is_format_macro(path: &syn::Path) -> bool {
    path.segments.last().is_some_and(|s| {
        matches!(
            s.ident.to_string().as_str(),
            "format"
                | "format_args"
                | "print"
                | "println"
                | "eprint"
                | "eprintln"
                | "write"
                | "writeln"
                | "panic"
                | "assert"
                | "assert_eq"
                | "assert_ne"
                | "debug_assert"
                | "debug_assert_eq"
                | "debug_assert_ne"
                | "unreachable"
                | "todo"
                | "unimplemented"
                | "trace"
                | "debug"
                | "info"
                | "warn"
                | "error"
                | "event"
                | "anyhow"
                | "bail"
                | "ensure"
        )
    })
}

/// `None` for keywords (`self`, `Self`, `crate`, `super`, `_`, and with `all_keywords` every
/// keyword) and for tokens without a source position.
fn tok(ident: &Ident, all_keywords: bool) -> Option<Tok> {
    let text = ident.to_string();
    let (name, skip) = match text.strip_prefix("r#") {
        Some(name) => (name.to_string(), 2),
        None => {
            let kw = SPECIAL.contains(&text.as_str())
                || (all_keywords
                    && (KEYWORDS.contains(&text.as_str()) || RESERVED.contains(&text.as_str())));
            if kw {
                return None;
            }
            (text, 0)
        }
    };
    let sp = ident.span();
    let (start, end) = (sp.start(), sp.end());
    if start.line == 0 {
        return None;
    }
    Some(Tok {
        name,
        span: Span {
            line: start.line as u32,
            column: (start.column + 1 + skip) as u32,
            end_line: end.line as u32,
            end_column: (end.column + 1) as u32,
        },
        offset: sp.byte_range().start + skip,
    })
}

fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    match s.strip_prefix("r#") {
        Some(n) => n.to_string(),
        None => s,
    }
}

fn span_from(first: PmSpan, last: PmSpan) -> Span {
    let (s, e) = (first.start(), last.end());
    Span {
        line: s.line as u32,
        column: s.column as u32 + 1,
        end_line: e.line as u32,
        end_column: e.column as u32 + 1,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TokMode {
    /// Attribute arguments: every identifier is a reference.
    Attr,
    /// Macro bodies: calls and simple declarations are recognised; no function table.
    Macro,
    /// A file syn cannot parse: like `Macro`, plus functions, impl receivers and test items.
    Fallback,
}

/// Context of one token group in the iterative token walk.
struct Frame {
    tokens: Vec<TokenTree>,
    mode: TokMode,
    func: Option<usize>,
    test: bool,
    receiver: Option<String>,
}

#[derive(Default)]
struct Collector {
    /// Occurrences with the byte offset of their identifier.
    occurrences: Vec<(usize, Occurrence)>,
    /// Byte offsets already classified (syn can visit a token twice, e.g. shorthand fields).
    claimed: HashSet<usize>,
    functions: Vec<Function>,
    call_offsets: Vec<Vec<usize>>,
    /// Names bound inside each function (parameters, `let`, patterns, closure parameters).
    locals: Vec<HashSet<String>>,
    fn_stack: Vec<usize>,
    receivers: Vec<Option<String>>,
    test: bool,
    test_ranges: Vec<(usize, usize)>,
    /// Variables captured by format strings (`println!("{check_cooldown}")`): uses of code
    /// that sit inside a string region, kept apart from the text check in `finish`.
    format_args: Vec<(usize, Occurrence)>,
}

impl Collector {
    fn cur_fn(&self) -> Option<usize> {
        self.fn_stack.last().copied()
    }

    fn push_occ(&mut self, t: &Tok, kind: OccKind, function: Option<usize>, test: bool) -> bool {
        if !self.claimed.insert(t.offset) {
            return false;
        }
        self.occurrences.push((
            t.offset,
            Occurrence {
                name: t.name.clone(),
                kind,
                span: t.span,
                function,
                test,
            },
        ));
        true
    }

    fn record(&mut self, ident: &Ident, kind: OccKind) -> bool {
        match tok(ident, false) {
            Some(t) => self.push_occ(&t, kind, self.cur_fn(), self.test),
            None => false,
        }
    }

    fn push_call(
        &mut self,
        func: Option<usize>,
        t: &Tok,
        qualifier: Option<String>,
        value: bool,
        method: bool,
    ) {
        if let Some(f) = func {
            self.functions[f].calls.push(Call {
                callee: t.name.clone(),
                method,
                span: t.span,
                qualifier,
                value,
            });
            self.call_offsets[f].push(t.offset);
        }
    }

    /// The variables a format string captures inline (`"{name}"`, `"{name:>8}"`) are
    /// references, at their exact place inside the literal.
    fn record_format_args(&mut self, lit: &syn::LitStr, named: &HashSet<String>) {
        let sp = lit.span();
        let start = sp.start();
        if start.line == 0 {
            return;
        }
        let base = sp.byte_range().start;
        let raw = lit.token().to_string();
        let chars: Vec<(usize, char)> = raw.char_indices().collect();
        // (line, 0-based column) of every char of the literal
        let mut line = start.line as u32;
        let mut col = start.column as u32;
        let mut pos = Vec::with_capacity(chars.len());
        for &(_, c) in &chars {
            pos.push((line, col));
            if c == '\n' {
                line += 1;
                col = 0;
            } else {
                col += 1;
            }
        }
        let mut k = 0;
        while k < chars.len() {
            let (_, c) = chars[k];
            if c != '{' {
                k += 1;
                continue;
            }
            if chars.get(k + 1).is_some_and(|&(_, n)| n == '{') {
                k += 2;
                continue;
            }
            // `\u{..}` is an escape, not a placeholder
            if k >= 2 && chars[k - 1].1 == 'u' && chars[k - 2].1 == '\\' {
                k += 1;
                continue;
            }
            // the names in one placeholder: `{name}`, `{name:>width$.prec$}`
            let close = chars[k..]
                .iter()
                .position(|&(_, c)| c == '}')
                .map(|n| k + n);
            let Some(close) = close else {
                k += 1;
                continue;
            };
            let mut spots: Vec<(usize, usize)> = Vec::new();
            let first = k + 1;
            let mut end = first;
            while end < close && super::is_word_char(chars[end].1) {
                end += 1;
            }
            if end > first && (end == close || chars[end].1 == ':') {
                spots.push((first, end));
            }
            // `width$` / `precision$` captures in the spec
            let mut j = end;
            while j < close {
                if super::is_word_char(chars[j].1) {
                    let s0 = j;
                    while j < close && super::is_word_char(chars[j].1) {
                        j += 1;
                    }
                    if j < close && chars[j].1 == '$' {
                        spots.push((s0, j));
                    }
                } else {
                    j += 1;
                }
            }
            for (first, end) in spots {
                if chars[first].1.is_numeric() {
                    continue;
                }
                let name: String = chars[first..end].iter().map(|&(_, c)| c).collect();
                let (l, c0) = pos[first];
                let (el, ec0) = pos[end - 1];
                if !SPECIAL.contains(&name.as_str()) && !named.contains(&name) {
                    self.format_args.push((
                        base + chars[first].0,
                        Occurrence {
                            name,
                            kind: OccKind::Reference,
                            span: Span {
                                line: l,
                                column: c0 + 1,
                                end_line: el,
                                end_column: ec0 + 2,
                            },
                            function: self.cur_fn(),
                            test: self.test,
                        },
                    ));
                }
            }
            k = close + 1;
        }
    }

    fn record_call(&mut self, ident: &Ident, qualifier: Option<String>, method: bool) {
        if let Some(t) = tok(ident, false)
            && self.push_occ(&t, OccKind::Call, self.cur_fn(), self.test)
        {
            self.push_call(self.cur_fn(), &t, qualifier, false, method);
        }
    }

    /// A path used as a function value (`run(Self::mark_skipped)`, `let f = check_cooldown;`).
    fn record_value(&mut self, p: &ExprPath) {
        let Some(f) = self.cur_fn() else { return };
        let Some(last) = p.path.segments.last() else {
            return;
        };
        let name = unraw(&last.ident);
        // types, variants and constants (`None`, `Foo::Bar`, `MAX`) are not functions
        if name.starts_with(|c: char| c.is_uppercase()) {
            return;
        }
        let single = p.path.segments.len() == 1 && p.qself.is_none();
        if single && self.locals[f].contains(&name) {
            return;
        }
        if let Some(t) = tok(&last.ident, false) {
            self.push_call(Some(f), &t, path_qualifier(p), true, false);
        }
    }

    fn open_function(
        &mut self,
        name: &Ident,
        kind: FnKind,
        receiver: Option<String>,
        first: PmSpan,
        last: PmSpan,
    ) -> usize {
        self.record(name, kind.occ());
        let name_span = tok(name, false).map(|t| t.span).unwrap_or_else(|| {
            let mut s = span_from(name.span(), name.span());
            s.end_column = s.column + unraw(name).chars().count() as u32;
            s
        });
        self.functions.push(Function {
            name: unraw(name),
            kind,
            receiver,
            span: span_from(first, last),
            name_span,
            calls: Vec::new(),
            test: self.test,
        });
        self.call_offsets.push(Vec::new());
        self.locals.push(HashSet::new());
        self.functions.len() - 1
    }

    fn in_function(&mut self, idx: usize, body: impl FnOnce(&mut Self)) {
        self.fn_stack.push(idx);
        body(self);
        self.fn_stack.pop();
    }

    /// Runs `body` as test code when `attrs` mark the item as test; remembers its byte range.
    fn with_test_attrs(
        &mut self,
        attrs: &[Attribute],
        node: &dyn Spanned,
        body: impl FnOnce(&mut Self),
    ) {
        let saved = self.test;
        if !self.test && attrs.iter().any(is_test_attr) {
            self.test = true;
            let r = node.span().byte_range();
            let start = attrs
                .first()
                .map(|a| a.pound_token.span.byte_range().start)
                .unwrap_or(r.start)
                .min(r.start);
            self.test_ranges.push((start, r.end));
        }
        body(self);
        self.test = saved;
    }

    fn finish(mut self, mut text: Vec<TextRegion>, warnings: Vec<ParseWarning>) -> FileFacts {
        let inside_text = |off: usize| {
            let i = text.partition_point(|r| r.start <= off);
            i > 0 && off < text[i - 1].end
        };
        self.occurrences.retain(|(off, _)| !inside_text(*off));
        self.occurrences.append(&mut self.format_args);
        for (f, offsets) in self.functions.iter_mut().zip(&self.call_offsets) {
            let mut calls: Vec<(usize, Call)> = offsets
                .iter()
                .copied()
                .zip(std::mem::take(&mut f.calls))
                .filter(|(off, _)| !inside_text(*off))
                .collect();
            calls.sort_by_key(|c| (c.1.span, c.1.value));
            f.calls = calls.into_iter().map(|(_, c)| c).collect();
        }
        // test ranges as a sorted union, then one lookup per region
        self.test_ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (s, e) in self.test_ranges {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        for r in &mut text {
            let i = merged.partition_point(|m| m.0 <= r.start);
            r.test = i > 0 && r.start < merged[i - 1].1;
        }
        // functions in source order (the fallback walk meets them out of order)
        let mut order: Vec<usize> = (0..self.functions.len()).collect();
        order.sort_by_key(|&i| self.functions[i].span);
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut slots: Vec<Option<Function>> = self.functions.into_iter().map(Some).collect();
        let functions: Vec<Function> = order.iter().filter_map(|&i| slots[i].take()).collect();
        let mut occurrences: Vec<Occurrence> = self
            .occurrences
            .into_iter()
            .map(|(_, mut o)| {
                o.function = o.function.map(|f| new_index[f]);
                o
            })
            .collect();
        occurrences.sort_by_key(|o| o.span);
        FileFacts {
            occurrences,
            functions,
            text,
            warnings,
            ..FileFacts::default()
        }
    }

    // --- token level ---------------------------------------------------------------------

    /// Classifies the identifiers of a token stream (macro bodies, attribute arguments, or a
    /// whole file that syn rejected). Iterative, so deep nesting cannot exhaust the stack.
    fn walk_tokens(
        &mut self,
        tokens: TokenStream,
        mode: TokMode,
        func: Option<usize>,
        test: bool,
        receiver: Option<String>,
    ) {
        let mut stack = vec![Frame {
            tokens: tokens.into_iter().collect(),
            mode,
            func,
            test,
            receiver,
        }];
        while let Some(frame) = stack.pop() {
            self.walk_frame(frame, &mut stack);
        }
    }

    fn walk_frame(&mut self, frame: Frame, stack: &mut Vec<Frame>) {
        let toks = &frame.tokens;
        let fallback = frame.mode == TokMode::Fallback;
        // per-level context overrides: group index -> (func, test, receiver, mode)
        let mut group_ctx: HashMap<usize, (Option<usize>, bool, Option<String>, TokMode)> =
            HashMap::new();
        let mut sig: Option<(usize, usize)> = None; // (function, last index of its signature)
        let mut test_until: Option<usize> = None;
        for (k, tt) in toks.iter().enumerate() {
            let func = match sig {
                Some((f, until)) if k <= until => Some(f),
                _ => frame.func,
            };
            let test = frame.test || test_until.is_some_and(|u| k <= u);
            match tt {
                TokenTree::Group(g) => {
                    let child_mode = if frame.mode != TokMode::Attr
                        && (is_punct(toks, k.wrapping_sub(1), '#')
                            || is_punct(toks, k.wrapping_sub(1), '!')
                                && is_punct(toks, k.wrapping_sub(2), '#'))
                        && g.delimiter() == Delimiter::Bracket
                    {
                        TokMode::Attr
                    } else if frame.mode == TokMode::Fallback
                        && is_punct(toks, k.wrapping_sub(1), '!')
                        && matches!(toks.get(k.wrapping_sub(2)), Some(TokenTree::Ident(_)))
                    {
                        TokMode::Macro
                    } else {
                        frame.mode
                    };
                    let (func, test, receiver, mode) = group_ctx.remove(&k).unwrap_or((
                        func,
                        test,
                        frame.receiver.clone(),
                        child_mode,
                    ));
                    stack.push(Frame {
                        tokens: g.stream().into_iter().collect(),
                        mode,
                        func,
                        test,
                        receiver,
                    });
                }
                TokenTree::Punct(p) if fallback && p.as_char() == '#' => {
                    // `#[test]`, `#[tokio::test]`, `#[cfg(test)]` on the next item
                    let attr = match (toks.get(k + 1), toks.get(k + 2)) {
                        (Some(TokenTree::Group(g)), _) => Some(g),
                        (Some(TokenTree::Punct(b)), Some(TokenTree::Group(g)))
                            if b.as_char() == '!' =>
                        {
                            Some(g)
                        }
                        _ => None,
                    };
                    if let Some(g) = attr
                        && g.delimiter() == Delimiter::Bracket
                        && !test
                        && attr_tokens_are_test(&g.stream().into_iter().collect::<Vec<_>>())
                    {
                        // an inner `#![cfg(test)]` covers the rest of its scope
                        let inner = is_punct(toks, k + 1, '!');
                        let end = if inner {
                            toks.len() - 1
                        } else {
                            item_end(toks, k + 2)
                        };
                        test_until = Some(end);
                        let last = toks.get(end).map(tt_span).unwrap_or(g.span_close());
                        self.test_ranges
                            .push((p.span().byte_range().start, last.byte_range().end));
                    }
                }
                TokenTree::Ident(id) => {
                    let word = id.to_string();
                    if fallback && (word == "impl" || word == "trait") {
                        if let Some(body) = next_brace(toks, k + 1) {
                            let recv = if word == "impl" {
                                impl_receiver(&toks[k + 1..body])
                            } else {
                                toks.get(k + 1).and_then(|t| match t {
                                    TokenTree::Ident(i) => Some(unraw(i)),
                                    _ => None,
                                })
                            };
                            // `-> impl Trait {` is a return type, its brace a function body
                            group_ctx
                                .entry(body)
                                .or_insert((func, test, recv, TokMode::Fallback));
                        }
                        continue;
                    }
                    if fallback
                        && word == "fn"
                        && let Some(TokenTree::Ident(name)) = toks.get(k + 1)
                        && tok(name, true).is_some()
                    {
                        let end = item_end(toks, k + 2);
                        let first = modifiers_start(toks, k);
                        let last = toks.get(end).map(tt_span).unwrap_or(name.span());
                        let kind = if frame.receiver.is_some() {
                            FnKind::Method
                        } else {
                            FnKind::Func
                        };
                        let saved = (std::mem::take(&mut self.fn_stack), self.test);
                        self.fn_stack.extend(func);
                        self.test = test;
                        let idx = self.open_function(
                            name,
                            kind,
                            frame.receiver.clone(),
                            tt_span(&toks[first]),
                            last,
                        );
                        (self.fn_stack, self.test) = saved;
                        sig = Some((idx, end));
                        if matches!(toks.get(end), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace)
                        {
                            group_ctx.insert(end, (Some(idx), test, None, TokMode::Fallback));
                        }
                        continue;
                    }
                    self.classify_token(toks, k, id, &frame, func, test);
                }
                _ => {}
            }
        }
    }

    fn classify_token(
        &mut self,
        toks: &[TokenTree],
        k: usize,
        id: &Ident,
        frame: &Frame,
        func: Option<usize>,
        test: bool,
    ) {
        let Some(t) = tok(id, true) else { return };
        if is_punct(toks, k.wrapping_sub(1), '\'') {
            return; // lifetime or label: `'a`, `'outer`
        }
        if frame.mode != TokMode::Attr && is_punct(toks, k.wrapping_sub(1), '$') {
            return; // macro_rules metavariable
        }
        if is_punct(toks, k.wrapping_sub(1), ':')
            && matches!(toks.get(k.wrapping_sub(2)), Some(TokenTree::Ident(_)))
            && is_punct(toks, k.wrapping_sub(3), '$')
        {
            return; // fragment specifier of `$name:expr`
        }
        // a keyword before the name, but not the `static` of a `'static` lifetime
        let word_at = |i: usize| match toks.get(i) {
            Some(TokenTree::Ident(p)) if !is_punct(toks, i.wrapping_sub(1), '\'') => {
                Some(p.to_string())
            }
            _ => None,
        };
        let prev = word_at(k.wrapping_sub(1));
        let next_paren = matches!(toks.get(k + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
        let binding_ok = !t.name.starts_with(|c: char| c.is_uppercase())
            && !next_paren
            && !matches!(toks.get(k + 1), Some(TokenTree::Group(_)))
            && !is_path_sep(toks, k + 2);
        let kind = if frame.mode == TokMode::Attr {
            OccKind::Reference
        } else {
            match prev.as_deref() {
                Some("fn") if frame.receiver.is_some() && frame.mode == TokMode::Fallback => {
                    OccKind::Method
                }
                Some("fn") => OccKind::Func,
                Some("struct" | "enum" | "trait" | "type" | "union") => OccKind::Type,
                Some("const") => OccKind::Const,
                Some("static") => OccKind::Var,
                Some("let") if binding_ok => OccKind::Var,
                // `static ref NAME` (lazy_static!), `static mut NAME`
                Some("mut" | "ref") if word_at(k.wrapping_sub(2)).as_deref() == Some("static") => {
                    OccKind::Var
                }
                Some("mut" | "ref")
                    if binding_ok
                        && matches!(
                            word_at(k.wrapping_sub(2)).as_deref(),
                            Some("let" | "static" | "mut" | "ref")
                        ) =>
                {
                    OccKind::Var
                }
                _ if next_paren => OccKind::Call,
                _ => OccKind::Reference,
            }
        };
        if self.push_occ(&t, kind, func, test) && kind == OccKind::Call {
            let method = k > 0 && is_punct(toks, k - 1, '.');
            self.push_call(func, &t, token_qualifier(toks, k), false, method);
        }
    }
}

fn tt_span(t: &TokenTree) -> PmSpan {
    match t {
        TokenTree::Group(g) => g.span_close(),
        other => other.span(),
    }
}

fn is_punct(toks: &[TokenTree], i: usize, c: char) -> bool {
    matches!(toks.get(i), Some(TokenTree::Punct(p)) if p.as_char() == c)
}

/// `::` ending at index `i` (its second colon).
fn is_path_sep(toks: &[TokenTree], i: usize) -> bool {
    is_punct(toks, i, ':')
        && matches!(toks.get(i.wrapping_sub(1)), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint)
}

/// Qualifier of a token-level call at `k`: `a::b` in `a::b::f(..)`, `x.y` in `x.y.f(..)`.
fn token_qualifier(toks: &[TokenTree], k: usize) -> Option<String> {
    let ident = |i: usize| match toks.get(i) {
        Some(TokenTree::Ident(p)) => Some(unraw(p)),
        _ => None,
    };
    let mut parts = Vec::new();
    if k >= 3 && is_path_sep(toks, k - 1) {
        let mut j = k - 1; // second colon of the separator before the current segment
        while j >= 2 {
            let Some(seg) = ident(j - 2) else { break };
            parts.push(seg);
            if j >= 4 && is_path_sep(toks, j - 3) {
                j -= 3;
            } else {
                break;
            }
        }
        parts.reverse();
        return (!parts.is_empty()).then(|| parts.join("::"));
    }
    if k >= 1 && is_punct(toks, k - 1, '.') && !is_punct(toks, k.wrapping_sub(2), '.') {
        let mut j = k - 1; // the dot
        while j >= 1 {
            match ident(j - 1) {
                Some(seg) => parts.push(seg),
                None => {
                    parts.push("<expr>".into());
                    break;
                }
            }
            if j >= 2 && is_punct(toks, j - 2, '.') {
                j -= 2;
            } else {
                break;
            }
        }
        parts.reverse();
        return Some(if parts.is_empty() {
            "<expr>".into()
        } else {
            parts.join(".")
        });
    }
    None
}

/// Index of the token that ends the item starting after `from`: its `{..}` body or `;`.
fn item_end(toks: &[TokenTree], from: usize) -> usize {
    let mut j = from;
    while j < toks.len() {
        match &toks[j] {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => return j,
            TokenTree::Punct(p) if p.as_char() == ';' => return j,
            _ => j += 1,
        }
    }
    toks.len().saturating_sub(1)
}

fn next_brace(toks: &[TokenTree], from: usize) -> Option<usize> {
    let j = item_end(toks, from);
    matches!(toks.get(j), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace)
        .then_some(j)
}

/// First token of `pub(crate) const async unsafe extern "C" fn`, given the index of `fn`.
fn modifiers_start(toks: &[TokenTree], fn_at: usize) -> usize {
    let mut first = fn_at;
    while first > 0 {
        let ok = match &toks[first - 1] {
            TokenTree::Ident(i) => matches!(
                i.to_string().as_str(),
                "pub" | "const" | "async" | "unsafe" | "extern" | "default" | "safe"
            ),
            TokenTree::Literal(_) => {
                matches!(&toks.get(first.wrapping_sub(2)), Some(TokenTree::Ident(i)) if *i == "extern")
            }
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Parenthesis
                    && matches!(&toks.get(first.wrapping_sub(2)), Some(TokenTree::Ident(i)) if *i == "pub")
            }
            TokenTree::Punct(_) => false,
        };
        if !ok {
            break;
        }
        first -= 1;
    }
    first
}

/// Self type of `impl<..> Trait<..> for a::Type<..> where ..` from the tokens after `impl`.
fn impl_receiver(toks: &[TokenTree]) -> Option<String> {
    let mut angle = 0i32;
    let mut last: Option<String> = None;
    for (i, t) in toks.iter().enumerate() {
        match t {
            TokenTree::Punct(p) if p.as_char() == '<' => angle += 1,
            // `->` inside `Fn(..) -> T` bounds is not a closing angle
            TokenTree::Punct(p)
                if p.as_char() == '>' && !is_punct(toks, i.wrapping_sub(1), '-') =>
            {
                angle -= 1
            }
            TokenTree::Ident(id) if angle == 0 => match id.to_string().as_str() {
                "for" => last = None,
                "where" => break,
                "dyn" | "mut" | "const" | "unsafe" => {}
                _ => last = Some(unraw(id)),
            },
            _ => {}
        }
    }
    last
}

/// Whether the tokens of `#[..]` mark test code.
fn attr_tokens_are_test(toks: &[TokenTree]) -> bool {
    match toks {
        [TokenTree::Ident(c), TokenTree::Group(g)] if *c == "cfg" => {
            cfg_is_test(&g.stream().into_iter().collect::<Vec<_>>())
        }
        [.., TokenTree::Ident(t)] if *t == "test" => {
            toks.len() == 1 || is_path_sep(toks, toks.len() - 2)
        }
        [.., TokenTree::Ident(t), TokenTree::Group(g)]
            if *t == "test" && g.delimiter() == Delimiter::Parenthesis =>
        {
            toks.len() == 2 || is_path_sep(toks, toks.len() - 3)
        }
        _ => false,
    }
}

/// Whether a `cfg(..)` predicate holds only in test builds: `test`, `all(.., test, ..)`, or
/// `any(..)` whose every branch does.
fn cfg_is_test(toks: &[TokenTree]) -> bool {
    match toks {
        [TokenTree::Ident(i)] => *i == "test",
        [TokenTree::Ident(i), TokenTree::Group(g)] if g.delimiter() == Delimiter::Parenthesis => {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            let preds: Vec<&[TokenTree]> = inner
                .split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
                .filter(|p| !p.is_empty())
                .collect();
            match i.to_string().as_str() {
                "all" => preds.iter().any(|p| cfg_is_test(p)),
                "any" => !preds.is_empty() && preds.iter().all(|p| cfg_is_test(p)),
                _ => false,
            }
        }
        _ => false,
    }
}

fn is_test_attr(attr: &Attribute) -> bool {
    let path = attr.path();
    if path.segments.last().is_some_and(|s| s.ident == "test")
        && !matches!(attr.meta, Meta::NameValue(_))
    {
        return true;
    }
    match &attr.meta {
        Meta::List(l) if path.is_ident("cfg") => {
            cfg_is_test(&l.tokens.clone().into_iter().collect::<Vec<_>>())
        }
        _ => false,
    }
}

// --- syn level helpers -------------------------------------------------------------------

/// The first token of a function after its attributes.
fn fn_start(vis: &Visibility, defaultness: Option<PmSpan>, sig: &Signature) -> PmSpan {
    if !matches!(vis, Visibility::Inherited) {
        return vis.span();
    }
    defaultness
        .or(sig.constness.map(|t| t.span))
        .or(sig.asyncness.map(|t| t.span))
        .or(sig.unsafety.map(|t| t.span))
        .or(sig.abi.as_ref().map(|a| a.extern_token.span))
        .unwrap_or(sig.fn_token.span)
}

/// Last identifier of a self type: `Reconciler` for `impl<T> Trait for &mut a::Reconciler<T>`.
fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| unraw(&s.ident)),
        Type::Reference(r) => type_name(&r.elem),
        Type::Paren(p) => type_name(&p.elem),
        Type::Group(g) => type_name(&g.elem),
        Type::Ptr(p) => type_name(&p.elem),
        Type::TraitObject(t) => t.bounds.iter().find_map(|b| match b {
            syn::TypeParamBound::Trait(t) => t.path.segments.last().map(|s| unraw(&s.ident)),
            _ => None,
        }),
        _ => None,
    }
}

/// `foo::bar` for `foo::bar::f`, `Self` for `Self::f`, `None` for a bare `f`.
fn path_qualifier(p: &ExprPath) -> Option<String> {
    let segs = &p.path.segments;
    if segs.len() >= 2 {
        let q: Vec<String> = segs
            .iter()
            .take(segs.len() - 1)
            .map(|s| unraw(&s.ident))
            .collect();
        return Some(q.join("::"));
    }
    p.qself
        .as_ref()
        .map(|q| type_name(&q.ty).unwrap_or_else(|| "<type>".into()))
}

/// A compact rendering of a method call receiver: `self.client`, `r`, `api.get()`.
fn render(e: &Expr, depth: usize) -> String {
    if depth > MAX_QUALIFIER_DEPTH {
        return "..".into();
    }
    match e {
        Expr::Path(p) => p
            .path
            .segments
            .iter()
            .map(|s| unraw(&s.ident))
            .collect::<Vec<_>>()
            .join("::"),
        Expr::Field(f) => {
            let member = match &f.member {
                syn::Member::Named(i) => unraw(i),
                syn::Member::Unnamed(i) => i.index.to_string(),
            };
            format!("{}.{member}", render(&f.base, depth + 1))
        }
        Expr::MethodCall(m) => format!("{}.{}()", render(&m.receiver, depth + 1), unraw(&m.method)),
        Expr::Call(c) => format!("{}()", render(&c.func, depth + 1)),
        Expr::Paren(p) => render(&p.expr, depth),
        Expr::Group(g) => render(&g.expr, depth),
        Expr::Reference(r) => render(&r.expr, depth),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => render(&u.expr, depth),
        Expr::Try(t) => format!("{}?", render(&t.expr, depth + 1)),
        Expr::Await(a) => format!("{}.await", render(&a.base, depth + 1)),
        Expr::Index(i) => format!("{}[..]", render(&i.expr, depth + 1)),
        Expr::Macro(m) => format!(
            "{}!(..)",
            m.mac
                .path
                .segments
                .last()
                .map(|s| unraw(&s.ident))
                .unwrap_or_default()
        ),
        _ => "<expr>".into(),
    }
}

/// The path of an expression used as a value, looking through `&` and parentheses.
fn value_path(e: &Expr) -> Option<&ExprPath> {
    match e {
        Expr::Path(p) => Some(p),
        Expr::Reference(r) => value_path(&r.expr),
        Expr::Paren(p) => value_path(&p.expr),
        Expr::Group(g) => value_path(&g.expr),
        _ => None,
    }
}

fn item_attrs(item: &syn::Item) -> &[Attribute] {
    use syn::Item::*;
    match item {
        Const(i) => &i.attrs,
        Enum(i) => &i.attrs,
        ExternCrate(i) => &i.attrs,
        Fn(i) => &i.attrs,
        ForeignMod(i) => &i.attrs,
        Impl(i) => &i.attrs,
        Macro(i) => &i.attrs,
        Mod(i) => &i.attrs,
        Static(i) => &i.attrs,
        Struct(i) => &i.attrs,
        Trait(i) => &i.attrs,
        TraitAlias(i) => &i.attrs,
        Type(i) => &i.attrs,
        Union(i) => &i.attrs,
        Use(i) => &i.attrs,
        _ => &[],
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_file(&mut self, f: &'ast syn::File) {
        if f.attrs.iter().any(is_test_attr) {
            self.test = true;
            self.test_ranges.push((0, usize::MAX));
        }
        visit::visit_file(self, f);
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        self.with_test_attrs(item_attrs(item), item, |this| visit::visit_item(this, item));
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attrs = member_attrs!(item, ImplItem);
        self.with_test_attrs(attrs, item, |this| visit::visit_impl_item(this, item));
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        let attrs = member_attrs!(item, TraitItem);
        self.with_test_attrs(attrs, item, |this| visit::visit_trait_item(this, item));
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let first = fn_start(&f.vis, None, &f.sig);
        let idx = self.open_function(
            &f.sig.ident,
            FnKind::Func,
            None,
            first,
            f.block.brace_token.span.close(),
        );
        for a in &f.attrs {
            self.visit_attribute(a);
        }
        self.visit_visibility(&f.vis);
        self.in_function(idx, |this| {
            this.visit_signature(&f.sig);
            this.visit_block(&f.block);
        });
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let first = fn_start(&f.vis, f.defaultness.map(|d| d.span), &f.sig);
        let receiver = self.receivers.last().cloned().flatten();
        let idx = self.open_function(
            &f.sig.ident,
            FnKind::Method,
            receiver,
            first,
            f.block.brace_token.span.close(),
        );
        for a in &f.attrs {
            self.visit_attribute(a);
        }
        self.in_function(idx, |this| {
            this.visit_signature(&f.sig);
            this.visit_block(&f.block);
        });
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        let first = fn_start(&Visibility::Inherited, None, &f.sig);
        let last = match (&f.default, &f.semi_token) {
            (Some(b), _) => b.brace_token.span.close(),
            (None, Some(s)) => s.span,
            (None, None) => f.sig.paren_token.span.close(),
        };
        let receiver = self.receivers.last().cloned().flatten();
        let idx = self.open_function(&f.sig.ident, FnKind::Method, receiver, first, last);
        for a in &f.attrs {
            self.visit_attribute(a);
        }
        self.in_function(idx, |this| {
            this.visit_signature(&f.sig);
            if let Some(b) = &f.default {
                this.visit_block(b);
            }
        });
    }

    fn visit_foreign_item_fn(&mut self, f: &'ast syn::ForeignItemFn) {
        let first = fn_start(&f.vis, None, &f.sig);
        let idx = self.open_function(&f.sig.ident, FnKind::Func, None, first, f.semi_token.span);
        for a in &f.attrs {
            self.visit_attribute(a);
        }
        self.in_function(idx, |this| this.visit_signature(&f.sig));
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        for a in &i.attrs {
            self.visit_attribute(a);
        }
        self.visit_generics(&i.generics);
        if let Some((_, path, _)) = &i.trait_ {
            self.visit_path(path);
        }
        self.visit_type(&i.self_ty);
        self.receivers.push(type_name(&i.self_ty));
        for item in &i.items {
            self.visit_impl_item(item);
        }
        self.receivers.pop();
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        self.record(&t.ident, OccKind::Type);
        for a in &t.attrs {
            self.visit_attribute(a);
        }
        self.visit_visibility(&t.vis);
        self.visit_generics(&t.generics);
        for b in &t.supertraits {
            self.visit_type_param_bound(b);
        }
        self.receivers.push(Some(unraw(&t.ident)));
        for item in &t.items {
            self.visit_trait_item(item);
        }
        self.receivers.pop();
    }

    fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_item_struct(self, i);
    }

    fn visit_item_enum(&mut self, i: &'ast syn::ItemEnum) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_item_enum(self, i);
    }

    fn visit_item_union(&mut self, i: &'ast syn::ItemUnion) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_item_union(self, i);
    }

    fn visit_item_type(&mut self, i: &'ast syn::ItemType) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_item_type(self, i);
    }

    fn visit_item_trait_alias(&mut self, i: &'ast syn::ItemTraitAlias) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_item_trait_alias(self, i);
    }

    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        self.record(&i.ident, OccKind::Const);
        visit::visit_item_const(self, i);
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        self.record(&i.ident, OccKind::Var);
        visit::visit_item_static(self, i);
    }

    fn visit_impl_item_const(&mut self, i: &'ast syn::ImplItemConst) {
        self.record(&i.ident, OccKind::Const);
        visit::visit_impl_item_const(self, i);
    }

    fn visit_impl_item_type(&mut self, i: &'ast syn::ImplItemType) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_impl_item_type(self, i);
    }

    fn visit_trait_item_const(&mut self, i: &'ast syn::TraitItemConst) {
        self.record(&i.ident, OccKind::Const);
        visit::visit_trait_item_const(self, i);
    }

    fn visit_trait_item_type(&mut self, i: &'ast syn::TraitItemType) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_trait_item_type(self, i);
    }

    fn visit_foreign_item_static(&mut self, i: &'ast syn::ForeignItemStatic) {
        self.record(&i.ident, OccKind::Var);
        visit::visit_foreign_item_static(self, i);
    }

    fn visit_foreign_item_type(&mut self, i: &'ast syn::ForeignItemType) {
        self.record(&i.ident, OccKind::Type);
        visit::visit_foreign_item_type(self, i);
    }

    fn visit_field(&mut self, f: &'ast syn::Field) {
        if let Some(id) = &f.ident {
            self.record(id, OccKind::Field);
        }
        visit::visit_field(self, f);
    }

    fn visit_variant(&mut self, v: &'ast syn::Variant) {
        self.record(&v.ident, OccKind::Variant);
        visit::visit_variant(self, v);
    }

    fn visit_type_param(&mut self, p: &'ast syn::TypeParam) {
        self.record(&p.ident, OccKind::Type);
        visit::visit_type_param(self, p);
    }

    fn visit_const_param(&mut self, p: &'ast syn::ConstParam) {
        self.record(&p.ident, OccKind::Const);
        visit::visit_const_param(self, p);
    }

    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        let name = unraw(&p.ident);
        // `None`, `MAX`, `Ready` in patterns are variants and constants, not bindings
        if name.starts_with(|c: char| c.is_uppercase()) {
            self.record(&p.ident, OccKind::Reference);
        } else {
            self.record(&p.ident, OccKind::Var);
            if let Some(f) = self.cur_fn() {
                self.locals[f].insert(name);
            }
        }
        visit::visit_pat_ident(self, p);
    }

    fn visit_field_pat(&mut self, p: &'ast syn::FieldPat) {
        if p.colon_token.is_none()
            && let syn::Member::Named(id) = &p.member
        {
            // `Status { skip_reason, .. }`: the name is the field's
            self.record(id, OccKind::Reference);
            if let Some(f) = self.cur_fn() {
                self.locals[f].insert(unraw(id));
            }
        }
        visit::visit_field_pat(self, p);
    }

    fn visit_stmt(&mut self, st: &'ast syn::Stmt) {
        // `#[cfg(test)]` on a statement makes it test code, as on an item
        let attrs: &[Attribute] = match st {
            syn::Stmt::Local(l) => &l.attrs,
            syn::Stmt::Macro(m) => &m.attrs,
            syn::Stmt::Expr(e, _) => expr_attrs(e),
            syn::Stmt::Item(_) => &[],
        };
        self.with_test_attrs(attrs, st, |this| visit::visit_stmt(this, st));
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        visit::visit_local(self, l);
        if let Some(init) = &l.init
            && let Some(p) = value_path(&init.expr)
        {
            self.record_value(p);
        }
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func
            && let Some(last) = p.path.segments.last()
        {
            self.record_call(&last.ident, path_qualifier(p), false);
        }
        for a in &c.args {
            if let Some(p) = value_path(a) {
                self.record_value(p);
            }
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.record_call(&m.method, Some(render(&m.receiver, 0)), true);
        for a in &m.args {
            if let Some(p) = value_path(a) {
                self.record_value(p);
            }
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        if is_matches_macro(&m.path)
            && let Ok((e, pat, guard)) = m.parse_body_with(parse_matches_body)
        {
            self.visit_expr(&e);
            self.visit_pat(&pat);
            if let Some(g) = &guard {
                self.visit_expr(g);
            }
            return;
        }
        let parsed = m.parse_body_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated);
        match parsed {
            Ok(exprs) => {
                if is_format_macro(&m.path) {
                    // `format!("{x}", x = y)`: `x` names an argument, not a variable
                    let named: HashSet<String> = exprs
                        .iter()
                        .filter_map(|e| match e {
                            Expr::Assign(a) => match &*a.left {
                                Expr::Path(p) => p.path.get_ident().map(unraw),
                                _ => None,
                            },
                            _ => None,
                        })
                        .collect();
                    for e in &exprs {
                        if let Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(lit),
                            ..
                        }) = e
                        {
                            self.record_format_args(lit, &named);
                        }
                    }
                }
                exprs.iter().for_each(|e| self.visit_expr(e))
            }
            Err(_) => self.walk_tokens(
                m.tokens.clone(),
                TokMode::Macro,
                self.cur_fn(),
                self.test,
                None,
            ),
        }
    }

    fn visit_attribute(&mut self, a: &'ast Attribute) {
        // a `///` comment is a `doc` attribute spanning the comment: dropped in `finish`
        self.visit_path(a.meta.path());
        match &a.meta {
            Meta::Path(_) => {}
            Meta::List(l) => self.walk_tokens(
                l.tokens.clone(),
                TokMode::Attr,
                self.cur_fn(),
                self.test,
                None,
            ),
            Meta::NameValue(nv) => self.visit_expr(&nv.value),
        }
    }

    fn visit_lifetime(&mut self, _: &'ast syn::Lifetime) {}

    fn visit_ident(&mut self, i: &'ast Ident) {
        self.record(i, OccKind::Reference);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (String, &'static str, u32, u32, u32, Option<String>, bool);

    fn rows(facts: &FileFacts) -> Vec<Row> {
        facts
            .occurrences
            .iter()
            .map(|o| {
                (
                    o.name.clone(),
                    o.kind.as_str(),
                    o.span.line,
                    o.span.column,
                    o.span.end_column,
                    o.function.map(|f| facts.functions[f].name.clone()),
                    o.test,
                )
            })
            .collect()
    }

    fn occ(src: &str) -> Vec<Row> {
        let facts = extract(src);
        assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
        check_invariants(src, &facts);
        rows(&facts)
    }

    /// Only the occurrences named in `names`, as (name, kind, line, column).
    fn named(facts: &FileFacts, names: &[&str]) -> Vec<(String, &'static str, u32, u32)> {
        facts
            .occurrences
            .iter()
            .filter(|o| names.contains(&o.name.as_str()))
            .map(|o| (o.name.clone(), o.kind.as_str(), o.span.line, o.span.column))
            .collect()
    }

    fn r(
        name: &str,
        kind: &'static str,
        line: u32,
        col: u32,
        end: u32,
        func: Option<&str>,
        test: bool,
    ) -> Row {
        (
            name.into(),
            kind,
            line,
            col,
            end,
            func.map(String::from),
            test,
        )
    }

    /// (callee, qualifier, value) of a function's calls.
    fn calls(facts: &FileFacts, func: &str) -> Vec<(String, Option<String>, bool)> {
        let f = facts.functions.iter().find(|f| f.name == func).unwrap();
        f.calls
            .iter()
            .map(|c| (c.callee.clone(), c.qualifier.clone(), c.value))
            .collect()
    }

    fn texts<'a>(src: &'a str, facts: &FileFacts) -> Vec<(TextKind, &'a str, bool)> {
        facts
            .text
            .iter()
            .map(|t| (t.kind, &src[t.start..t.end], t.test))
            .collect()
    }

    /// Spans name their identifier exactly; text is sorted and disjoint; no code in text.
    fn check_invariants(src: &str, facts: &FileFacts) {
        let idx = crate::span::LineIndex::new(src);
        for o in &facts.occurrences {
            let line = idx.line_text(src, o.span.line as usize - 1);
            let got: String = line
                .chars()
                .skip(o.span.column as usize - 1)
                .take((o.span.end_column - o.span.column) as usize)
                .collect();
            assert_eq!(got, o.name, "{o:?}");
            assert_eq!(o.span.line, o.span.end_line);
        }
        for w in facts.text.windows(2) {
            assert!(w[0].end <= w[1].start, "{:?}", facts.text);
        }
        for t in &facts.text {
            let (s, e) = (idx.position(src, t.start), idx.position(src, t.end));
            for o in &facts.occurrences {
                let p = (o.span.line, o.span.column);
                // the one kind of code inside a string: a variable a format string captures,
                // `{name}` or a `width$` in a spec
                let line: Vec<char> = idx
                    .line_text(src, o.span.line as usize - 1)
                    .chars()
                    .collect();
                let before = (o.span.column as usize)
                    .checked_sub(2)
                    .and_then(|i| line.get(i));
                let after = line.get(o.span.end_column as usize - 1);
                let placeholder =
                    t.kind == TextKind::String && (before == Some(&'{') || after == Some(&'$'));
                assert!(!(s <= p && p < e) || placeholder, "{o:?} inside {t:?}");
            }
        }
    }

    #[test]
    fn review_cases() {
        let src = "lazy_static! { static ref BACKOFF_CONFIG: u32 = compute(); }\n\
fn f(p: Phase) -> bool {\n\
    #[cfg(test)]\n\
    check_cooldown();\n\
    let w = 3;\n\
    println!(\"{p:>w$} {x}\", x = 1);\n\
    matches!(p, Phase::Skipped(..) | Phase::Done if w > 1)\n\
}\n";
        let facts = extract(src);
        check_invariants(src, &facts);
        let row = |n: &str| {
            facts
                .occurrences
                .iter()
                .filter(|o| o.name == n)
                .map(|o| (o.kind.as_str(), o.span.line, o.span.column, o.test))
                .collect::<Vec<_>>()
        };
        assert_eq!(row("BACKOFF_CONFIG"), [("var", 1, 27, false)]);
        // (the `\` line continuations above drop the indentation: every line starts at 1)
        assert_eq!(
            row("check_cooldown"),
            [("call", 4, 1, true)],
            "#[cfg(test)] statement"
        );
        assert_eq!(
            row("w"),
            [
                ("var", 5, 5, false),
                ("reference", 6, 15, false),
                ("reference", 7, 49, false)
            ]
        );
        assert!(
            !row("x").contains(&("reference", 6, 20, false)),
            "a named argument: {:?}",
            row("x")
        );
        assert_eq!(
            row("p"),
            [
                ("var", 2, 6, false),
                ("reference", 6, 12, false),
                ("reference", 7, 10, false)
            ]
        );
        assert_eq!(
            row("Skipped"),
            [("reference", 7, 20, false)],
            "a pattern, not a call"
        );
    }

    #[test]
    fn format_strings_capture_variables() {
        let src = "fn f(check_cooldown: bool) {\n    println!(\"a {check_cooldown:>5} {{check_cooldown}} \\u{41}\");\n    let t = \"{check_cooldown}\";\n    tracing::info!(\"{} {check_cooldown}\", 1);\n}\n";
        let facts = extract(src);
        check_invariants(src, &facts);
        assert_eq!(
            named(&facts, &["check_cooldown"]),
            [
                ("check_cooldown".to_string(), "var", 1, 6),
                ("check_cooldown".to_string(), "reference", 2, 18),
                ("check_cooldown".to_string(), "reference", 4, 25),
            ]
        );
    }

    #[test]
    fn declaration_kinds() {
        let src = "\
struct Status { skip_reason: u8 }
enum E { A, B { why: u8 } }
union U { x: u32 }
trait Route {}
type Alias = Status;
const MAX: u32 = 1;
static COUNT: u32 = 0;
fn f(arg: u8) { let (a, mut b) = (arg, 1); }
";
        assert_eq!(
            occ(src),
            vec![
                r("Status", "type", 1, 8, 14, None, false),
                r("skip_reason", "field", 1, 17, 28, None, false),
                r("u8", "reference", 1, 30, 32, None, false),
                r("E", "type", 2, 6, 7, None, false),
                r("A", "variant", 2, 10, 11, None, false),
                r("B", "variant", 2, 13, 14, None, false),
                r("why", "field", 2, 17, 20, None, false),
                r("u8", "reference", 2, 22, 24, None, false),
                r("U", "type", 3, 7, 8, None, false),
                r("x", "field", 3, 11, 12, None, false),
                r("u32", "reference", 3, 14, 17, None, false),
                r("Route", "type", 4, 7, 12, None, false),
                r("Alias", "type", 5, 6, 11, None, false),
                r("Status", "reference", 5, 14, 20, None, false),
                r("MAX", "const", 6, 7, 10, None, false),
                r("u32", "reference", 6, 12, 15, None, false),
                r("COUNT", "var", 7, 8, 13, None, false),
                r("u32", "reference", 7, 15, 18, None, false),
                r("f", "func", 8, 4, 5, None, false),
                r("arg", "var", 8, 6, 9, Some("f"), false),
                r("u8", "reference", 8, 11, 13, Some("f"), false),
                r("a", "var", 8, 22, 23, Some("f"), false),
                r("b", "var", 8, 29, 30, Some("f"), false),
                r("arg", "reference", 8, 35, 38, Some("f"), false),
            ]
        );
    }

    #[test]
    fn calls_references_and_keywords() {
        let src = "\
use crate::routing::{check_cooldown, SkipDetails as Sd};
impl Reconciler {
    fn go(&self, r: &Self) {
        Self::mark_skipped(r);
        foo::bar::f();
        r.mark_skipped();
        let s = Status { skip_reason: 1 };
        let _ = s.skip_reason;
        let f = Self::mark_skipped;
        super::check_cooldown();
    }
}
";
        assert_eq!(
            occ(src),
            vec![
                r("routing", "reference", 1, 12, 19, None, false),
                r("check_cooldown", "reference", 1, 22, 36, None, false),
                r("SkipDetails", "reference", 1, 38, 49, None, false),
                r("Sd", "reference", 1, 53, 55, None, false),
                r("Reconciler", "reference", 2, 6, 16, None, false),
                r("go", "method", 3, 8, 10, None, false),
                r("r", "var", 3, 18, 19, Some("go"), false),
                r("mark_skipped", "call", 4, 15, 27, Some("go"), false),
                r("r", "reference", 4, 28, 29, Some("go"), false),
                r("foo", "reference", 5, 9, 12, Some("go"), false),
                r("bar", "reference", 5, 14, 17, Some("go"), false),
                r("f", "call", 5, 19, 20, Some("go"), false),
                r("r", "reference", 6, 9, 10, Some("go"), false),
                r("mark_skipped", "call", 6, 11, 23, Some("go"), false),
                r("s", "var", 7, 13, 14, Some("go"), false),
                r("Status", "reference", 7, 17, 23, Some("go"), false),
                r("skip_reason", "reference", 7, 26, 37, Some("go"), false),
                r("s", "reference", 8, 17, 18, Some("go"), false),
                r("skip_reason", "reference", 8, 19, 30, Some("go"), false),
                r("f", "var", 9, 13, 14, Some("go"), false),
                r("mark_skipped", "reference", 9, 23, 35, Some("go"), false),
                r("check_cooldown", "call", 10, 16, 30, Some("go"), false),
            ]
        );
        let facts = extract(src);
        assert_eq!(facts.functions[0].receiver.as_deref(), Some("Reconciler"));
        assert_eq!(
            calls(&facts, "go"),
            vec![
                ("mark_skipped".into(), Some("Self".into()), false),
                ("f".into(), Some("foo::bar".into()), false),
                ("mark_skipped".into(), Some("r".into()), false),
                ("mark_skipped".into(), Some("Self".into()), true),
                ("check_cooldown".into(), Some("super".into()), false),
            ]
        );
    }

    #[test]
    fn string_mention_then_real_call_on_one_line() {
        let src = "fn f() { let u = \"http://x/check_cooldown\"; check_cooldown(1); }\n";
        let facts = extract(src);
        assert_eq!(
            named(&facts, &["check_cooldown"]),
            vec![("check_cooldown".into(), "call", 1, 45)]
        );
        assert_eq!(facts.functions[0].calls[0].span.column, 45);
        assert_eq!(
            texts(src, &facts),
            vec![(TextKind::String, "\"http://x/check_cooldown\"", false)]
        );
    }

    #[test]
    fn comments_nested_and_doc() {
        let src = "\
//! crate doc check_cooldown
/// item doc mark_skipped
/** block doc */
fn f() {
    /* outer /* inner check_cooldown */ still comment */ g(); // tail
    /*/ not closed by this */
}
#[doc = \"attr doc SkipDetails\"]
struct S;
";
        let facts = extract(src);
        check_invariants(src, &facts);
        assert_eq!(
            texts(src, &facts),
            vec![
                (TextKind::Comment, "//! crate doc check_cooldown", false),
                (TextKind::Comment, "/// item doc mark_skipped", false),
                (TextKind::Comment, "/** block doc */", false),
                (
                    TextKind::Comment,
                    "/* outer /* inner check_cooldown */ still comment */",
                    false
                ),
                (TextKind::Comment, "// tail", false),
                (TextKind::Comment, "/*/ not closed by this */", false),
                (TextKind::String, "\"attr doc SkipDetails\"", false),
            ]
        );
        assert_eq!(
            rows(&facts),
            vec![
                r("f", "func", 4, 4, 5, None, false),
                r("g", "call", 5, 58, 59, Some("f"), false),
                r("doc", "reference", 8, 3, 6, None, false),
                r("S", "type", 9, 8, 9, None, false),
            ]
        );
        // the function starts at `fn`, after its doc comments
        assert_eq!(
            (
                facts.functions[0].span.line,
                facts.functions[0].span.end_line
            ),
            (4, 7)
        );
    }

    #[test]
    fn raw_strings_chars_and_lifetimes() {
        let src = r####"fn f<'a>(x: &'a str) -> &'a str {
    let s1 = r#"he said "check_cooldown" # ok"#;
    let b = r##"a "# b"##; let c = br#"x"#; let d = b"y\"z"; let e = c"w";
    let q = '"'; let s = '\''; let t = b'\''; let u = '\u{1F600}'; let v = 'é';
    'outer: loop { break 'outer; }
    let r#type = r"raw\"; mark_skipped(r#type)
}
"####;
        let facts = extract(src);
        check_invariants(src, &facts);
        assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
        let strings: Vec<&str> = texts(src, &facts).iter().map(|t| t.1).collect();
        assert_eq!(
            strings,
            vec![
                "r#\"he said \"check_cooldown\" # ok\"#",
                "r##\"a \"# b\"##",
                "br#\"x\"#",
                "b\"y\\\"z\"",
                "c\"w\"",
                "'\"'",
                "'\\''",
                "b'\\''",
                "'\\u{1F600}'",
                "'é'",
                "r\"raw\\\"",
            ]
        );
        assert!(facts.text.iter().all(|t| t.kind == TextKind::String));
        assert_eq!(
            named(
                &facts,
                &["x", "str", "type", "mark_skipped", "check_cooldown"]
            ),
            vec![
                ("x".into(), "var", 1, 10),
                ("str".into(), "reference", 1, 17),
                ("str".into(), "reference", 1, 29),
                ("type".into(), "var", 6, 11),
                ("mark_skipped".into(), "call", 6, 27),
                ("type".into(), "reference", 6, 42),
            ]
        );
        // no lifetime or label becomes an occurrence
        assert!(
            facts
                .occurrences
                .iter()
                .all(|o| o.name != "a" && o.name != "outer")
        );
    }

    #[test]
    fn test_code_is_flagged() {
        let src = "\
fn prod() { check_cooldown(); }
#[cfg(test)]
mod tests {
    // helper comment
    #[test]
    fn t() { check_cooldown(); }
}
#[tokio::test]
async fn it() { let s = \"x\"; }
#[cfg(not(test))]
fn real() {}
";
        let facts = extract(src);
        check_invariants(src, &facts);
        assert_eq!(
            rows(&facts),
            vec![
                r("prod", "func", 1, 4, 8, None, false),
                r("check_cooldown", "call", 1, 13, 27, Some("prod"), false),
                r("cfg", "reference", 2, 3, 6, None, true),
                r("test", "reference", 2, 7, 11, None, true),
                r("tests", "reference", 3, 5, 10, None, true),
                r("test", "reference", 5, 7, 11, None, true),
                r("t", "func", 6, 8, 9, None, true),
                r("check_cooldown", "call", 6, 14, 28, Some("t"), true),
                r("tokio", "reference", 8, 3, 8, None, true),
                r("test", "reference", 8, 10, 14, None, true),
                r("it", "func", 9, 10, 12, None, true),
                r("s", "var", 9, 21, 22, Some("it"), true),
                r("cfg", "reference", 10, 3, 6, None, false),
                r("not", "reference", 10, 7, 10, None, false),
                r("test", "reference", 10, 11, 15, None, false),
                r("real", "func", 11, 4, 8, None, false),
            ]
        );
        let flags: Vec<(&str, bool)> = facts
            .functions
            .iter()
            .map(|f| (f.name.as_str(), f.test))
            .collect();
        assert_eq!(
            flags,
            [("prod", false), ("t", true), ("it", true), ("real", false)]
        );
        assert_eq!(
            texts(src, &facts),
            vec![
                (TextKind::Comment, "// helper comment", true),
                (TextKind::String, "\"x\"", true),
            ]
        );
    }

    #[test]
    fn macros_keep_their_identifiers() {
        let src = "\
macro_rules! route {
    ($r:expr, $name:ident) => { $r.mark_skipped(); check_cooldown($name) };
}
#[derive(Debug)]
#[serde(rename = \"skip_reason\", default)]
struct S;
async fn run(r: R) {
    let v = vec![check_cooldown(1), mark_skipped];
    println!(\"{} check_cooldown\", r.skip_reason);
    tokio::select! {
        _ = r.mark_skipped() => { let x = 1; }
    }
    m!('outer: loop { break 'outer; } &'static str);
}
";
        let facts = extract(src);
        check_invariants(src, &facts);
        assert_eq!(
            rows(&facts),
            vec![
                r("macro_rules", "reference", 1, 1, 12, None, false),
                r("route", "reference", 1, 14, 19, None, false),
                r("mark_skipped", "call", 2, 36, 48, None, false),
                r("check_cooldown", "call", 2, 52, 66, None, false),
                r("derive", "reference", 4, 3, 9, None, false),
                r("Debug", "reference", 4, 10, 15, None, false),
                r("serde", "reference", 5, 3, 8, None, false),
                r("rename", "reference", 5, 9, 15, None, false),
                r("default", "reference", 5, 33, 40, None, false),
                r("S", "type", 6, 8, 9, None, false),
                r("run", "func", 7, 10, 13, None, false),
                r("r", "var", 7, 14, 15, Some("run"), false),
                r("R", "reference", 7, 17, 18, Some("run"), false),
                r("v", "var", 8, 9, 10, Some("run"), false),
                r("vec", "reference", 8, 13, 16, Some("run"), false),
                r("check_cooldown", "call", 8, 18, 32, Some("run"), false),
                r("mark_skipped", "reference", 8, 37, 49, Some("run"), false),
                r("println", "reference", 9, 5, 12, Some("run"), false),
                r("r", "reference", 9, 35, 36, Some("run"), false),
                r("skip_reason", "reference", 9, 37, 48, Some("run"), false),
                r("tokio", "reference", 10, 5, 10, Some("run"), false),
                r("select", "reference", 10, 12, 18, Some("run"), false),
                r("r", "reference", 11, 13, 14, Some("run"), false),
                r("mark_skipped", "call", 11, 15, 27, Some("run"), false),
                r("x", "var", 11, 39, 40, Some("run"), false),
                r("m", "reference", 13, 5, 6, Some("run"), false),
                r("str", "reference", 13, 48, 51, Some("run"), false),
            ]
        );
        assert_eq!(
            calls(&facts, "run"),
            vec![
                ("check_cooldown".into(), None, false),
                ("mark_skipped".into(), Some("r".into()), false),
            ]
        );
    }

    #[test]
    fn generics_and_trait_declarations() {
        let src = "\
pub trait CheckCooldown: Send {
    type Key;
    const LIMIT: u32;
    fn check_cooldown(&self, key: Self::Key) -> bool;
    fn with_default(&self) -> bool { self.check_cooldown(todo!()) }
}
fn f<T: CheckCooldown, const N: usize>(t: T) where T: Clone {}
";
        assert_eq!(
            occ(src),
            vec![
                r("CheckCooldown", "type", 1, 11, 24, None, false),
                r("Send", "reference", 1, 26, 30, None, false),
                r("Key", "type", 2, 10, 13, None, false),
                r("LIMIT", "const", 3, 11, 16, None, false),
                r("u32", "reference", 3, 18, 21, None, false),
                r("check_cooldown", "method", 4, 8, 22, None, false),
                r("key", "var", 4, 30, 33, Some("check_cooldown"), false),
                r("Key", "reference", 4, 41, 44, Some("check_cooldown"), false),
                r(
                    "bool",
                    "reference",
                    4,
                    49,
                    53,
                    Some("check_cooldown"),
                    false
                ),
                r("with_default", "method", 5, 8, 20, None, false),
                r("bool", "reference", 5, 31, 35, Some("with_default"), false),
                r(
                    "check_cooldown",
                    "call",
                    5,
                    43,
                    57,
                    Some("with_default"),
                    false
                ),
                r("todo", "reference", 5, 58, 62, Some("with_default"), false),
                r("f", "func", 7, 4, 5, None, false),
                r("T", "type", 7, 6, 7, Some("f"), false),
                r("CheckCooldown", "reference", 7, 9, 22, Some("f"), false),
                r("N", "const", 7, 30, 31, Some("f"), false),
                r("usize", "reference", 7, 33, 38, Some("f"), false),
                r("t", "var", 7, 40, 41, Some("f"), false),
                r("T", "reference", 7, 43, 44, Some("f"), false),
                r("T", "reference", 7, 52, 53, Some("f"), false),
                r("Clone", "reference", 7, 55, 60, Some("f"), false),
            ]
        );
        let facts = extract(src);
        let decl = &facts.functions[0];
        assert_eq!(
            (decl.kind, decl.receiver.as_deref(), decl.span),
            (
                FnKind::Method,
                Some("CheckCooldown"),
                Span {
                    line: 4,
                    column: 5,
                    end_line: 4,
                    end_column: 54
                }
            )
        );
    }

    #[test]
    fn function_spans_calls_and_values() {
        let src = "\
/// Doc.
#[instrument]
pub(crate) async fn outer(items: Vec<u8>) {
    let f = Self::mark_skipped;
    let g = check_cooldown;
    let h = items;
    run(Self::mark_skipped, &check_cooldown, items, None, MAX);
    items.iter().map(check_cooldown).for_each(|x| inner(x));
    fn nested() {
        helper::go()
    }
}
";
        let facts = extract(src);
        check_invariants(src, &facts);
        let spans: Vec<(&str, u32, u32, u32, u32)> = facts
            .functions
            .iter()
            .map(|f| {
                (
                    f.name.as_str(),
                    f.span.line,
                    f.span.column,
                    f.span.end_line,
                    f.span.end_column,
                )
            })
            .collect();
        assert_eq!(spans, [("outer", 3, 1, 12, 2), ("nested", 9, 5, 11, 6)]);
        assert_eq!(
            facts.functions[0].name_span,
            Span {
                line: 3,
                column: 21,
                end_line: 3,
                end_column: 26
            }
        );
        assert_eq!(
            calls(&facts, "outer"),
            vec![
                ("mark_skipped".into(), Some("Self".into()), true),
                ("check_cooldown".into(), None, true),
                ("run".into(), None, false),
                ("mark_skipped".into(), Some("Self".into()), true),
                ("check_cooldown".into(), None, true),
                ("iter".into(), Some("items".into()), false),
                ("map".into(), Some("items.iter()".into()), false),
                ("check_cooldown".into(), None, true),
                ("for_each".into(), Some("items.iter().map()".into()), false),
                ("inner".into(), None, false),
            ]
        );
        assert_eq!(
            calls(&facts, "nested"),
            vec![("go".into(), Some("helper".into()), false)]
        );
        // the nested function's name lies inside `outer`
        let nested = facts
            .occurrences
            .iter()
            .find(|o| o.name == "nested")
            .unwrap();
        assert_eq!(nested.function, Some(0));
        assert_eq!(
            facts
                .occurrences
                .iter()
                .find(|o| o.name == "outer")
                .unwrap()
                .function,
            None
        );
    }

    #[test]
    fn syntax_error_falls_back_to_tokens() {
        let src = "\
pub struct SkipDetails { skip_reason: u8 }
impl<T> Handler for Reconciler<T> {
    pub async fn reconcile(&self) -> u8 {
        let x = \"check_cooldown()\"; check_cooldown(1);
        self.status.mark_skipped() + ;
        'outer: loop { break 'outer; }
    }
}
#[cfg(test)]
mod tests {
    #[test]
    fn t() { check_cooldown(); }
}
";
        let facts = extract(src);
        check_invariants(src, &facts);
        assert!(facts.occurrences.iter().all(|o| o.name != "outer"));
        assert_eq!(facts.warnings.len(), 1);
        assert_eq!(facts.warnings[0].line, 5);
        assert!(
            facts.warnings[0].message.starts_with("syntax error"),
            "{:?}",
            facts.warnings
        );
        assert_eq!(
            named(
                &facts,
                &[
                    "SkipDetails",
                    "reconcile",
                    "check_cooldown",
                    "mark_skipped",
                    "t"
                ]
            ),
            vec![
                ("SkipDetails".into(), "type", 1, 12),
                ("reconcile".into(), "method", 3, 18),
                ("check_cooldown".into(), "call", 4, 37),
                ("mark_skipped".into(), "call", 5, 21),
                ("t".into(), "func", 12, 8),
                ("check_cooldown".into(), "call", 12, 14),
            ]
        );
        let summary: Vec<_> = facts
            .functions
            .iter()
            .map(|f| {
                (
                    f.name.as_str(),
                    f.kind,
                    f.receiver.as_deref(),
                    f.span.line,
                    f.span.end_line,
                    f.test,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("reconcile", FnKind::Method, Some("Reconciler"), 3, 7, false),
                ("t", FnKind::Func, None, 12, 12, true),
            ]
        );
        assert_eq!(
            calls(&facts, "reconcile"),
            vec![
                ("check_cooldown".into(), None, false),
                ("mark_skipped".into(), Some("self.status".into()), false),
            ]
        );
        assert_eq!(
            texts(src, &facts),
            vec![(TextKind::String, "\"check_cooldown()\"", false)]
        );
    }

    #[test]
    fn untokenizable_input_keeps_text_regions() {
        let src = "fn f() { let s = \"check_cooldown\"; g(\n// mark_skipped\n";
        let facts = extract(src);
        assert!(facts.occurrences.is_empty());
        assert_eq!(facts.warnings.len(), 1);
        assert!(facts.warnings[0].message.starts_with("cannot tokenize"));
        assert_eq!(facts.text.len(), 2);
    }

    #[test]
    fn garbage_never_panics() {
        let inputs = [
            "",
            "\n\n",
            "}}}{{{",
            "fn (",
            "\"unterminated",
            "/* unterminated /* nested */",
            "r##\"unterminated raw\"#",
            "'",
            "'a",
            "b'",
            "'\\",
            "fn café() { let naïve = ünïcode(1); }",
            "#!/usr/bin/env run-cargo-script\nfn main() {}",
            "\u{feff}fn bom() { check_cooldown(); }",
            "\u{0}\u{1}\u{7f}\u{fffd}",
            "fn f() { let x = 1 +++ ; }",
            "impl impl impl for for where { fn fn fn }",
            "macro_rules! m { ($($t:tt)*) => { $($t)* } }",
        ];
        for src in inputs {
            let facts = extract(src);
            check_invariants(src, &facts);
        }
        let deep = format!("fn f() {{ {}1{} }}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(extract(&deep).warnings.len(), 1);
        let unary = format!("fn f() {{ let x = {}y; }}", "!".repeat(20000));
        assert_eq!(extract(&unary).warnings.len(), 1);
        // every prefix of a realistic file: unbalanced braces, cut strings and comments
        let full = include_str!("../../tests/fixtures/rust_tricky/src/controller.rs");
        let mut cut = 0;
        while cut < full.len() {
            let src = &full[..cut];
            check_invariants(src, &extract(src));
            cut += 13;
            while cut < full.len() && !full.is_char_boundary(cut) {
                cut += 1;
            }
        }
    }

    #[test]
    fn non_ascii_raw_identifiers_bom_and_shebang() {
        let src = "\u{feff}fn café() { let r#match = naïve(1); }\n";
        assert_eq!(
            occ(src),
            vec![
                r("café", "func", 1, 5, 9, None, false),
                r("match", "var", 1, 20, 25, Some("café"), false),
                r("naïve", "call", 1, 28, 33, Some("café"), false),
            ]
        );
        let src = "#!/usr/bin/env rust-script\nfn main() { check_cooldown(); }\n";
        let facts = extract(src);
        assert_eq!(
            named(&facts, &["main", "check_cooldown", "usr"]),
            vec![
                ("main".into(), "func", 2, 4),
                ("check_cooldown".into(), "call", 2, 13)
            ]
        );
    }

    #[test]
    fn tricky_controller_fixture() {
        let src = include_str!("../../tests/fixtures/rust_tricky/src/controller.rs");
        let facts = extract(src);
        assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
        check_invariants(src, &facts);
        let names = [
            "check_cooldown",
            "mark_skipped",
            "CheckCooldown",
            "skip_reason",
            "SkipDetails",
        ];
        let got = named(&facts, &names);
        let want: Vec<(String, &str, u32, u32)> = [
            ("check_cooldown", "reference", 10, 22),
            ("CheckCooldown", "reference", 10, 38),
            ("skip_reason", "field", 19, 9),
            ("SkipDetails", "reference", 20, 25),
            ("SkipDetails", "type", 23, 12),
            ("skip_reason", "field", 29, 15),
            ("CheckCooldown", "type", 32, 11),
            ("check_cooldown", "method", 33, 8),
            ("check_cooldown", "call", 44, 60),
            ("mark_skipped", "call", 49, 22),
            ("skip_reason", "reference", 53, 39),
            ("mark_skipped", "reference", 54, 23),
            ("check_cooldown", "reference", 55, 32),
            ("skip_reason", "reference", 56, 46),
            ("check_cooldown", "call", 57, 22),
            ("mark_skipped", "call", 59, 70),
            ("mark_skipped", "method", 64, 8),
            ("mark_skipped", "call", 69, 12),
            ("check_cooldown", "call", 79, 17),
        ]
        .iter()
        .map(|&(n, k, l, c)| (n.to_string(), k, l, c))
        .collect();
        assert_eq!(got, want);
        // only the test module's call is test code
        let tests: Vec<u32> = facts
            .occurrences
            .iter()
            .filter(|o| o.test && names.contains(&o.name.as_str()))
            .map(|o| o.span.line)
            .collect();
        assert_eq!(tests, [79]);
        let rec = facts
            .functions
            .iter()
            .find(|f| f.name == "reconcile")
            .unwrap();
        assert_eq!((rec.span.line, rec.span.end_line), (43, 62));
        let routed: Vec<(String, Option<String>, bool)> = calls(&facts, "reconcile")
            .into_iter()
            .filter(|c| names.contains(&c.0.as_str()))
            .collect();
        assert_eq!(
            routed,
            vec![
                ("check_cooldown".into(), None, false),
                ("mark_skipped".into(), Some("self".into()), false),
                ("mark_skipped".into(), Some("Self".into()), true),
                ("check_cooldown".into(), None, true),
                ("check_cooldown".into(), None, false),
                ("mark_skipped".into(), Some("self".into()), false),
            ]
        );
    }

    #[test]
    fn pure_fixture_mentions_names_only_in_text() {
        let src = include_str!("../../tests/fixtures/rust_pure/src/lib.rs");
        let facts = extract(src);
        assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
        check_invariants(src, &facts);
        let names = [
            "check_cooldown",
            "mark_skipped",
            "CheckCooldown",
            "skip_reason",
            "SkipDetails",
        ];
        assert_eq!(named(&facts, &names), vec![]);
        for name in names {
            let hits = facts
                .text
                .iter()
                .filter(|t| src[t.start..t.end].contains(name))
                .count();
            assert!(hits >= 2, "{name} appears in {hits} text regions");
        }
        let kinds: Vec<(TextKind, bool)> = facts.text.iter().map(|t| (t.kind, t.test)).collect();
        assert_eq!(
            kinds,
            [
                (TextKind::Comment, false),
                (TextKind::Comment, false),
                (TextKind::Comment, false),
                (TextKind::Comment, false),
                (TextKind::Comment, false),
                (TextKind::Comment, false),
                (TextKind::Comment, false),
                (TextKind::String, false),
                (TextKind::String, false),
                (TextKind::String, false),
                (TextKind::String, false),
                (TextKind::String, false),
                (TextKind::String, false),
                (TextKind::String, false),
                (TextKind::Comment, false),
                (TextKind::Comment, true),
                (TextKind::String, true),
                (TextKind::String, true),
            ]
        );
    }
}
