//! Token-level reading of the Rust front-end: classifies the identifiers of a token tree
//! (macro bodies, attribute arguments, items syn keeps as raw tokens, and whole files syn
//! cannot parse or that nest too deeply for it) from the lexer's lexemes, with an explicit
//! stack instead of recursion.

use std::collections::HashMap;

use super::captures::is_format_macro_name;
use super::lexer::LexKind;
use super::shapes::{
    Ctx, Index, mark_generics, pattern_kind, pattern_roles, starts_entry, turbofish_call,
};
use super::tokens::{Node, Tokens};
use super::{Collector, KEYWORDS, RESERVED, SPECIAL, Tok};
use crate::lang::{FnKind, OccKind};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum TokMode {
    /// Attribute arguments: every identifier is a reference.
    Attr,
    /// Macro bodies: calls and simple declarations are recognised; no function table.
    Macro,
    /// Code syn did not model: like `Macro`, plus functions, impl receivers and test items.
    Fallback,
}

/// Where a token walk starts: its nodes and their context.
pub(super) struct Frame {
    pub(super) nodes: Vec<Node>,
    pub(super) mode: TokMode,
    pub(super) func: Option<usize>,
    pub(super) test: bool,
    /// Self type of the impl or trait the nodes are members of.
    pub(super) receiver: Option<String>,
    /// What the nodes are (code, a parameter list, a pattern, fields, ..).
    pub(super) ctx: Ctx,
}

impl Frame {
    pub(super) fn new(
        nodes: Vec<Node>,
        mode: TokMode,
        func: Option<usize>,
        test: bool,
        receiver: Option<String>,
    ) -> Self {
        Frame {
            nodes,
            mode,
            func,
            test,
            receiver,
            ctx: Ctx::Code,
        }
    }
}

/// The occurrence of identifier lexeme `i`; `None` for keywords (`self`, `Self`, `crate`,
/// `super`, `_`, and with `all_keywords` every keyword).
pub(super) fn lex_tok(t: &Tokens, i: Node, all_keywords: bool) -> Option<Tok> {
    if t.kind(i) != LexKind::Ident {
        return None;
    }
    let text = t.text(i);
    let (name, skip) = match text.strip_prefix("r#") {
        Some(name) => (name, 2),
        None => {
            let kw = SPECIAL.contains(&text)
                || (all_keywords && (KEYWORDS.contains(&text) || RESERVED.contains(&text)));
            if kw {
                return None;
            }
            (text, 0)
        }
    };
    let l = &t.lx[i];
    Some(Tok {
        name: name.to_string(),
        span: t.span(l.start + skip, l.end),
        offset: l.start + skip,
    })
}

fn unraw(s: &str) -> &str {
    s.strip_prefix("r#").unwrap_or(s)
}

/// What the shape pre-pass says of one identifier node.
#[derive(Clone, Copy)]
struct Shape {
    /// The node is part of a pattern.
    pattern: bool,
    /// The node declares a generic parameter.
    decl: Option<OccKind>,
    /// `name::<..>(..)`.
    turbofish_call: bool,
}

/// Context override of one group of a frame: (func, test, receiver, mode, ctx).
type GroupCtx = (Option<usize>, bool, Option<String>, TokMode, Ctx);

