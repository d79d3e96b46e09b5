//! One policy file as a [`Layer`]: its `extends` are read first (each its own layer, with its
//! own file name in errors), then its `[policy]`, `[scope]`, `[[rule]]`, `[[evidence]]` and
//! `[handoff]`, and the file's layer is merged over its bases.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::DeTable;

use super::files::{self, ReadFailure};
use super::keys::{HANDOFF_KEYS, POLICY_KEYS, SCOPE_KEYS, TOP_KEYS};
use super::reader::{Reader, get};
use super::{Errors, default_scope};
use crate::policy::{BUILTINS, EvidenceRule, Handoff, Naming, Rule, Scope, TestMode};

/// One policy file's contribution before merging.
#[derive(Default)]
pub(super) struct Layer {
    pub(super) name: Option<String>,
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) naming: Option<Naming>,
    pub(super) pass_label: Option<String>,
    pub(super) fail_label: Option<String>,
    pub(super) scope: Option<Scope>,
    pub(super) rules: Vec<Rule>,
    pub(super) evidence: Vec<EvidenceRule>,
    pub(super) handoff: Option<Handoff>,
}

impl Layer {
    /// `self` over `base`: set values win, rules and evidence with the same id replace.
    fn over(self, mut base: Layer) -> Layer {
        for r in self.rules {
            match base.rules.iter_mut().find(|b| b.id == r.id) {
                Some(slot) => *slot = r,
                None => base.rules.push(r),
            }
        }
        for e in self.evidence {
            match base.evidence.iter_mut().find(|b| b.id == e.id) {
                Some(slot) => *slot = e,
                None => base.evidence.push(e),
            }
        }
        Layer {
            name: self.name.or(base.name),
            title: self.title.or(base.title),
            description: self.description.or(base.description),
            naming: self.naming.or(base.naming),
            pass_label: self.pass_label.or(base.pass_label),
            fail_label: self.fail_label.or(base.fail_label),
            scope: self.scope.or(base.scope),
            rules: base.rules,
            evidence: base.evidence,
            handoff: self.handoff.or(base.handoff),
        }
    }
}

/// A file on the `extends` chain being read: its identity (canonical path, or `builtin:NAME`)
/// and the name messages show for it.
pub(super) struct Visit {
    id: PathBuf,
    shown: String,
}

/// How many files an `extends` chain may nest (the top-level file included).
const MAX_EXTENDS_DEPTH: usize = 32;

/// Reads one policy source and, first, everything it extends. `id` identifies the source on
/// `stack` (the chain of files being read) so that a loop is reported once, where it closes.
pub(super) fn read_layer(
    src: &str,
    file: &str,
    dir: Option<&Path>,
    id: PathBuf,
    stack: &mut Vec<Visit>,
) -> Result<Layer, Errors> {
    stack.push(Visit {
        id,
        shown: file.to_string(),
    });
    let out = read_layer_on(src, file, dir, stack);
    stack.pop();
    out
}

fn read_layer_on(
    src: &str,
    file: &str,
    dir: Option<&Path>,
    stack: &mut Vec<Visit>,
) -> Result<Layer, Errors> {
    let mut r = Reader::new(src, file);
    let (doc, parse_errors) = DeTable::parse_recoverable(src);
    if !parse_errors.is_empty() {
        for e in parse_errors {
            let span = e.span().unwrap_or(0..0);
            r.err(
                span,
                None,
                None,
                format!("invalid TOML: {}", e.message().trim()),
            );
        }
        return Err(r.errors);
    }
    let doc = doc.into_inner();
    r.check_keys(&doc, TOP_KEYS, None, None, "top level");

    // extends first, so errors in a base are reported with its own file name
    let mut base = Layer::default();
    let mut base_errors = Vec::new();
    if let Some(v) = get(&doc, "extends") {
        for (name, span) in r.string_list(v, "extends", None).unwrap_or_default() {
            match r.extended(&name, span, dir, stack) {
                Some(Ok(layer)) => base = layer.over(base),
                Some(Err(es)) => base_errors.extend(es),
                None => {}
            }
        }
    }

    let mut layer = Layer::default();
    if let Some(v) = get(&doc, "policy")
        && let Some(t) = r.table(v, "policy", None)
    {
        r.policy_table(t, &mut layer);
    }
    if let Some(v) = get(&doc, "scope")
        && let Some(t) = r.table(v, "scope", None)
    {
        layer.scope = Some(r.scope_table(t));
    }

    let mut ids: HashSet<String> = HashSet::new();
    if let Some(v) = get(&doc, "rule") {
        for item in r.array_of_tables(v, "rule") {
            if let Some(rule) = r.rule(item, &mut ids) {
                layer.rules.push(rule);
            }
        }
    }
    let mut ev_ids: HashSet<String> = HashSet::new();
    if let Some(v) = get(&doc, "evidence") {
        for item in r.array_of_tables(v, "evidence") {
            if let Some(e) = r.evidence(item, &mut ev_ids) {
                layer.evidence.push(e);
            }
        }
    }
    if let Some(v) = get(&doc, "handoff")
        && let Some(t) = r.table(v, "handoff", None)
    {
        layer.handoff = Some(r.handoff_table(t));
    }
    let mut errors = base_errors;
    errors.extend(r.errors);
    if errors.is_empty() {
        Ok(layer.over(base))
    } else {
        Err(errors)
    }
}

