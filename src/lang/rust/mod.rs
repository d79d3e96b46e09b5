//! Rust front-end: turns one `.rs` file into [`FileFacts`] for the routeaudit engine.
//!
//! It owns three jobs. A small lexer finds every comment and string/char literal (syn drops
//! comments), so that names merely mentioned in text are never reported as code. A `syn`
//! visitor classifies every identifier of the syntax tree (declarations, calls, references),
//! builds the function table with each function's calls and function values, and marks test
//! code (`#[cfg(test)]`, `#[test]`, `#[tokio::test]`). Macro bodies and attribute arguments,
//! which syn keeps as raw tokens, are classified at token level; the same token classifier
//! is the fallback when a file does not parse (it works on the lexer's lexemes, so even
//! unbalanced brackets keep their code) or nests deeper than [`DEPTH_BUDGET`], so a syntax
//! error degrades the result instead of losing it. syn reads one top-level item at a time,
//! and only the items a reader asks for ([`extract_for`], see `items`); the functions of the
//! others come from the token classifier. No syn or proc-macro2 type leaves this module.

mod captures;
mod fallback;
mod items;
mod lexer;
mod shapes;
#[cfg(test)]
mod tests;
mod tokens;
mod visitor;

use std::collections::HashSet;
use std::rc::Rc;

use proc_macro2::{Ident, Span as PmSpan};
use syn::visit::Visit;

use super::{
    Call, FileFacts, FnKind, Function, OccKind, Occurrence, ParseWarning, TextRegion, Want,
};
use crate::span::Span;
use fallback::{Frame, TokMode};
use lexer::{Lexed, lex};
use tokens::{Positions, Tokens};

/// Stack of the worker thread that parses one file. syn's parser, the visitor and the syntax
/// tree's destructor recurse once per nesting level; [`DEPTH_BUDGET`] bounds the levels, and
/// this stack holds that many with a wide margin (also in unoptimised builds). Only the
/// touched pages are committed.
const STACK_SIZE: usize = 128 << 20;

/// Nesting (as measured by the lexer, see `lexer::Meter`) above which a file is not given to
/// syn but read at token level. Real code stays far below it: the deepest of 7,260 files under
/// `~/.cargo/registry/src` measures 220. At the budget, the deepest constructs (nested generic
/// types) need under 32 MB of [`STACK_SIZE`] in an unoptimised build.
pub(crate) const DEPTH_BUDGET: usize = 1_000;

/// Most tokens an item (or a file read whole) may have to go to syn: its syntax tree costs
/// about 500 bytes a token. A larger one (no item of the crates.io sources comes near; see
/// the README) is classified at token level, with a warning.
pub(crate) const ITEM_TOKEN_BUDGET: usize = 150_000;

/// The warning for an item or file over [`ITEM_TOKEN_BUDGET`].
fn over_budget(tokens: usize) -> String {
    format!(
        "{tokens} tokens, more than the parser's budget of {ITEM_TOKEN_BUDGET}; identifiers classified from tokens only"
    )
}

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

/// Reads one Rust source file whole: [`extract_for`] with [`Want::ALL`].
pub fn extract(src: &str) -> FileFacts {
    extract_for(src, &Want::ALL)
}

/// Reads one Rust source file as far as `want` asks, one top-level item at a time: only the
/// items holding an offset of `want.at` are given to syn, each on its own (so the syntax tree
/// in memory is one item's), and the result equals that of one parse of the whole file
/// restricted to `want`. The functions of the other items come from the token-level reading,
/// without their calls. Occurrences `want.keep` does not ask for are never stored. Never
/// panics: a syntax error gives a token-level result of the whole file and a warning;
/// anything worse gives the comment and string regions only.
pub fn extract_for(src: &str, want: &Want) -> FileFacts {
    let prepared = prepare(src);
    let lexed = lex(&prepared, true);
    on_worker(|| items::read(&prepared, &lexed, want)).unwrap_or_else(|| FileFacts {
        text: lexed.regions.clone(),
        warnings: vec![ParseWarning {
            line: 1,
            message: "internal error while reading the file; only comments and strings were read"
                .into(),
        }],
        ..FileFacts::default()
    })
}