impl Collector<'_> {
    /// Classifies the identifiers of `start` and everything below it. Iterative, so deep
    /// nesting cannot exhaust the stack.
    pub(super) fn walk(&mut self, t: &Tokens, start: Frame) {
        let mut stack = vec![start];
        while let Some(frame) = stack.pop() {
            self.walk_frame(t, frame, &mut stack);
        }
    }

    fn walk_frame(&mut self, t: &Tokens, frame: Frame, stack: &mut Vec<Frame>) {
        let toks = &frame.nodes[..];
        let fallback = frame.mode == TokMode::Fallback;
        let mut group_ctx: HashMap<usize, GroupCtx> = HashMap::new();
        let mut sig: Option<(usize, usize)> = None; // (function, last index of its signature)
        let mut test_until: Option<usize> = None;
        let mut param_lists: Vec<usize> = Vec::new();
        let ix = Index::new(t, toks);
        let roles = if frame.mode == TokMode::Attr {
            vec![false; toks.len()]
        } else {
            pattern_roles(t, toks, frame.ctx, &ix)
        };
        // generic parameters declared in this group: node index -> kind
        let mut decl: HashMap<usize, OccKind> = HashMap::new();
        for (k, &node) in toks.iter().enumerate() {
            let func = match sig {
                Some((f, until)) if k <= until => Some(f),
                _ => frame.func,
            };
            let test = frame.test || test_until.is_some_and(|u| k <= u);
            match t.kind(node) {
                LexKind::Open => {
                    let child_mode = if frame.mode != TokMode::Attr
                        && (is_punct(t, toks, k.wrapping_sub(1), b'#')
                            || is_punct(t, toks, k.wrapping_sub(1), b'!')
                                && is_punct(t, toks, k.wrapping_sub(2), b'#'))
                        && t.delim(node) == b'['
                    {
                        TokMode::Attr
                    } else if fallback
                        && (is_punct(t, toks, k.wrapping_sub(1), b'!')
                            && ident_at(t, toks, k.wrapping_sub(2)).is_some()
                            || ident_at(t, toks, k.wrapping_sub(3)) == Some("macro_rules")
                                && is_punct(t, toks, k.wrapping_sub(2), b'!'))
                    {
                        TokMode::Macro
                    } else {
                        frame.mode
                    };
                    if frame.mode != TokMode::Attr
                        && is_punct(t, toks, k.wrapping_sub(1), b'!')
                        && ident_at(t, toks, k.wrapping_sub(2)).is_some_and(is_format_macro_name)
                    {
                        self.record_format_nodes(t, &t.children(node), func, test);
                    }
                    let matches_args = is_punct(t, toks, k.wrapping_sub(1), b'!')
                        && matches!(
                            ident_at(t, toks, k.wrapping_sub(2)),
                            Some("matches" | "assert_matches" | "debug_assert_matches")
                        );
                    let child_ctx = if matches_args {
                        Ctx::MatchesArgs
                    } else if param_lists.contains(&k) {
                        Ctx::Params
                    } else if roles[k] {
                        if t.delim(node) == b'{' {
                            Ctx::StructPattern
                        } else {
                            Ctx::Pattern
                        }
                    } else if frame.ctx == Ctx::Variants && t.delim(node) == b'{' {
                        Ctx::Fields
                    } else {
                        Ctx::Code
                    };
                    // a group among members that is no function body (a constant's block)
                    // has no receiver: functions declared there are free functions
                    let receiver = match frame.ctx {
                        Ctx::Members => None,
                        _ => frame.receiver.clone(),
                    };
                    let (func, test, receiver, mode, ctx) = group_ctx
                        .remove(&k)
                        .unwrap_or((func, test, receiver, child_mode, child_ctx));
                    stack.push(Frame {
                        nodes: t.children(node),
                        mode,
                        func,
                        test,
                        receiver,
                        ctx,
                    });
                }
                LexKind::Punct if fallback && t.delim(node) == b'#' => {
                    // `#[test]`, `#[tokio::test]`, `#[cfg(test)]` on the next item
                    let inner = is_punct(t, toks, k + 1, b'!');
                    let g = if inner { k + 2 } else { k + 1 };
                    if let Some(&g_node) = toks.get(g)
                        && t.is_group(g_node)
                        && t.delim(g_node) == b'['
                        && !test
                        && attr_is_test(t, &t.children(g_node))
                    {
                        // an inner `#![cfg(test)]` covers the rest of its scope
                        let end = if inner {
                            toks.len() - 1
                        } else {
                            item_end(t, toks, g + 1)
                        };
                        test_until = Some(end);
                        let last = toks.get(end).copied().unwrap_or(g_node);
                        self.test_ranges.push((t.lx[node].start, t.end_of(last)));
                    }
                }
                LexKind::Ident => {
                    let word = t.text(node);
                    if frame.mode != TokMode::Attr {
                        match word {
                            "impl" => mark_generics(t, toks, k + 1, &mut decl),
                            "struct" | "union" | "enum" | "trait" | "type" | "fn"
                                if ident_at(t, toks, k + 1).is_some() =>
                            {
                                mark_generics(t, toks, k + 2, &mut decl);
                                let body_ctx = match word {
                                    "struct" | "union" => Some(Ctx::Fields),
                                    "enum" => Some(Ctx::Variants),
                                    _ => None,
                                };
                                if let Some(ctx) = body_ctx
                                    && let Some(body) = next_brace(t, toks, k + 2)
                                {
                                    group_ctx.insert(
                                        body,
                                        (func, test, frame.receiver.clone(), frame.mode, ctx),
                                    );
                                }
                            }
                            "match" => {
                                if let Some(body) = ix.brace_after(k) {
                                    group_ctx.insert(
                                        body,
                                        (func, test, frame.receiver.clone(), frame.mode, Ctx::Arms),
                                    );
                                }
                            }
                            _ => {}
                        }
                    }
                    if fallback && (word == "impl" || word == "trait") {
                        if let Some(body) = next_brace(t, toks, k + 1) {
                            let recv = if word == "impl" {
                                impl_receiver(t, &toks[k + 1..body])
                            } else {
                                ident_at(t, toks, k + 1).map(|s| unraw(s).to_string())
                            };
                            // `-> impl Trait {` is a return type, its brace a function body
                            group_ctx.entry(body).or_insert((
                                func,
                                test,
                                recv,
                                TokMode::Fallback,
                                Ctx::Members,
                            ));
                        }
                        continue;
                    }
                    if fallback
                        && word == "fn"
                        && let Some(&name) = toks.get(k + 1)
                        && let Some(name_tok) = lex_tok(t, name, true)
                    {
                        let end = item_end(t, toks, k + 2);
                        let first = modifiers_start(t, toks, k);
                        let last = toks.get(end).copied().unwrap_or(name);
                        let kind = if frame.receiver.is_some() || frame.ctx == Ctx::Members {
                            FnKind::Method
                        } else {
                            FnKind::Func
                        };
                        let span = t.span(t.lx[toks[first]].start, t.end_of(last));
                        let idx = self.open_function_tok(
                            &name_tok,
                            kind,
                            frame.receiver.clone(),
                            span,
                            func,
                            test,
                        );
                        sig = Some((idx, end));
                        // the parameter list: the first `(..)` after the name and generics
                        let after_generics = match ix.angle_close(k + 2) {
                            Some(close) => close + 1,
                            None => k + 2,
                        };
                        if let Some(p) = (after_generics..end)
                            .find(|&j| t.is_group(toks[j]) && t.delim(toks[j]) == b'(')
                        {
                            param_lists.push(p);
                        }
                        if toks
                            .get(end)
                            .is_some_and(|&e| t.is_group(e) && t.delim(e) == b'{')
                        {
                            group_ctx
                                .insert(end, (Some(idx), test, None, TokMode::Fallback, Ctx::Code));
                        }
                        continue;
                    }
                    let shape = Shape {
                        pattern: roles[k],
                        decl: decl.get(&k).copied(),
                        turbofish_call: turbofish_call(t, toks, k, &ix),
                    };
                    self.classify_token(t, toks, k, &frame, func, test, shape);
                }
                _ => {}
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn classify_token(
        &mut self,
        t: &Tokens,
        toks: &[Node],
        k: usize,
        frame: &Frame,
        func: Option<usize>,
        test: bool,
        shape: Shape,
    ) {
        let Some(tk) = lex_tok(t, toks[k], true) else {
            return;
        };
        // contextual keywords: `union U`, `default fn`, `auto trait`
        let next_word = ident_at(t, toks, k + 1);
        match (tk.name.as_str(), next_word) {
            ("union", Some(_)) if t.text(toks[k]) == "union" => return,
            ("default", Some("fn" | "async" | "unsafe" | "const" | "type" | "impl")) => return,
            ("auto", Some("trait")) => return,
            _ => {}
        }
        if frame.mode != TokMode::Attr && is_punct(t, toks, k.wrapping_sub(1), b'$') {
            return; // macro_rules metavariable
        }
        if is_punct(t, toks, k.wrapping_sub(1), b':')
            && ident_at(t, toks, k.wrapping_sub(2)).is_some()
            && is_punct(t, toks, k.wrapping_sub(3), b'$')
        {
            return; // fragment specifier of `$name:expr`
        }
        let word_at = |i: usize| ident_at(t, toks, i);
        let prev = word_at(k.wrapping_sub(1));
        let next_group = toks.get(k + 1).filter(|&&n| t.is_group(n));
        let next_paren = next_group.is_some_and(|&n| t.delim(n) == b'(');
        let binding_ok = !tk.name.starts_with(|c: char| c.is_uppercase())
            && next_group.is_none()
            && !is_path_sep(t, toks, k + 2);
        let entry = || {
            let mut j = k;
            while j + 8 > k && matches!(word_at(j.wrapping_sub(1)), Some("ref" | "mut")) {
                j -= 1;
            }
            starts_entry(t, toks, j)
        };
        let colon_next = is_punct(t, toks, k + 1, b':') && !is_path_sep(t, toks, k + 2);
        let kind = if frame.mode == TokMode::Attr {
            OccKind::Reference
        } else if let Some(kind) = shape.decl {
            kind
        } else if frame.ctx == Ctx::Fields && colon_next && entry() {
            OccKind::Field
        } else if frame.ctx == Ctx::Variants && entry() {
            OccKind::Variant
        } else if frame.ctx == Ctx::StructPattern
            && entry()
            && (colon_next || k + 1 == toks.len() || is_punct(t, toks, k + 1, b','))
        {
            OccKind::Reference // a field name: `{ skip_reason, .. }`, `{ a: pat }`
        } else if shape.pattern
            && !matches!(
                prev,
                Some("fn" | "struct" | "enum" | "trait" | "type" | "union" | "const" | "static")
            )
        {
            pattern_kind(t, toks, k, &tk.name)
        } else {
            match prev {
                Some("fn")
                    if (frame.receiver.is_some() || frame.ctx == Ctx::Members)
                        && frame.mode == TokMode::Fallback =>
                {
                    OccKind::Method
                }
                Some("fn") => OccKind::Func,
                Some("struct" | "enum" | "trait" | "type" | "union") => OccKind::Type,
                Some("const") if !is_punct(t, toks, k.wrapping_sub(2), b'*') => OccKind::Const,
                Some("static") => OccKind::Var,
                Some("let") if binding_ok => OccKind::Var,
                // `static ref NAME` (lazy_static!), `static mut NAME`
                Some("mut" | "ref") if word_at(k.wrapping_sub(2)) == Some("static") => OccKind::Var,
                Some("mut" | "ref")
                    if binding_ok
                        && matches!(
                            word_at(k.wrapping_sub(2)),
                            Some("let" | "static" | "mut" | "ref")
                        ) =>
                {
                    OccKind::Var
                }
                // `Fn(A) -> B` bounds are types, not calls
                _ if matches!(tk.name.as_str(), "Fn" | "FnMut" | "FnOnce") => OccKind::Reference,
                _ if next_paren || shape.turbofish_call => OccKind::Call,
                _ => OccKind::Reference,
            }
        };
        if self.push_occ(&tk, kind, func, test) && kind == OccKind::Call {
            let method = k > 0 && is_punct(t, toks, k - 1, b'.');
            self.push_call(func, &tk, token_qualifier(t, toks, k), false, method);
        }
    }
}

pub(super) fn is_punct(t: &Tokens, toks: &[Node], i: usize, c: u8) -> bool {
    toks.get(i)
        .is_some_and(|&n| t.kind(n) == LexKind::Punct && t.delim(n) == c)
}

/// The text of identifier node `i` (raw identifiers with their `r#`).
pub(super) fn ident_at<'a>(t: &Tokens<'a>, toks: &[Node], i: usize) -> Option<&'a str> {
    toks.get(i)
        .filter(|&&n| t.kind(n) == LexKind::Ident)
        .map(|&n| t.text(n))
}

