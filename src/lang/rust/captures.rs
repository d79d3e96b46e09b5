//! Format-string captures of the Rust front-end: the variables a format string names inline
//! (`"{name}"`, `"{x:>width$}"`) are references at their exact place inside the literal.

use std::collections::HashSet;

use super::fallback::{ident_at, is_punct};
use super::lexer::LexKind;
use super::tokens::{Node, Tokens};
use super::{Collector, SPECIAL};
use crate::lang::{OccKind, Occurrence, TextKind, is_word_char};
use crate::span::Span;

/// The format-like macros: their string arguments are format strings, whose inline
/// `{name}` (and `width$`) captures are variables. Matched on the last path segment, so
/// `std::println!`, `quote::format_ident!`, `anyhow::bail!`, `tracing::info!` and
/// `log::warn!` all count. The README lists the same set.
pub(super) const FORMAT_MACROS: &[&str] = &[
    // std and core
    "format",
    "format_args",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "unreachable",
    "todo",
    "unimplemented",
    // quote
    "format_ident",
    // anyhow (eyre alike)
    "anyhow",
    "bail",
    "ensure",
    "eyre",
    // tracing and log
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "event",
    "log",
];

/// Whether a macro named `name` (its last path segment) is format-like.
pub(super) fn is_format_macro_name(name: &str) -> bool {
    FORMAT_MACROS.contains(&name)
}

/// Whether the macro at `path` is format-like ([`FORMAT_MACROS`]).
pub(super) fn is_format_macro(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| is_format_macro_name(&s.ident.to_string()))
}

impl Collector<'_> {
    /// The variables a format string captures inline (`"{name}"`, `"{name:>8}"`) are
    /// references, at their exact place inside the literal.
    pub(super) fn record_format_args(&mut self, lit: &syn::LitStr, named: &HashSet<String>) {
        let sp = lit.span();
        if sp.start().line == 0 {
            return;
        }
        let raw = lit.token().to_string();
        let (line, column) = self.base.at(sp.start());
        let at = (self.base.byte(sp.byte_range().start), line, column);
        self.capture(&raw, at, named, self.cur_fn(), self.test);
    }

    /// [`Self::record_format_args`] for a format-like macro read at token level: every string
    /// literal among `nodes` (the macro's arguments) is a format string; `name = value`
    /// arguments name no variable.
    pub(super) fn record_format_nodes(
        &mut self,
        t: &Tokens,
        nodes: &[Node],
        func: Option<usize>,
        test: bool,
    ) {
        let named: HashSet<String> = (0..nodes.len())
            .filter(|&i| {
                is_punct(t, nodes, i + 1, b'=')
                    && !is_punct(t, nodes, i + 2, b'=')
                    && !is_punct(t, nodes, i + 2, b'>')
            })
            .filter_map(|i| ident_at(t, nodes, i))
            .map(|s| s.trim_start_matches("r#").to_string())
            .collect();
        for &n in nodes {
            let raw = t.text(n);
            if t.kind(n) != LexKind::Text(TextKind::String)
                || !(raw.starts_with('"') || raw.starts_with('r'))
            {
                continue;
            }
            let start = t.lx[n].start;
            let (line, col) = t.pos.position(t.src, start);
            self.capture(raw, (start, line, col - 1), &named, func, test);
        }
    }

    /// Captures of one literal whose source text is `raw`, starting at byte `at.0`, line
    /// `at.1`, 0-based column `at.2`.
    fn capture(
        &mut self,
        raw: &str,
        at: (usize, u32, u32),
        named: &HashSet<String>,
        func: Option<usize>,
        test: bool,
    ) {
        if self.silent {
            return;
        }
        let (base, start_line, start_col) = at;
        let chars: Vec<(usize, char)> = raw.char_indices().collect();
        // (line, 0-based column) of every char of the literal
        let mut line = start_line;
        let mut col = start_col;
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
            while end < close && is_word_char(chars[end].1) {
                end += 1;
            }
            if end > first && (end == close || chars[end].1 == ':') {
                spots.push((first, end));
            }
            // `width$` / `precision$` captures in the spec
            let mut j = end;
            while j < close {
                if is_word_char(chars[j].1) {
                    let s0 = j;
                    while j < close && is_word_char(chars[j].1) {
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
                if !SPECIAL.contains(&name.as_str()) && !named.contains(&name) && self.keeps(&name)
                {
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
                            function: func,
                            test,
                        },
                    ));
                }
            }
            k = close + 1;
        }
    }
}
