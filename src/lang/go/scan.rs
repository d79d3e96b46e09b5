//! Token-level readings of Go, without a syntax tree: the nesting measure that decides
//! whether a file is parsed, the top-level function scanner, and the lexical reading used for
//! files nested too deeply to parse.

use super::pos::Positions;
use crate::lang::golex::{Lexer, TokKind, Token};
use crate::lang::{FileFacts, FnKind, Function, OccKind, Occurrence, TextKind, TextRegion, Want};

/// Deepest nesting the front-end hands to the parser: Go's own parser refuses deeper input
/// (`exceeded max nesting depth`), and the syntax tree of such input costs hundreds of bytes
/// a level.
pub(super) const NESTING_BUDGET: usize = 100_000;

/// Keywords that start a statement or clause: an expression ends before them.
const STATEMENT_KEYWORDS: [&str; 19] = [
    "break",
    "case",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "go",
    "goto",
    "if",
    "import",
    "package",
    "range",
    "return",
    "select",
    "switch",
    "var",
];

/// The byte offset where the nesting of `src` first exceeds `budget`, if it does.
///
/// The level approximates the recursion depth of a Go parser: one per open bracket, plus one
/// per operator, selector, call, index, and type constructor (`*`, `[]`, `map`, `chan`,
/// `func`, `struct`, `interface`) in the expression running at each open bracket; statement
/// ends (`;`, a line end, `,`, `:`, assignments, statement keywords) end a run.
pub(super) fn nesting_over(src: &str, budget: usize) -> Option<usize> {
    // the run of each enclosing bracket, saved when it opened
    let mut saved: Vec<usize> = Vec::new();
    let mut saved_sum = 0usize;
    let mut run = 0usize;
    let mut prev: Option<Token> = None;
    for t in Lexer::new(src) {
        if t.kind.is_comment() {
            continue;
        }
        let text = &src[t.start..t.end];
        let postfix = prev.is_some_and(|p| ends_operand(src, p));
        match t.kind {
            TokKind::AutoSemi => run = 0,
            TokKind::Keyword if STATEMENT_KEYWORDS.contains(&text) => run = 0,
            TokKind::Keyword => {
                if matches!(text, "func" | "map" | "chan" | "struct" | "interface") {
                    run += 1;
                }
            }
            TokKind::Op => match text {
                "(" | "[" | "{" => {
                    if postfix && text != "{" {
                        run += 1;
                    }
                    saved.push(run);
                    saved_sum += run;
                    run = 0;
                }
                ")" | "]" | "}" => {
                    run = saved.pop().unwrap_or(0);
                    saved_sum -= run;
                    if text == "]" && prev.is_some_and(|p| &src[p.start..p.end] == "[") {
                        run += 1;
                    }
                }
                ";" | "," | ":" | "=" | ":=" | "..." => run = 0,
                op if op.len() >= 2
                    && op.ends_with('=')
                    && !matches!(op, "==" | "!=" | "<=" | ">=") =>
                {
                    run = 0
                }
                _ => run += 1,
            },
            _ => {}
        }
        if saved.len() + saved_sum + run > budget {
            return Some(t.start);
        }
        prev = Some(t);
    }
    None
}

/// Whether `t` can end an operand, so that a `(` or `[` after it is a call or an index.
fn ends_operand(src: &str, t: Token) -> bool {
    match t.kind {
        TokKind::Ident | TokKind::Number | TokKind::String | TokKind::RawString | TokKind::Rune => {
            true
        }
        TokKind::Op => matches!(&src[t.start..t.end], ")" | "]" | "}"),
        _ => false,
    }
}

/// Top-level functions and methods of `src` from its tokens: name, kind, receiver type, the
/// span from `func` to the closing brace of the body (or the end of the signature when there
/// is no body), and the name's span. No calls.
pub fn declarations(src: &str) -> Vec<Function> {
    let pos = Positions::new(src);
    let mut out = Vec::new();
    each_decl_at(src, true, |d, toks| {
        out.extend(function_of(src, d, toks, &pos))
    });
    out
}

/// A top-level function found by the scanner, with its byte range.
struct Scanned {
    function: Function,
    start: usize,
    end: usize,
    /// The receiver's variable (`r` in `func (r *R) f()`).
    receiver_var: Option<String>,
}

