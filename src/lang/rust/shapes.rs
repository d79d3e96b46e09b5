//! Shapes the token-level reading recognises without a parser: which lexemes of a token
//! group are patterns (so a name there is a binding, as syn's `PatIdent`), which are generic
//! parameters, fields or variants. Each function looks at one group's nodes only, left to
//! right; nested groups get their own context.

use super::fallback::{ident_at, is_path_sep, is_punct};
use super::lexer::LexKind;
use super::tokens::{Node, Tokens};
use crate::lang::OccKind;

/// What the nodes of one token group are.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Ctx {
    /// Statements, expressions, items.
    Code,
    /// A function's parameter list: `pattern: Type, ..`.
    Params,
    /// A nested pattern: `(a, b)`, `[x, ..]`, the arguments of `Some(..)`.
    Pattern,
    /// The fields of a struct pattern: `{ a, b: pat, .. }`.
    StructPattern,
    /// The body of a struct or union, or of a struct-like variant: `name: Type, ..`.
    Fields,
    /// The body of an enum: `Name, Name(..), Name { .. } = 3, ..`.
    Variants,
    /// The arms of a `match`: `pattern if guard => body, ..`.
    Arms,
    /// The body of an impl or trait: functions there are methods.
    Members,
    /// The arguments of `matches!`: an expression, then a pattern and a guard.
    MatchesArgs,
}

/// Forward look-ups over one group's nodes, computed once so that no scan is quadratic.
pub(super) struct Index {
    /// For each node, the first `{..}` group at or after it (`len` if none).
    next_brace: Vec<usize>,
    /// For each node, the first `in` keyword at or after it (`len` if none).
    next_in: Vec<usize>,
    /// For a `<` node, its matching `>` (`usize::MAX` if none; `->` is not a closer).
    angle_close: Vec<usize>,
}

impl Index {
    pub(super) fn new(t: &Tokens, toks: &[Node]) -> Self {
        let n = toks.len();
        let (mut next_brace, mut next_in) = (vec![n; n + 1], vec![n; n + 1]);
        for j in (0..n).rev() {
            let brace = t.is_group(toks[j]) && t.delim(toks[j]) == b'{';
            next_brace[j] = if brace { j } else { next_brace[j + 1] };
            next_in[j] = if ident_at(t, toks, j) == Some("in") {
                j
            } else {
                next_in[j + 1]
            };
        }
        let mut angle_close = vec![usize::MAX; n];
        let mut open: Vec<usize> = Vec::new();
        for j in 0..n {
            if is_punct(t, toks, j, b'<') {
                open.push(j);
            } else if is_punct(t, toks, j, b'>') && !is_punct(t, toks, j.wrapping_sub(1), b'-') {
                if let Some(o) = open.pop() {
                    angle_close[o] = j;
                }
            } else if is_punct(t, toks, j, b';')
                || (t.is_group(toks[j]) && t.delim(toks[j]) == b'{')
            {
                open.clear(); // comparisons never closed
            }
        }
        Index {
            next_brace,
            next_in,
            angle_close,
        }
    }

    /// The `>` closing the `<` at node `k`, if `k` is one.
    pub(super) fn angle_close(&self, k: usize) -> Option<usize> {
        self.angle_close
            .get(k)
            .copied()
            .filter(|&c| c != usize::MAX)
    }

    /// The first `{..}` group after node `k`.
    pub(super) fn brace_after(&self, k: usize) -> Option<usize> {
        let j = self.next_brace[(k + 1).min(self.next_brace.len() - 1)];
        (j + 1 < self.next_brace.len()).then_some(j)
    }
}

fn is_sep(t: &Tokens, toks: &[Node], i: usize) -> bool {
    is_punct(t, toks, i, b',')
}

/// `=` that is an assignment or a `let` initialiser (not `==`, `=>`, `<=`, `>=`, `!=`).
fn is_single_eq(t: &Tokens, toks: &[Node], i: usize) -> bool {
    let joined_after_operator = i > 0
        && toks.get(i - 1).is_some_and(|&p| {
            t.kind(p) == LexKind::Punct
                && t.lx[p].end == t.lx[toks[i]].start
                && b"=<>!+-*/%^&|".contains(&t.delim(p))
        });
    is_punct(t, toks, i, b'=')
        && !is_punct(t, toks, i + 1, b'=')
        && !is_punct(t, toks, i + 1, b'>')
        && !joined_after_operator
}

/// `:` that is not half of `::`.
fn is_single_colon(t: &Tokens, toks: &[Node], i: usize) -> bool {
    is_punct(t, toks, i, b':') && !is_path_sep(t, toks, i) && !is_path_sep(t, toks, i + 1)
}

