//! The primitives the policy reader is built from: a [`Reader`] over one file's spanned TOML
//! tree that turns each value into the type a key expects (string, list, table, glob set,
//! regex, occurrence kinds) or records one [`PolicyError`] at the value's position.

use globset::{GlobBuilder, GlobSetBuilder};
use regex::Regex;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Errors, PolicyError};
use crate::lang::KindSet;
use crate::policy::{Globs, Kind, Origin};
use crate::span::LineIndex;

pub(super) fn get<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
    t.iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

pub(super) fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

pub(super) struct Reader<'a> {
    pub(super) file: &'a str,
    src: &'a str,
    idx: LineIndex,
    pub(super) errors: Errors,
}

impl<'a> Reader<'a> {
    pub(super) fn new(src: &'a str, file: &'a str) -> Self {
        Reader {
            file,
            src,
            idx: LineIndex::new(src),
            errors: Vec::new(),
        }
    }

    pub(super) fn origin(&self, span: Range<usize>) -> Origin {
        let (line, column) = self.idx.position(self.src, span.start);
        Origin {
            file: self.file.to_string(),
            line,
            column,
        }
    }

    pub(super) fn err(
        &mut self,
        span: Range<usize>,
        rule: Option<&str>,
        key: Option<&str>,
        message: String,
    ) {
        let o = self.origin(span);
        self.errors.push(PolicyError {
            file: o.file,
            line: o.line,
            column: o.column,
            rule: rule.map(str::to_string),
            key: key.map(str::to_string),
            message,
        });
    }

    /// Reports every key of `t` not in `allowed`. In a rule of `kind`, a key that belongs to
    /// another kind is reported as not applying to this one.
    pub(super) fn check_keys(
        &mut self,
        t: &DeTable,
        allowed: &[&str],
        rule: Option<&str>,
        kind: Option<Kind>,
        ctx: &str,
    ) {
        for (k, _) in t.iter() {
            let key = k.get_ref().as_ref();
            if allowed.contains(&key) {
                continue;
            }
            let msg = match kind {
                Some(kind)
                    if Kind::ALL
                        .iter()
                        .any(|&other| other != kind && other.keys().contains(&key)) =>
                {
                    format!("does not apply to rules of kind `{kind}`")
                }
                _ => format!(
                    "unknown key in {ctx} (expected one of: {})",
                    allowed.join(", ")
                ),
            };
            self.err(k.span(), rule, Some(key), msg);
        }
    }

