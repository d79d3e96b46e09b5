//! Format-string captures of the Rust front-end: the variables a format string names inline
//! (`"{name}"`, `"{x:>width$}"`) are references at their exact place inside the literal.

use std::collections::HashSet;

use super::{Collector, SPECIAL};
use crate::lang::{OccKind, Occurrence, is_word_char};
use crate::span::Span;

/// Macros whose string arguments are format strings that can capture variables inline.
pub(super) fn is_format_macro(path: &syn::Path) -> bool {
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

impl Collector<'_> {
    /// The variables a format string captures inline (`"{name}"`, `"{name:>8}"`) are
    /// references, at their exact place inside the literal.
    pub(super) fn record_format_args(&mut self, lit: &syn::LitStr, named: &HashSet<String>) {
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
}