/// `=>`.
fn is_arrow(t: &Tokens, toks: &[Node], i: usize) -> bool {
    is_punct(t, toks, i, b'=')
        && is_punct(t, toks, i + 1, b'>')
        && t.lx[toks[i]].end == t.lx[toks[i + 1]].start
}

fn word(t: &Tokens, toks: &[Node], i: usize) -> Option<&'static str> {
    // keywords the shapes look at, as static strings
    const WORDS: [&str; 10] = [
        "let", "for", "in", "if", "else", "move", "return", "mut", "ref", "static",
    ];
    let w = ident_at(t, toks, i)?;
    WORDS.iter().copied().find(|k| *k == w)
}

/// Whether the `|` at `i` opens closure parameters: it stands where an operand is expected.
fn opens_closure(t: &Tokens, toks: &[Node], i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let p = toks[i - 1];
    match t.kind(p) {
        LexKind::Punct => !matches!(t.delim(p), b'?' | b'|'),
        LexKind::Ident => matches!(
            t.text(p),
            "move" | "return" | "in" | "else" | "break" | "async" | "static"
        ),
        _ => false,
    }
}

/// Marks `pattern: Type` segments separated by `,` from `from` up to `to`: the patterns.
fn mark_typed_patterns(t: &Tokens, toks: &[Node], from: usize, to: usize, out: &mut [bool]) {
    let mut in_pat = true;
    let mut angle = 0i32;
    for (j, role) in out.iter_mut().enumerate().take(to).skip(from) {
        if is_punct(t, toks, j, b'<') {
            angle += 1;
        } else if is_punct(t, toks, j, b'>') && !is_punct(t, toks, j.wrapping_sub(1), b'-') {
            angle -= 1;
        }
        if angle <= 0 && is_sep(t, toks, j) {
            in_pat = true;
            angle = 0;
        } else if in_pat && is_single_colon(t, toks, j) {
            in_pat = false;
        } else {
            *role = in_pat;
        }
    }
}

/// For each node of a group in context `ctx`: whether it is part of a pattern.
pub(super) fn pattern_roles(t: &Tokens, toks: &[Node], ctx: Ctx, ix: &Index) -> Vec<bool> {
    let n = toks.len();
    let mut out = vec![false; n];
    match ctx {
        Ctx::Pattern | Ctx::StructPattern => out.iter_mut().for_each(|r| *r = true),
        Ctx::Params => mark_typed_patterns(t, toks, 0, n, &mut out),
        Ctx::Arms => {
            #[derive(PartialEq)]
            enum Part {
                Pattern,
                Guard,
                Body,
            }
            let mut part = Part::Pattern;
            let mut k = 0;
            while k < n {
                if part != Part::Body && is_arrow(t, toks, k) {
                    part = Part::Body;
                    k += 2;
                    // a block body needs no comma: the next arm starts after it
                    if toks
                        .get(k)
                        .is_some_and(|&g| t.is_group(g) && t.delim(g) == b'{')
                        && !is_sep(t, toks, k + 1)
                    {
                        part = Part::Pattern;
                        k += 1;
                    }
                    continue;
                }
                if part == Part::Pattern && word(t, toks, k) == Some("if") {
                    part = Part::Guard;
                } else if part == Part::Body && is_sep(t, toks, k) {
                    part = Part::Pattern;
                } else {
                    out[k] = part == Part::Pattern;
                }
                k += 1;
            }
            mark_code_patterns(t, toks, &mut out, ix);
        }
        Ctx::MatchesArgs => {
            if let Some(comma) = (0..n).find(|&j| is_sep(t, toks, j)) {
                let end = (comma + 1..n)
                    .find(|&j| word(t, toks, j) == Some("if") || is_sep(t, toks, j))
                    .unwrap_or(n);
                out[comma + 1..end].iter_mut().for_each(|r| *r = true);
            }
            mark_code_patterns(t, toks, &mut out, ix);
        }
        Ctx::Code | Ctx::Fields | Ctx::Variants | Ctx::Members => {
            mark_code_patterns(t, toks, &mut out, ix)
        }
    }
    out
}