/// `::` ending at index `i` (its second colon).
pub(super) fn is_path_sep(t: &Tokens, toks: &[Node], i: usize) -> bool {
    is_punct(t, toks, i, b':')
        && is_punct(t, toks, i.wrapping_sub(1), b':')
        && t.lx[toks[i - 1]].end == t.lx[toks[i]].start
}

/// Qualifier of a token-level call at `k`: `a::b` in `a::b::f(..)`, `x.y` in `x.y.f(..)`.
fn token_qualifier(t: &Tokens, toks: &[Node], k: usize) -> Option<String> {
    let ident = |i: usize| ident_at(t, toks, i).map(|s| unraw(s).to_string());
    let mut parts = Vec::new();
    if k >= 3 && is_path_sep(t, toks, k - 1) {
        let mut j = k - 1; // second colon of the separator before the current segment
        while j >= 2 {
            let Some(seg) = ident(j - 2) else { break };
            parts.push(seg);
            if j >= 4 && is_path_sep(t, toks, j - 3) {
                j -= 3;
            } else {
                break;
            }
        }
        parts.reverse();
        return (!parts.is_empty()).then(|| parts.join("::"));
    }
    if k >= 1 && is_punct(t, toks, k - 1, b'.') && !is_punct(t, toks, k.wrapping_sub(2), b'.') {
        let mut j = k - 1; // the dot
        while j >= 1 {
            match ident(j - 1) {
                Some(seg) => parts.push(seg),
                None => {
                    parts.push("<expr>".into());
                    break;
                }
            }
            if j >= 2 && is_punct(t, toks, j - 2, b'.') {
                j -= 2;
            } else {
                break;
            }
        }
        parts.reverse();
        return Some(parts.join("."));
    }
    None
}