impl Reader<'_> {
    /// One `extends` entry: a builtin pack or a file relative to `dir`. `None` when the entry
    /// itself is wrong (reported here); otherwise the base's layer or its own errors.
    fn extended(
        &mut self,
        name: &str,
        span: Range<usize>,
        dir: Option<&Path>,
        stack: &mut Vec<Visit>,
    ) -> Option<Result<Layer, Errors>> {
        // (identity, shown name, where the text comes from)
        let (id, shown, from) = match name.strip_prefix("builtin:") {
            Some(b) => match BUILTINS.iter().find(|(n, _)| *n == b) {
                Some((_, src)) => (PathBuf::from(name), name.to_string(), Ok(*src)),
                None => {
                    let available = BUILTINS
                        .iter()
                        .map(|(n, _)| format!("builtin:{n}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let msg = format!("no builtin policy named `{b}` (available: {available})");
                    self.err(span, None, Some("extends"), msg);
                    return None;
                }
            },
            None => {
                let path = dir.unwrap_or(Path::new(".")).join(name);
                (files::identity(&path), files::shown(&path), Err(path))
            }
        };
        if let Some(at) = stack.iter().position(|v| v.id == id) {
            let chain: Vec<&str> = stack[at..]
                .iter()
                .map(|v| v.shown.as_str())
                .chain([shown.as_str()])
                .collect();
            let msg = format!(
                "`extends` loops back to `{}`: {}",
                stack[at].shown,
                chain.join(" -> ")
            );
            self.err(span, None, Some("extends"), msg);
            return None;
        }
        if stack.len() >= MAX_EXTENDS_DEPTH {
            let msg =
                format!("`extends` nests more than {MAX_EXTENDS_DEPTH} files deep (at `{shown}`)");
            self.err(span, None, Some("extends"), msg);
            return None;
        }
        let path = match from {
            Ok(builtin) => return Some(read_layer(builtin, name, None, id, stack)),
            Err(path) => path,
        };
        match files::read_policy_text(&path, &shown) {
            Ok(text) => Some(read_layer(&text, &shown, path.parent(), id, stack)),
            Err(ReadFailure::NotUtf8(e)) => Some(Err(vec![e])),
            Err(ReadFailure::Unreadable(why)) => {
                self.err(
                    span,
                    None,
                    Some("extends"),
                    format!("cannot read `{shown}`: {why}"),
                );
                None
            }
        }
    }

    /// `[policy]`: name, title, description and naming mode.
    fn policy_table(&mut self, t: &DeTable, layer: &mut Layer) {
        self.check_keys(t, POLICY_KEYS, None, None, "[policy]");
        layer.name = get(t, "name").and_then(|v| self.string(v, "name", None));
        layer.title = get(t, "title").and_then(|v| self.string(v, "title", None));
        layer.description = get(t, "description").and_then(|v| self.string(v, "description", None));
        layer.pass_label = self.label(t, "pass-label");
        layer.fail_label = self.label(t, "fail-label");
        if let Some(v) = get(t, "naming")
            && let Some(s) = self.string(v, "naming", None)
        {
            layer.naming = match s.as_str() {
                "exact" => Some(Naming::Exact),
                "words" => Some(Naming::Words),
                other => {
                    self.err(
                        v.span(),
                        None,
                        Some("naming"),
                        format!("unknown naming `{other}` (expected \"exact\" or \"words\")"),
                    );
                    None
                }
            };
        }
    }

    /// `pass-label` / `fail-label`: a non-empty line of text.
    fn label(&mut self, t: &DeTable, key: &str) -> Option<String> {
        let v = get(t, key)?;
        let s = self.string(v, key, None)?;
        if s.trim().is_empty() || s.contains(['\n', '\r']) {
            self.err(
                v.span(),
                None,
                Some(key),
                "a verdict label is a non-empty single line".into(),
            );
            return None;
        }
        Some(s)
    }

    /// `[scope]`: an unset `include`/`exclude` keeps the default globs.
    fn scope_table(&mut self, t: &DeTable) -> Scope {
        self.check_keys(t, SCOPE_KEYS, None, None, "[scope]");
        let defaults = default_scope();
        let tests = match get(t, "tests")
            .and_then(|v| self.string(v, "tests", None).map(|s| (s, v.span())))
        {
            None => TestMode::Separate,
            Some((s, span)) => match s.as_str() {
                "include" => TestMode::Include,
                "exclude" => TestMode::Exclude,
                "separate" => TestMode::Separate,
                other => {
                    self.err(
                        span,
                        None,
                        Some("tests"),
                        format!("unknown value `{other}` (expected \"include\", \"exclude\" or \"separate\")"),
                    );
                    TestMode::Separate
                }
            },
        };
        Scope {
            include: match get(t, "include") {
                Some(v) => self.globs(v, "include", None),
                None => defaults.include,
            },
            exclude: match get(t, "exclude") {
                Some(v) => self.globs(v, "exclude", None),
                None => defaults.exclude,
            },
            tests,
        }
    }

    /// `[handoff]`: the document's list of what the orchestrator checks instead.
    fn handoff_table(&mut self, t: &DeTable) -> Handoff {
        self.check_keys(t, HANDOFF_KEYS, None, None, "[handoff]");
        Handoff {
            title: get(t, "title")
                .and_then(|v| self.string(v, "title", None))
                .unwrap_or_else(|| "Handoff".into()),
            items: get(t, "items")
                .and_then(|v| self.string_list(v, "items", None))
                .unwrap_or_default()
                .into_iter()
                .map(|(s, _)| s)
                .collect(),
        }
    }
}