/// Patterns inside code: `let PAT = ..`, `for PAT in ..`, closure parameters `|PAT: T, PAT|`.
fn mark_code_patterns(t: &Tokens, toks: &[Node], out: &mut [bool], ix: &Index) {
    let n = toks.len();
    let mut k = 0;
    while k < n {
        match word(t, toks, k) {
            Some("let") => {
                let mut j = k + 1;
                while j < n
                    && !is_single_eq(t, toks, j)
                    && !is_single_colon(t, toks, j)
                    && !is_punct(t, toks, j, b';')
                    && word(t, toks, j) != Some("else")
                {
                    out[j] = true;
                    j += 1;
                }
                k = j;
                continue;
            }
            Some("for") if !is_punct(t, toks, k + 1, b'<') => {
                // `for PAT in`, unless a brace comes first (`impl Trait for Type {`)
                let end = ix.next_in[k + 1];
                if end < n && end < ix.next_brace[k + 1] {
                    out[k + 1..end].iter_mut().for_each(|r| *r = true);
                    k = end + 1;
                    continue;
                }
            }
            _ => {}
        }
        if is_punct(t, toks, k, b'|') {
            if opens_closure(t, toks, k) {
                let close = (k + 1..n).find(|&j| is_punct(t, toks, j, b'|'));
                if let Some(close) = close {
                    mark_typed_patterns(t, toks, k + 1, close, out);
                    k = close + 1;
                    continue;
                }
            } else if is_punct(t, toks, k + 1, b'|') {
                k += 2; // `||`: logical or
                continue;
            }
        }
        k += 1;
    }
}

/// Marks the generic parameters of the `<..>` starting at `lt` (if any): `T`, `const N`.
pub(super) fn mark_generics(
    t: &Tokens,
    toks: &[Node],
    lt: usize,
    decl: &mut std::collections::HashMap<usize, OccKind>,
) {
    if !is_punct(t, toks, lt, b'<') {
        return;
    }
    let mut depth = 0i32;
    let mut start = true;
    // generics longer than this are not read (nobody writes them; a crafted input could)
    for j in lt..toks.len().min(lt + 1024) {
        if is_punct(t, toks, j, b'<') {
            depth += 1;
            start = depth == 1;
            continue;
        }
        if is_punct(t, toks, j, b'>') && !is_punct(t, toks, j.wrapping_sub(1), b'-') {
            depth -= 1;
            if depth == 0 {
                return;
            }
            continue;
        }
        if depth == 1 && is_sep(t, toks, j) {
            start = true;
            continue;
        }
        if depth == 1 && start {
            match ident_at(t, toks, j) {
                Some("const") => continue,
                Some(_) => {
                    let kind = if ident_at(t, toks, j.wrapping_sub(1)) == Some("const") {
                        OccKind::Const
                    } else {
                        OccKind::Type
                    };
                    decl.insert(j, kind);
                }
                None => {}
            }
            start = false;
        }
    }
}

/// Whether the node at `k` starts an entry of a field or variant list: first in the group,
/// or after `,`, `pub`, `pub(..)` or an attribute.
pub(super) fn starts_entry(t: &Tokens, toks: &[Node], k: usize) -> bool {
    let mut j = k;
    for _ in 0..16 {
        if j == 0 || is_sep(t, toks, j - 1) {
            return true;
        }
        let p = toks[j - 1];
        let pub_scope = t.is_group(p)
            && t.delim(p) == b'('
            && ident_at(t, toks, j.wrapping_sub(2)) == Some("pub");
        let attribute =
            t.is_group(p) && t.delim(p) == b'[' && is_punct(t, toks, j.wrapping_sub(2), b'#');
        if ident_at(t, toks, j - 1) == Some("pub") {
            j -= 1;
        } else if pub_scope || attribute {
            j -= 2;
        } else {
            return false;
        }
    }
    false
}

/// The occurrence kind of a name in a pattern: a binding unless it names a path, a
/// tuple-struct or struct pattern, a macro, or a constant (`None`, `MAX`).
pub(super) fn pattern_kind(t: &Tokens, toks: &[Node], k: usize, name: &str) -> OccKind {
    let path = is_path_sep(t, toks, k + 2)
        || is_path_sep(t, toks, k.wrapping_sub(1))
        || is_punct(t, toks, k + 1, b'!')
        || toks
            .get(k + 1)
            .is_some_and(|&g| t.is_group(g) && t.delim(g) != b'[');
    if path || name.starts_with(|c: char| c.is_uppercase()) {
        OccKind::Reference
    } else {
        OccKind::Var
    }
}

/// `name::<..>(` : a call with a turbofish, given the index of `name`.
pub(super) fn turbofish_call(t: &Tokens, toks: &[Node], k: usize, ix: &Index) -> bool {
    if !(is_path_sep(t, toks, k + 2) && is_punct(t, toks, k + 3, b'<')) {
        return false;
    }
    ix.angle_close(k + 3).is_some_and(|close| {
        toks.get(close + 1)
            .is_some_and(|&g| t.is_group(g) && t.delim(g) == b'(')
    })
}
