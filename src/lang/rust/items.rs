//! Item-at-a-time reading of the Rust front-end: the lexer finds where each top-level item
//! begins and ends (its attributes and doc comments belong to it), syn parses the items a
//! reader asks for, each from its own slice with positions shifted to the file (so the syntax
//! tree in memory is one item's), and the token-level reading lists the functions of the
//! others. The result equals one parse of the whole file restricted to what was asked; a
//! file the lexer cannot split (unbalanced brackets, an unterminated literal, nesting over
//! the budget) or with an item syn rejects is read whole.

use syn::visit::Visit;

use super::fallback::{Frame, TokMode};
use super::lexer::{LexKind, Lexed, Lexeme, Scanner};
use super::tokens::Tokens;
use super::{Base, Collector, DEPTH_BUDGET, ITEM_TOKEN_BUDGET, analyze, over_budget};
use crate::lang::{FileFacts, ParseWarning, TextKind, Want};

/// One top-level item: bytes `start..end`, from its first attribute or doc comment to its
/// closing `}` or `;`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Item {
    pub(super) start: usize,
    pub(super) end: usize,
    /// An inner attribute or doc comment of the file (`#![..]`, `//!`): always read.
    pub(super) inner: bool,
    /// Holds the keyword `fn`: it may declare functions.
    pub(super) has_fn: bool,
    /// A `{..}` group at its top level is not its last (`if .. { } else { }`,
    /// `impl S<{ N }> { }`), or one is a generic argument (`A<{ N }>`).
    pub(super) braced: bool,
    /// The token-level reading may list its functions otherwise than syn: it holds an
    /// attribute naming `test` (test flags come from attributes), `fn` inside the arguments of
    /// a macro (syn reads some of them as code), or it does not end as an item does. It is
    /// read whenever its functions are needed.
    pub(super) doubtful: bool,
    /// Lexemes outside comments and literals: the measure of its syntax tree's size.
    pub(super) tokens: usize,
}

/// Reads `src` as far as `want` asks: item by item when the lexer can split it, whole
/// otherwise.
pub(super) fn read(src: &str, lexed: &Lexed, want: &Want) -> FileFacts {
    let keep = want.keep.map(|k| k as &dyn Fn(&str) -> bool);
    if lexed.depth <= DEPTH_BUDGET
        && !lexed.unsure
        && let Some(items) = split(src)
        && let Some(facts) = by_items(src, lexed, &items, want, keep)
    {
        return facts;
    }
    analyze(src, lexed, false, keep)
}

/// Reads the items `want` asks for with syn, one at a time, and the functions of the others
/// at token level. `None` when syn rejects an item: the caller reads the file whole.
fn by_items<'a>(
    src: &'a str,
    lexed: &Lexed,
    items: &[Item],
    want: &Want,
    keep: Option<&'a dyn Fn(&str) -> bool>,
) -> Option<FileFacts> {
    let mut col = Collector::new(src, keep);
    let pos = col.positions();
    let mut warnings = Vec::new();
    for it in items {
        let read = it.inner || it.doubtful || want.reads(it.start, it.end);
        if read && it.tokens > ITEM_TOKEN_BUDGET {
            // too large for a syntax tree in bounded memory: every token classified, with
            // the calls they show
            let t = Tokens::within(src, it.start, it.end, pos.clone());
            let top = Frame::new(t.top(), TokMode::Fallback, None, col.test, None);
            col.walk(&t, top);
            col.claimed.clear();
            warnings.push(ParseWarning {
                line: pos.position(src, it.start).0,
                message: over_budget(it.tokens),
            });
        } else if read {
            let (line, column) = pos.position(src, it.start);
            let parsed = match syn::parse_str::<syn::File>(&src[it.start..it.end]) {
                Ok(file) => {
                    col.base = Base {
                        byte: it.start,
                        line,
                        column: column - 1,
                    };
                    col.range = (it.start, it.end);
                    col.tokens = None;
                    col.visit_file(&file);
                    true
                }
                Err(_) => false,
            };
            // no token is classified twice across items; spans die with the item's tree
            col.claimed.clear();
            proc_macro2::extra::invalidate_current_thread_spans();
            if !parsed {
                return None;
            }
        } else if it.has_fn {
            // the file's inner attributes come first: `col.test` is the file's test flag
            let t = Tokens::within(src, it.start, it.end, pos.clone());
            col.silent = true;
            let top = Frame::new(t.top(), TokMode::Fallback, None, col.test, None);
            col.walk(&t, top);
            col.silent = false;
        }
    }
    col.tokens = None;
    Some(col.finish(lexed.regions.clone(), warnings))
}

/// Appends `it`; `false` when it is an inner attribute after an item (syn rejects the file).
fn push(items: &mut Vec<Item>, mut it: Item, outer_seen: &mut bool) -> bool {
    if it.inner && *outer_seen {
        return false;
    }
    // braces before a function's body (`impl S<{ N }> {`, `-> A<{ 2 }> {`) mislead the
    // token-level reading of functions
    it.doubtful |= it.braced && it.has_fn;
    *outer_seen |= !it.inner;
    items.push(it);
    true
}

