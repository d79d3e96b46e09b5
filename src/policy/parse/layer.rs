//! One policy file as a [`Layer`]: its `extends` are read first (each its own layer, with its
//! own file name in errors), then its `[policy]`, `[scope]`, `[[rule]]`, `[[evidence]]` and
//! `[handoff]`, and the file's layer is merged over its bases.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use toml::de::DeTable;

use super::keys::{HANDOFF_KEYS, POLICY_KEYS, SCOPE_KEYS, TOP_KEYS};
use super::reader::{Reader, get};
use super::{Errors, PolicyError, default_scope};
use crate::policy::{BUILTINS, EvidenceRule, Handoff, Naming, Rule, Scope, TestMode};

/// One policy file's contribution before merging.
#[derive(Default)]
pub(super) struct Layer {
    pub(super) name: Option<String>,
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) naming: Option<Naming>,
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
            scope: self.scope.or(base.scope),
            rules: base.rules,
            evidence: base.evidence,
            handoff: self.handoff.or(base.handoff),
        }
    }
}

pub(super) fn read_layer(
    src: &str,
    file: &str,
    dir: Option<&Path>,
    seen: &mut Vec<String>,
) -> Result<Layer, Errors> {
    if seen.iter().any(|s| s == file) {
        return Err(vec![PolicyError {
            file: file.to_string(),
            line: 1,
            column: 1,
            rule: None,
            key: Some("extends".into()),
            message: format!("`extends` loops back to `{file}`"),
        }]);
    }
    seen.push(file.to_string());
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
            let loaded = if let Some(b) = name.strip_prefix("builtin:") {
                match BUILTINS.iter().find(|(n, _)| *n == b) {
                    Some((_, bsrc)) => read_layer(bsrc, &name, None, seen),
                    None => {
                        r.err(
                            span,
                            None,
                            Some("extends"),
                            format!(
                                "no builtin policy named `{b}` (available: {})",
                                BUILTINS
                                    .iter()
                                    .map(|(n, _)| format!("builtin:{n}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                        continue;
                    }
                }
            } else {
                let path: PathBuf = dir.unwrap_or(Path::new(".")).join(&name);
                match std::fs::read_to_string(&path) {
                    Ok(s) => {
                        let disp = path.to_string_lossy().replace('\\', "/");
                        read_layer(&s, &disp, path.parent(), seen)
                    }
                    Err(e) => {
                        r.err(
                            span,
                            None,
                            Some("extends"),
                            format!("cannot read `{}`: {e}", path.display()),
                        );
                        continue;
                    }
                }
            };
            match loaded {
                Ok(layer) => base = layer.over(base),
                Err(es) => base_errors.extend(es),
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
    seen.pop();
    let mut errors = base_errors;
    errors.extend(r.errors);
    if errors.is_empty() {
        Ok(layer.over(base))
    } else {
        Err(errors)
    }
}

impl Reader<'_> {
    /// `[policy]`: name, title, description and naming mode.
    fn policy_table(&mut self, t: &DeTable, layer: &mut Layer) {
        self.check_keys(t, POLICY_KEYS, None, None, "[policy]");
        layer.name = get(t, "name").and_then(|v| self.string(v, "name", None));
        layer.title = get(t, "title").and_then(|v| self.string(v, "title", None));
        layer.description = get(t, "description").and_then(|v| self.string(v, "description", None));
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