/// Reads `func [ (receiver) ] Name ...` starting at token `at`; returns the function and the
/// index of the token after it.
fn scan_function(
    src: &str,
    toks: &[Token],
    at: usize,
    pos: &Positions,
) -> Option<(Scanned, usize)> {
    let text = |i: usize| toks.get(i).map_or("", |t| &src[t.start..t.end]);
    let mut i = at + 1;
    let mut receiver = None;
    let mut receiver_var = None;
    let mut kind = FnKind::Func;
    if text(i) == "(" {
        // receiver: `(r *R[T])`, `(R)`, `(*R)`
        kind = FnKind::Method;
        let close = matching(src, toks, i)?;
        let inner: Vec<&Token> = toks[i + 1..close].iter().collect();
        // the type is the last identifier before any `[` at the receiver's own level
        let mut names = Vec::new();
        for t in inner {
            let s = &src[t.start..t.end];
            if s == "[" {
                break;
            }
            if t.kind == TokKind::Ident {
                names.push(s);
            }
        }
        if names.len() >= 2 {
            receiver_var = Some(names[0].to_string());
        }
        receiver = names.last().map(|n| n.to_string());
        i = close + 1;
    }
    let name_tok = *toks.get(i)?;
    if name_tok.kind != TokKind::Ident {
        return None;
    }
    i += 1;
    // the signature, up to the body's `{` or the end of the declaration
    let mut depth = 0usize;
    let mut last_end = name_tok.end;
    let mut prev = "";
    let end;
    loop {
        let Some(t) = toks.get(i) else {
            end = last_end;
            break;
        };
        let s = &src[t.start..t.end];
        match (t.kind, s) {
            (TokKind::Op, "(" | "[") => depth += 1,
            (TokKind::Op, ")" | "]") => depth = depth.saturating_sub(1),
            (TokKind::Op, "{") if depth == 0 && !matches!(prev, "struct" | "interface") => {
                let close = matching(src, toks, i);
                let (e, next) = match close {
                    Some(c) => (toks[c].end, c + 1),
                    None => (src.len(), toks.len()),
                };
                end = e;
                i = next;
                break;
            }
            (TokKind::Op, "{") => {
                // a struct or interface type in the signature
                let close = matching(src, toks, i).unwrap_or(toks.len() - 1);
                last_end = toks[close].end;
                prev = "}";
                i = close + 1;
                continue;
            }
            (TokKind::AutoSemi, _) | (TokKind::Op, ";") if depth == 0 => {
                end = last_end;
                break;
            }
            _ => {}
        }
        if t.kind != TokKind::AutoSemi {
            last_end = t.end;
        }
        prev = s;
        i += 1;
    }
    let function = Function {
        name: src[name_tok.start..name_tok.end].to_string(),
        kind,
        receiver,
        span: pos.span(toks[at].start, end),
        name_span: pos.span(name_tok.start, name_tok.end),
        calls: Vec::new(),
        test: false,
    };
    Some((
        Scanned {
            function,
            start: toks[at].start,
            end,
            receiver_var,
        },
        i,
    ))
}