/// Index of the node that ends the item starting after `from`: its `{..}` body or `;`.
pub(super) fn item_end(t: &Tokens, toks: &[Node], from: usize) -> usize {
    let mut j = from;
    while j < toks.len() {
        let n = toks[j];
        if (t.is_group(n) && t.delim(n) == b'{') || is_punct(t, toks, j, b';') {
            return j;
        }
        j += 1;
    }
    toks.len().saturating_sub(1)
}

fn next_brace(t: &Tokens, toks: &[Node], from: usize) -> Option<usize> {
    let j = item_end(t, toks, from);
    toks.get(j)
        .is_some_and(|&n| t.is_group(n) && t.delim(n) == b'{')
        .then_some(j)
}

/// First node of `pub(crate) const async unsafe extern "C" fn`, given the index of `fn`.
pub(super) fn modifiers_start(t: &Tokens, toks: &[Node], fn_at: usize) -> usize {
    let mut first = fn_at;
    while first > 0 {
        let n = toks[first - 1];
        let ok = match t.kind(n) {
            LexKind::Ident => matches!(
                t.text(n),
                "pub" | "const" | "async" | "unsafe" | "extern" | "default" | "safe"
            ),
            LexKind::Text(_) => ident_at(t, toks, first.wrapping_sub(2)) == Some("extern"),
            LexKind::Open => {
                t.delim(n) == b'(' && ident_at(t, toks, first.wrapping_sub(2)) == Some("pub")
            }
            _ => false,
        };
        if !ok {
            break;
        }
        first -= 1;
    }
    first
}