/// An outer doc comment (`///`, `/** */`): an attribute of the item after it.
fn is_outer_doc(c: &str) -> bool {
    (c.starts_with("///") && !c.starts_with("////"))
        || (c.starts_with("/**") && !c.starts_with("/***") && c != "/**/")
}

/// An inner doc comment (`//!`, `/*! */`): an attribute of the file.
fn is_inner_doc(c: &str) -> bool {
    c.starts_with("//!") || c.starts_with("/*!")
}

fn closer_of(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

/// The top-level items of `src` in order, or `None` when its brackets do not pair up or an
/// inner attribute follows an item (syn rejects the file; it is read whole). Comments other
/// than doc comments between items belong to none.
pub(super) fn split(src: &str) -> Option<Vec<Item>> {
    let b = src.as_bytes();
    let mut items: Vec<Item> = Vec::new();
    let mut cur: Option<Item> = None;
    // open brackets
    let mut stack: Vec<u8> = Vec::new();
    // a `}` brought the current item back to the top level: it ends there unless the next
    // lexeme continues it (`else`, `;`, an operator)
    let mut after_brace = false;
    // the previous code lexemes, latest first
    let mut prev: [Option<Lexeme>; 3] = [None; 3];
    // bracket depth at which an attribute's `[..]` or a macro's arguments opened
    let mut attr_at: Option<usize> = None;
    let mut macro_at: Option<usize> = None;
    let mut outer_seen = false;
    let text_of = |l: Option<Lexeme>| l.map_or("", |l| &src[l.start..l.end]);
    let is_ident = |l: Option<Lexeme>| l.is_some_and(|l| l.kind == LexKind::Ident);
    for lx in Scanner::new(src) {
        let text = &src[lx.start..lx.end];
        let comment = lx.kind == LexKind::Text(TextKind::Comment);
        let doc = comment && (is_outer_doc(text) || is_inner_doc(text));
        if after_brace {
            if comment && !doc {
                continue;
            }
            after_brace = false;
            let continues = match lx.kind {
                LexKind::Punct => text != "#",
                LexKind::Open => true,
                LexKind::Ident => text == "else" || text == "as",
                _ => false,
            };
            if continues {
                if let Some(it) = cur.as_mut() {
                    it.braced = true;
                }
            } else if !push(&mut items, cur.take()?, &mut outer_seen) {
                return None;
            }
        }
        if cur.is_none() {
            if comment && !doc {
                continue;
            }
            let it = Item {
                start: lx.start,
                end: lx.end,
                inner: is_inner_doc(text),
                has_fn: false,
                braced: false,
                doubtful: false,
                tokens: 0,
            };
            if it.inner {
                if !push(&mut items, it, &mut outer_seen) {
                    return None;
                }
                continue;
            }
            cur = Some(it);
        }
        let it = cur.as_mut()?;
        it.end = lx.end;
        if !comment {
            it.tokens += 1;
        }
        match lx.kind {
            LexKind::Open => {
                let attr =
                    text_of(prev[0]) == "#" || (text_of(prev[0]) == "!" && text_of(prev[1]) == "#");
                if b[lx.start] == b'[' && attr && attr_at.is_none() {
                    attr_at = Some(stack.len());
                    // `#![..]` opening an item is an inner attribute of the file
                    if stack.is_empty()
                        && text_of(prev[0]) == "!"
                        && prev[1].is_some_and(|h| h.start == it.start)
                    {
                        it.inner = true;
                    }
                } else if b[lx.start] == b'{' && text_of(prev[0]) == "<" {
                    // a block as a generic argument (`A<{ N }>`)
                    it.braced = true;
                } else if macro_at.is_none()
                    && ((text_of(prev[0]) == "!" && is_ident(prev[1]))
                        || (is_ident(prev[0])
                            && text_of(prev[1]) == "!"
                            && text_of(prev[2]) == "macro_rules"))
                {
                    macro_at = Some(stack.len());
                }
                stack.push(b[lx.start]);
            }
            LexKind::Close => {
                let open = stack.pop()?;
                if closer_of(open) != b[lx.start] {
                    return None;
                }
                if attr_at == Some(stack.len()) {
                    attr_at = None;
                }
                if macro_at == Some(stack.len()) {
                    macro_at = None;
                }
                if stack.is_empty() {
                    if it.inner {
                        let done = cur.take()?;
                        if !push(&mut items, done, &mut outer_seen) {
                            return None;
                        }
                    } else if b[lx.start] == b'}' {
                        after_brace = true;
                    }
                }
            }
            LexKind::Punct if stack.is_empty() && text == ";" => {
                let done = cur.take()?;
                if !push(&mut items, done, &mut outer_seen) {
                    return None;
                }
            }
            LexKind::Ident if text == "fn" => {
                it.has_fn = true;
                it.doubtful |= macro_at.is_some();
            }
            LexKind::Ident if text == "test" && attr_at.is_some() => it.doubtful = true,
            _ => {}
        }
        if !comment {
            prev = [Some(lx), prev[0], prev[1]];
        }
    }
    if !stack.is_empty() {
        return None;
    }
    if let Some(mut it) = cur {
        // an item that does not end with `}` or `;`: syn decides what it is
        it.doubtful |= !after_brace;
        if !push(&mut items, it, &mut outer_seen) {
            return None;
        }
    }
    Some(items)
}