    pub(super) fn table<'v, 'i>(
        &mut self,
        v: &'v Spanned<DeValue<'i>>,
        key: &str,
        rule: Option<&str>,
    ) -> Option<&'v DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.err(
                    v.span(),
                    rule,
                    Some(key),
                    format!("expected a table, found {}", type_name(other)),
                );
                None
            }
        }
    }

    pub(super) fn array_of_tables<'v, 'i>(
        &mut self,
        v: &'v Spanned<DeValue<'i>>,
        key: &str,
    ) -> Vec<&'v Spanned<DeValue<'i>>> {
        match v.get_ref() {
            DeValue::Array(a) => a.iter().collect(),
            other => {
                self.err(
                    v.span(),
                    None,
                    Some(key),
                    format!(
                        "expected an array of tables (`[[{key}]]`), found {}",
                        type_name(other)
                    ),
                );
                Vec::new()
            }
        }
    }

    pub(super) fn string(
        &mut self,
        v: &Spanned<DeValue>,
        key: &str,
        rule: Option<&str>,
    ) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.err(
                    v.span(),
                    rule,
                    Some(key),
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    pub(super) fn string_list(
        &mut self,
        v: &Spanned<DeValue>,
        key: &str,
        rule: Option<&str>,
    ) -> Option<Vec<(String, Range<usize>)>> {
        match v.get_ref() {
            DeValue::String(s) => Some(vec![(s.to_string(), v.span())]),
            DeValue::Array(a) => {
                let mut out = Vec::new();
                for item in a.iter() {
                    if let Some(s) = self.string(item, key, rule) {
                        out.push((s, item.span()));
                    }
                }
                Some(out)
            }
            other => {
                self.err(
                    v.span(),
                    rule,
                    Some(key),
                    format!("expected a list of strings, found {}", type_name(other)),
                );
                None
            }
        }
    }

    pub(super) fn globs(
        &mut self,
        v: &Spanned<DeValue>,
        key: &str,
        rule: Option<&str>,
    ) -> Option<Globs> {
        let list = self.string_list(v, key, rule)?;
        match compile_globs(list.iter().map(|(p, _)| p.as_str())) {
            Ok(g) => Some(g),
            Err(bad) => {
                for (i, e) in bad {
                    match i.map(|i| &list[i]) {
                        Some((p, span)) => {
                            let msg = format!("invalid glob `{p}`: {e}");
                            self.err(span.clone(), rule, Some(key), msg);
                        }
                        None => self.err(v.span(), rule, Some(key), format!("invalid globs: {e}")),
                    }
                }
                None
            }
        }
    }

    /// Compiles a regex, or reports it under `key` and `rule`. With `lines` (`forbid-pattern`,
    /// `[[evidence]]`, applied line by line) `^` and `$` are line bounds, also before a
    /// `\r\n`, so testing the whole text first finds what the lines do.
    pub(super) fn regex(
        &mut self,
        s: &str,
        span: Range<usize>,
        key: &str,
        rule: Option<&str>,
        lines: bool,
    ) -> Option<Regex> {
        match regex::RegexBuilder::new(s)
            .multi_line(lines)
            .crlf(lines)
            .build()
        {
            Ok(r) => Some(r),
            Err(e) => {
                let msg = e.to_string().replace('\n', "\n    ");
                self.err(
                    span,
                    rule,
                    Some(key),
                    format!("invalid regex `{s}`:\n    {msg}"),
                );
                None
            }
        }
    }

    pub(super) fn kinds(&mut self, t: &DeTable, rule: Option<&str>, default: &str) -> KindSet {
        let Some(v) = get(t, "in") else {
            return KindSet::from_name(default).unwrap_or_default();
        };
        let mut set = KindSet::default();
        let before = self.errors.len();
        for (name, span) in self.string_list(v, "in", rule).unwrap_or_default() {
            match KindSet::from_name(&name) {
                Some(k) => set = set.union(k),
                None => self.err(
                    span,
                    rule,
                    Some("in"),
                    format!(
                        "unknown occurrence kind `{name}` (expected a kind: func, method, type, field, variant, const, var, call, reference, comment, string; or a group: declaration, use, code, text, any)"
                    ),
                ),
            }
        }
        // an empty list, not one whose entries were all wrong (those are reported already)
        if set.is_empty() && self.errors.len() == before {
            self.err(
                v.span(),
                rule,
                Some("in"),
                "the list of occurrence kinds is empty".into(),
            );
        }
        set
    }
}

pub fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_alphabetic() || f == '_')
        && c.all(|ch| ch.is_alphanumeric() || ch == '_')
}

/// Compiles a scope glob: `*` stays inside one path component, `**` crosses them, and a
/// pattern without `/` matches the file name in any directory (as in `.gitignore`).
fn build_glob(p: &str) -> Result<globset::Glob, globset::Error> {
    let pat = if p.contains('/') {
        p.trim_start_matches("./").to_string()
    } else {
        format!("**/{p}")
    };
    GlobBuilder::new(&pat).literal_separator(true).build()
}

/// Compiles a list of scope globs into one set, keeping the patterns for display; on failure,
/// every invalid pattern's index with its error (no index: the set as a whole failed).
pub fn compile_globs<'p>(
    patterns: impl IntoIterator<Item = &'p str>,
) -> Result<Globs, Vec<(Option<usize>, globset::Error)>> {
    let mut b = GlobSetBuilder::new();
    let mut kept = Vec::new();
    let mut bad = Vec::new();
    for (i, p) in patterns.into_iter().enumerate() {
        match build_glob(p) {
            Ok(g) => {
                b.add(g);
            }
            Err(e) => bad.push((Some(i), e)),
        }
        kept.push(p.to_string());
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    match b.build() {
        Ok(set) => Ok(Globs {
            patterns: kept,
            set,
            base: String::new(),
        }),
        Err(e) => Err(vec![(None, e)]),
    }
}
