//! Token-level reading of the Rust front-end: classifies the identifiers of a token stream
//! (macro bodies, attribute arguments, and whole files syn cannot parse) with an explicit
//! stack instead of recursion.

use std::collections::HashMap;

use proc_macro2::{Delimiter, Ident, Spacing, Span as PmSpan, TokenStream, TokenTree};

use super::{Collector, tok, unraw};
use crate::lang::{FnKind, OccKind};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum TokMode {
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

impl Collector {
    /// Classifies the identifiers of a token stream (macro bodies, attribute arguments, or a
    /// whole file that syn rejected). Iterative, so deep nesting cannot exhaust the stack.
    pub(super) fn walk_tokens(
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
pub(super) fn cfg_is_test(toks: &[TokenTree]) -> bool {
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