/// Self type of `impl<..> Trait<..> for a::Type<..> where ..` from the nodes after `impl`.
fn impl_receiver(t: &Tokens, toks: &[Node]) -> Option<String> {
    let mut angle = 0i32;
    let mut last: Option<String> = None;
    for (i, &n) in toks.iter().enumerate() {
        match t.kind(n) {
            LexKind::Punct if t.delim(n) == b'<' => angle += 1,
            // `->` inside `Fn(..) -> T` bounds is not a closing angle
            LexKind::Punct if t.delim(n) == b'>' && !is_punct(t, toks, i.wrapping_sub(1), b'-') => {
                angle -= 1
            }
            LexKind::Ident if angle == 0 => match t.text(n) {
                "for" => last = None,
                "where" => break,
                // a function pointer type names no type
                "fn" => return None,
                "dyn" | "mut" | "const" | "unsafe" | "extern" => {}
                s => last = Some(unraw(s).to_string()),
            },
            // `dyn Error + Send`: the first bound names the type
            LexKind::Punct if angle == 0 && t.delim(n) == b'+' && last.is_some() => break,
            _ => {}
        }
    }
    last
}

/// Whether the nodes inside `#[..]` mark test code.
fn attr_is_test(t: &Tokens, toks: &[Node]) -> bool {
    let n = toks.len();
    let ident = |i: usize| ident_at(t, toks, i);
    let paren = |i: usize| {
        toks.get(i)
            .is_some_and(|&g| t.is_group(g) && t.delim(g) == b'(')
    };
    if n == 2 && ident(0) == Some("cfg") && paren(1) {
        return cfg_is_test(t, &t.children(toks[1]), 0);
    }
    if n >= 1 && ident(n - 1) == Some("test") {
        return n == 1 || is_path_sep(t, toks, n - 2);
    }
    if n >= 2 && ident(n - 2) == Some("test") && paren(n - 1) {
        return n == 2 || is_path_sep(t, toks, n - 3);
    }
    false
}

/// Nesting of `all(any(..))` past which a `cfg` predicate is not read (and not test).
const MAX_CFG_DEPTH: usize = 32;

/// Whether a `cfg(..)` predicate holds only in test builds: `test`, `all(.., test, ..)`, or
/// `any(..)` whose every branch does.
fn cfg_is_test(t: &Tokens, toks: &[Node], depth: usize) -> bool {
    if depth > MAX_CFG_DEPTH {
        return false;
    }
    match toks {
        [i] => t.kind(*i) == LexKind::Ident && t.text(*i) == "test",
        [i, g] if t.kind(*i) == LexKind::Ident && t.is_group(*g) && t.delim(*g) == b'(' => {
            let inner = t.children(*g);
            let preds: Vec<&[Node]> = inner
                .split(|&n| t.kind(n) == LexKind::Punct && t.delim(n) == b',')
                .filter(|p| !p.is_empty())
                .collect();
            match t.text(*i) {
                "all" => preds.iter().any(|p| cfg_is_test(t, p, depth + 1)),
                "any" => !preds.is_empty() && preds.iter().all(|p| cfg_is_test(t, p, depth + 1)),
                _ => false,
            }
        }
        _ => false,
    }
}

/// [`cfg_is_test`] of the arguments of a `cfg(..)` attribute given as source text.
pub(super) fn cfg_text_is_test(args: &str) -> bool {
    let t = Tokens::new(args);
    cfg_is_test(&t, &t.top(), 0)
}