/// Index of the bracket closing the one at `open`.
fn matching(src: &str, toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        if t.kind != TokKind::Op {
            continue;
        }
        match &src[t.start..t.end] {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// A top-level declaration as the tokens see it: from its keyword (`package`, `import`,
/// `const`, `var`, `type`, `func`) at bracket depth 0 at the start of a statement, to the last
/// token before the next one. Tokens before the first keyword form a chunk of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct TopDecl {
    pub(super) start: usize,
    pub(super) end: usize,
    /// Tokens in it, comments excluded: the measure of its syntax tree's size.
    pub(super) tokens: usize,
    /// It starts with `func`: a function or method declaration.
    pub(super) func: bool,
}

/// Calls `f` with each top-level declaration of `src`, in order, and its tokens (comments
/// dropped; the first [`super::DECL_TOKEN_BUDGET`] and one when there are more). One pass
/// over the file; only the current declaration's tokens are held.
pub(super) fn each_decl(src: &str, f: impl FnMut(&TopDecl, &[Token])) {
    each_decl_at(src, false, f)
}

/// [`each_decl`]; with `skip_blocks`, the inside of every `{ ... }` is skipped unread (its
/// braces stay), for readers that need only what lies outside blocks, and `tokens` counts
/// only the tokens read.
fn each_decl_at(src: &str, skip_blocks: bool, mut f: impl FnMut(&TopDecl, &[Token])) {
    let mut toks: Vec<Token> = Vec::new();
    let mut current: Option<TopDecl> = None;
    let mut depth = 0usize;
    let mut stmt_start = true;
    let mut lexer = Lexer::new(src);
    while let Some(t) = lexer.next() {
        if t.kind.is_comment() {
            continue;
        }
        let text = &src[t.start..t.end];
        let starts = depth == 0
            && stmt_start
            && t.kind == TokKind::Keyword
            && matches!(
                text,
                "func" | "type" | "var" | "const" | "import" | "package"
            );
        if starts || current.is_none() {
            if let Some(d) = current.take() {
                f(&d, &toks);
                toks.clear();
            }
            current = Some(TopDecl {
                start: t.start,
                end: t.end,
                tokens: 0,
                func: starts && text == "func",
            });
        }
        let d = current.as_mut().expect("a declaration is open");
        d.tokens += 1;
        if t.kind != TokKind::AutoSemi {
            d.end = t.end;
        }
        // past the parse budget a declaration is read by streaming its tokens again: only its
        // signature is needed from the list
        if toks.len() <= super::DECL_TOKEN_BUDGET {
            toks.push(t);
        }
        if t.kind == TokKind::Op {
            match text {
                "{" if skip_blocks => {
                    depth += 1;
                    lexer.skip_block();
                }
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        stmt_start = depth == 0 && (t.kind == TokKind::AutoSemi || text == ";");
    }
    if let Some(d) = current {
        f(&d, &toks);
    }
}

/// The function a top-level `func` declaration declares, from its tokens; `None` for any
/// other declaration or when its tokens do not read as one.
pub(super) fn function_of(
    src: &str,
    d: &TopDecl,
    toks: &[Token],
    pos: &Positions,
) -> Option<Function> {
    scan_decl(src, d, toks, pos).map(|s| s.function)
}

/// The function of a top-level `func` declaration from its tokens, which may be only the
/// first of them (a declaration over the budget): then it ends where the declaration does.
fn scan_decl(src: &str, d: &TopDecl, toks: &[Token], pos: &Positions) -> Option<Scanned> {
    if !d.func {
        return None;
    }
    let (mut s, _) = scan_function(src, toks, 0, pos)?;
    if toks.len() < d.tokens && s.end > d.end {
        s.end = d.end;
        s.function.span = pos.span(s.start, d.end);
    }
    Some(s)
}

/// Reads one top-level declaration token by token into `facts`: every identifier outside
/// comments and literals that `want` keeps is an occurrence (the declared name of a function
/// by its declaration, a name after `type`, `const` or `var` by that keyword, a name
/// followed by `(` a call, any other a reference); a function declaration adds its function,
/// with the calls its body makes as tokens show them (`f(`, `x.f(`).
pub(super) fn lexical_decl(
    src: &str,
    d: &TopDecl,
    toks: &[Token],
    pos: &Positions,
    want: &Want,
    facts: &mut FileFacts,
) {
    let scanned = scan_decl(src, d, toks, pos);
    let text = |t: Option<Token>| t.map_or("", |t| &src[t.start..t.end]);
    let fi = facts.functions.len();
    let mut calls = Vec::new();
    // the tokens again, streamed: the two before each name and the one after are all it needs
    let mut stream = Lexer::at(src, d.start)
        .take_while(|t| t.start < d.end)
        .filter(|t| !t.kind.is_comment())
        .peekable();
    let mut before: [Option<Token>; 2] = [None, None];
    while let Some(t) = stream.next() {
        let next = stream.peek().copied();
        let prev = before;
        before = [Some(t), prev[0]];
        let name = &src[t.start..t.end];
        if t.kind != TokKind::Ident || name == "_" {
            continue;
        }
        let inside = scanned
            .as_ref()
            .is_some_and(|s| s.start <= t.start && t.start < s.end);
        let span = pos.span(t.start, t.end);
        let own_name = inside
            && scanned
                .as_ref()
                .is_some_and(|s| s.function.name_span == span);
        let called = text(next) == "(";
        let kind = if own_name {
            scanned
                .as_ref()
                .map_or(OccKind::Func, |s| s.function.kind.occ())
        } else {
            match text(prev[0]) {
                "type" => OccKind::Type,
                "const" => OccKind::Const,
                "var" => OccKind::Var,
                _ if called => OccKind::Call,
                _ => OccKind::Reference,
            }
        };
        if inside && !own_name && called {
            let qualifier = (text(prev[0]) == ".").then(|| match prev[1] {
                Some(q) if q.kind == TokKind::Ident => {
                    let q = &src[q.start..q.end];
                    let own = scanned
                        .as_ref()
                        .and_then(|s| s.receiver_var.as_deref())
                        .is_some_and(|rv| rv == q);
                    if own { "self" } else { q }.to_string()
                }
                _ => "(expr)".to_string(),
            });
            calls.push(crate::lang::Call {
                callee: name.to_string(),
                span,
                method: qualifier.is_some(),
                qualifier,
                value: false,
            });
        }
        if want.keeps(name) {
            facts.occurrences.push(Occurrence {
                name: name.to_string(),
                kind,
                span,
                function: (inside && !own_name).then_some(fi),
                test: false,
            });
        }
    }
    if let Some(s) = scanned {
        let mut f = s.function;
        f.calls = calls;
        facts.functions.push(f);
    }
}

/// The facts of a file read token by token, declaration by declaration ([`lexical_decl`]),
/// with its comments and literals as text regions.
pub(super) fn lexical_facts(src: &str, want: &Want) -> FileFacts {
    let pos = Positions::new(src);
    let mut facts = FileFacts::default();
    for t in Lexer::new(src) {
        let kind = match t.kind {
            TokKind::LineComment | TokKind::BlockComment => TextKind::Comment,
            TokKind::String | TokKind::RawString | TokKind::Rune => TextKind::String,
            _ => continue,
        };
        facts.text.push(TextRegion {
            kind,
            start: t.start,
            end: t.end,
            test: false,
        });
    }
    each_decl(src, |d, toks| {
        if want.reads(d.start, d.end) {
            lexical_decl(src, d, toks, &pos, want, &mut facts);
        } else if let Some(f) = function_of(src, d, toks, &pos) {
            facts.functions.push(f);
        }
    });
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_levels() {
        let deep = |open: &str, close: &str, n: usize| {
            format!(
                "package p\nvar _ = {}x{}\n",
                open.repeat(n),
                close.repeat(n)
            )
        };
        assert_eq!(nesting_over(&deep("(", ")", 50), 60), None);
        assert!(nesting_over(&deep("(", ")", 50), 40).is_some());
        // a call costs two levels: the call and its bracket
        assert!(nesting_over(&deep("f(", ")", 25), 40).is_some());
        assert_eq!(nesting_over(&deep("!", "", 30), 40), None);
        assert!(nesting_over(&deep("!", "", 50), 40).is_some());
        let chain = format!("package p\nvar _ = x{}\n", ".F()".repeat(30));
        assert!(nesting_over(&chain, 40).is_some());
        assert!(nesting_over(&format!("package p\nvar _ {}int\n", "[]".repeat(50)), 40).is_some());
        // statements do not add up
        let flat = format!(
            "package p\nfunc f() {{\n{}}}\n",
            "\tx.F().G()\n".repeat(1000)
        );
        assert_eq!(nesting_over(&flat, 20), None);
        let list = format!("package p\nvar _ = []int{{{}}}\n", "1, ".repeat(1000));
        assert_eq!(nesting_over(&list, 20), None);
    }

    #[test]
    fn functions_from_tokens() {
        let src = "package p\n\n// doc\nfunc a() {\n\tb()\n}\n\nfunc (x *T[K]) b() (int, error) {\n\treturn 1, nil\n}\nfunc c() struct{ X int } { return struct{ X int }{} }\nfunc d() int\nvar e = func() {}\n";
        let got: Vec<(String, FnKind, Option<String>, u32, u32, u32)> = declarations(src)
            .into_iter()
            .map(|f| {
                (
                    f.name,
                    f.kind,
                    f.receiver,
                    f.span.line,
                    f.span.end_line,
                    f.name_span.column,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("a".into(), FnKind::Func, None, 4, 6, 6),
                ("b".into(), FnKind::Method, Some("T".into()), 8, 10, 16),
                ("c".into(), FnKind::Func, None, 11, 11, 6),
                ("d".into(), FnKind::Func, None, 12, 12, 6),
            ]
        );
    }

    #[test]
    fn lexical_reading() {
        let src = "package p\ntype T int\nfunc F() { g(x) /* h() */ }\nfunc (r R) M() {}\n";
        let f = lexical_facts(src, &Want::ALL);
        let occ: Vec<(&str, &str, Option<usize>)> = f
            .occurrences
            .iter()
            .map(|o| (o.name.as_str(), o.kind.as_str(), o.function))
            .collect();
        assert_eq!(
            occ,
            [
                ("p", "reference", None),
                ("T", "type", None),
                ("int", "reference", None),
                ("F", "func", None),
                ("g", "call", Some(0)),
                ("x", "reference", Some(0)),
                ("r", "reference", Some(1)),
                ("R", "reference", Some(1)),
                ("M", "method", None),
            ]
        );
        assert_eq!(f.text.len(), 1);
        assert_eq!(f.functions.len(), 2);
    }
}