/// Runs `read` on a thread with [`STACK_SIZE`] of stack (on this one when no thread can be
/// started); `None` if it panics.
fn on_worker<T: Send>(read: impl FnOnce() -> T + Send + Copy) -> Option<T> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("routeaudit-rust".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, read);
        match worker {
            Ok(handle) => handle.join().ok(),
            Err(_) => {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).ok();
                proc_macro2::extra::invalidate_current_thread_spans();
                r
            }
        }
    })
}

/// One parse of the whole file (no item split), the reading [`extract_for`] is held to.
#[cfg(test)]
pub(crate) fn whole(src: &str) -> FileFacts {
    let prepared = prepare(src);
    let lexed = lex(&prepared, true);
    on_worker(|| analyze(&prepared, &lexed, false, None)).unwrap_or_default()
}

/// Comments and string literals only, without parsing: the cheap first look the engine takes
/// at a file (same regions as [`extract`] reports, but without test flags). `None` when the
/// lexer is unsure of them (a block comment or a string runs to the end of the file, so the
/// code after it may have been taken for text): the caller should parse the file.
pub fn text_regions(src: &str) -> Option<Vec<TextRegion>> {
    let lexed = lex(&prepare(src), false);
    (!lexed.unsure).then_some(lexed.regions)
}

/// The nesting bound the lexer measures for `src` (compared with the parser's budget), for
/// measurements outside the front-end.
#[doc(hidden)]
pub fn nesting_depth(src: &str) -> usize {
    lex(&prepare(src), true).depth
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

/// The functions and methods of `src` with their extents (name, kind, receiver, span, test
/// flag; no calls), as [`extract`] lists them: read at token level, but for the items whose
/// functions only syn lists exactly (test attributes among them), and storing no
/// occurrence. Cheap enough to map byte offsets to enclosing functions before deciding what
/// to parse.
pub fn declarations(src: &str) -> Vec<Function> {
    let none = |_: &str| false;
    let want = Want {
        at: Some(&[]),
        keep: Some(&none),
    };
    let mut functions = extract_for(src, &want).functions;
    functions.iter_mut().for_each(|f| f.calls.clear());
    functions
}

/// Reads `src` at token level only, as for a file syn cannot parse (no warning): the measure
/// of the fallback against the syn path.
#[doc(hidden)]
pub fn extract_token_level(src: &str) -> FileFacts {
    let prepared = prepare(src);
    let lexed = lex(&prepared, false);
    let mut facts = analyze(&prepared, &lexed, true, None);
    facts.warnings.clear();
    facts
}

/// Reads the whole of `src` with one parse (at token level when `tokens_only`, when it nests
/// too deeply or does not parse), storing only the occurrences `keep` asks for.
fn analyze(
    src: &str,
    lexed: &Lexed,
    tokens_only: bool,
    keep: Option<&dyn Fn(&str) -> bool>,
) -> FileFacts {
    let mut col = Collector::new(src, keep);
    let mut warnings = Vec::new();
    let parsed = if tokens_only {
        Err(ParseWarning {
            line: 1,
            message: "read at token level on request".into(),
        })
    } else if lexed.depth > DEPTH_BUDGET {
        // too deep for syn's recursion: classify at token level (an explicit stack), so a call
        // buried in the nesting is still found
        Err(ParseWarning {
            line: line_of(src, lexed.deepest_at),
            message: format!(
                "nesting deeper than the parser's budget of {DEPTH_BUDGET} levels; identifiers classified from tokens only"
            ),
        })
    } else if lexed.tokens > ITEM_TOKEN_BUDGET {
        Err(ParseWarning {
            line: 1,
            message: over_budget(lexed.tokens),
        })
    } else {
        syn::parse_str::<syn::File>(src)
            .map(|file| col.visit_file(&file))
            .map_err(|e| ParseWarning {
                line: error_line(e.span(), src),
                message: format!("syntax error: {e}; identifiers classified from tokens only"),
            })
    };
    if let Err(warning) = parsed {
        let t = col.tokens();
        warnings.push(match &t.problem {
            // the brackets do not pair up: say where, rather than what syn's tokenizer says
            Some((at, what)) if warning.message.starts_with("syntax error") => ParseWarning {
                line: line_of(src, *at),
                message: format!("syntax error: {what}; identifiers classified from tokens only"),
            },
            _ => warning,
        });
        let top = Frame::new(t.top(), TokMode::Fallback, None, false, None);
        col.walk(&t, top);
    }
    let facts = col.finish(lexed.regions.clone(), warnings);
    proc_macro2::extra::invalidate_current_thread_spans();
    facts
}

/// 1-based line of byte offset `at`.
fn line_of(src: &str, at: usize) -> u32 {
    let at = at.min(src.len());
    src.as_bytes()[..at].iter().filter(|&&c| c == b'\n').count() as u32 + 1
}

fn error_line(span: PmSpan, src: &str) -> u32 {
    match span.start().line {
        0 => src.lines().count().max(1) as u32,
        l => l as u32,
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

/// Where the text given to syn starts in the file: syn reads one item at a time, and the
/// spans of a parse are relative to the text parsed.
#[derive(Clone, Copy, Debug)]
struct Base {
    byte: usize,
    /// 1-based line.
    line: u32,
    /// 0-based character column.
    column: u32,
}

impl Default for Base {
    /// The start of the file.
    fn default() -> Self {
        Base {
            byte: 0,
            line: 1,
            column: 0,
        }
    }
}

impl Base {
    /// 1-based line and 0-based character column in the file of a position in the parse.
    fn at(self, lc: proc_macro2::LineColumn) -> (u32, u32) {
        if lc.line <= 1 {
            (self.line, self.column + lc.column as u32)
        } else {
            (self.line + lc.line as u32 - 1, lc.column as u32)
        }
    }

    /// Byte offset in the file of byte `b` of the parse.
    fn byte(self, b: usize) -> usize {
        self.byte + b
    }
}

/// `None` for keywords (`self`, `Self`, `crate`, `super`, `_`, and with `all_keywords` every
/// keyword) and for tokens without a source position.
fn tok(ident: &Ident, all_keywords: bool, base: Base) -> Option<Tok> {
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
    if sp.start().line == 0 {
        return None;
    }
    let (start, end) = (base.at(sp.start()), base.at(sp.end()));
    Some(Tok {
        name,
        span: Span {
            line: start.0,
            column: start.1 + 1 + skip as u32,
            end_line: end.0,
            end_column: end.1 + 1,
        },
        offset: base.byte(sp.byte_range().start) + skip,
    })
}

fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    match s.strip_prefix("r#") {
        Some(n) => n.to_string(),
        None => s,
    }
}

fn span_from(first: PmSpan, last: PmSpan, base: Base) -> Span {
    let (s, e) = (base.at(first.start()), base.at(last.end()));
    Span {
        line: s.0,
        column: s.1 + 1,
        end_line: e.0,
        end_column: e.1 + 1,
    }
}

#[derive(Default)]
struct Collector<'a> {
    src: &'a str,
    /// The occurrences to keep, by name (`None`: all); the others are never stored.
    keep: Option<&'a dyn Fn(&str) -> bool>,
    /// Functions are listed, but no occurrence and no call is recorded (an item read only
    /// for its functions).
    silent: bool,
    /// Where the syntax tree being visited starts in `src`.
    base: Base,
    /// The bytes of `src` the syntax tree being visited covers: its token trees are built
    /// over them.
    range: (usize, usize),
    /// Positions in `src`, shared by the token trees of its items.
    pos: Option<Rc<Positions>>,
    tokens: Option<Rc<Tokens<'a>>>,
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

impl<'a> Collector<'a> {
    fn new(src: &'a str, keep: Option<&'a dyn Fn(&str) -> bool>) -> Self {
        Collector {
            src,
            keep,
            range: (0, src.len()),
            ..Collector::default()
        }
    }

    /// Whether an occurrence named `name` is stored.
    fn keeps(&self, name: &str) -> bool {
        !self.silent && self.keep.is_none_or(|k| k(name))
    }

    /// Positions in the file, computed on first use.
    fn positions(&mut self) -> Rc<Positions> {
        let src = self.src;
        self.pos
            .get_or_insert_with(|| Rc::new(Positions::new(src)))
            .clone()
    }

    fn cur_fn(&self) -> Option<usize> {
        self.fn_stack.last().copied()
    }

    /// Records an occurrence unless its token was classified before; whether it was not (a
    /// call is then recorded too). Occurrences `keep` does not ask for are not stored.
    fn push_occ(&mut self, t: &Tok, kind: OccKind, function: Option<usize>, test: bool) -> bool {
        if self.silent || !self.claimed.insert(t.offset) {
            return false;
        }
        if !self.keeps(&t.name) {
            return true;
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
        match tok(ident, false, self.base) {
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
        if let Some(f) = func
            && !self.silent
        {
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

    fn open_function(
        &mut self,
        name: &Ident,
        kind: FnKind,
        receiver: Option<String>,
        first: PmSpan,
        last: PmSpan,
    ) -> usize {
        self.record(name, kind.occ());
        let base = self.base;
        let name_span = tok(name, false, base).map(|t| t.span).unwrap_or_else(|| {
            let mut s = span_from(name.span(), name.span(), base);
            s.end_column = s.column + unraw(name).chars().count() as u32;
            s
        });
        self.push_function(
            unraw(name),
            kind,
            receiver,
            span_from(first, last, base),
            name_span,
        )
    }

    /// A function met at token level: its name occurrence belongs to `func` (the enclosing
    /// function, if any), and it is test code when `test`.
    fn open_function_tok(
        &mut self,
        name: &Tok,
        kind: FnKind,
        receiver: Option<String>,
        span: Span,
        func: Option<usize>,
        test: bool,
    ) -> usize {
        self.push_occ(name, kind.occ(), func, test);
        let saved = std::mem::replace(&mut self.test, test);
        let idx = self.push_function(name.name.clone(), kind, receiver, span, name.span);
        self.test = saved;
        idx
    }

    fn push_function(
        &mut self,
        name: String,
        kind: FnKind,
        receiver: Option<String>,
        span: Span,
        name_span: Span,
    ) -> usize {
        self.functions.push(Function {
            name,
            kind,
            receiver,
            span,
            name_span,
            calls: Vec::new(),
            test: self.test,
        });
        self.call_offsets.push(Vec::new());
        self.locals.push(HashSet::new());
        self.functions.len() - 1
    }

    /// The token trees of the text being read (the file or one item), built on first use.
    fn tokens(&mut self) -> Rc<Tokens<'a>> {
        if let Some(t) = &self.tokens {
            return t.clone();
        }
        let pos = self.positions();
        let (start, end) = self.range;
        let t = Rc::new(Tokens::within(self.src, start, end, pos));
        self.tokens = Some(t.clone());
        t
    }

    /// Classifies at token level what lies inside the brackets `open` .. `close` (a macro
    /// body, attribute arguments), in the current function and test context.
    fn walk_delimited(&mut self, open: PmSpan, close: PmSpan, mode: TokMode) {
        let t = self.tokens();
        let nodes = t.group_at(
            self.base.byte(open.byte_range().start),
            self.base.byte(close.byte_range().end),
        );
        let frame = Frame::new(nodes, mode, self.cur_fn(), self.test, None);
        self.walk(&t, frame);
    }

    fn in_function(&mut self, idx: usize, body: impl FnOnce(&mut Self)) {
        self.fn_stack.push(idx);
        body(self);
        self.fn_stack.pop();
        // its names are looked up only while its body is read
        self.locals[idx] = HashSet::new();
    }

    /// Runs `body` as test code when `attrs` mark the item as test; remembers its byte range.
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
}
