//! `[[rule]]` and `[[evidence]]` entries: the keys every rule shares, then one reader per rule
//! kind, dispatched on [`Kind`].

use regex::Regex;
use std::collections::HashSet;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::keys::{EVIDENCE_KEYS, rule_keys};
use super::reader::{Reader, get, is_identifier, type_name};
use crate::policy::{EvidenceRule, Kind, NamePat, Rule, RuleKind, Severity};

impl Reader<'_> {
    pub(super) fn rule(
        &mut self,
        item: &Spanned<DeValue>,
        ids: &mut HashSet<String>,
    ) -> Option<Rule> {
        let t = self.table(item, "rule", None)?;
        let origin = self.origin(item.span());
        let id = match get(t, "id") {
            Some(v) => {
                let id = self.string(v, "id", None)?;
                if id.is_empty()
                    || !id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    self.err(
                        v.span(),
                        Some(&id),
                        Some("id"),
                        "rule ids are non-empty and use letters, digits, `-` and `_`".into(),
                    );
                }
                if !ids.insert(id.clone()) {
                    self.err(
                        v.span(),
                        Some(&id),
                        Some("id"),
                        format!("duplicate rule id `{id}`"),
                    );
                }
                id
            }
            None => {
                self.err(
                    item.span(),
                    None,
                    Some("id"),
                    "missing key `id` in [[rule]]".into(),
                );
                return None;
            }
        };
        let rid = Some(id.as_str());
        let kind_v = match get(t, "kind") {
            Some(v) => v,
            None => {
                self.err(
                    item.span(),
                    rid,
                    Some("kind"),
                    format!("missing key `kind` (expected one of: {})", Kind::names()),
                );
                return None;
            }
        };
        let kind_s = self.string(kind_v, "kind", rid)?;
        let Some(kind) = Kind::parse(&kind_s) else {
            self.err(
                kind_v.span(),
                rid,
                Some("kind"),
                format!(
                    "unknown rule kind `{kind_s}` (expected one of: {})",
                    Kind::names()
                ),
            );
            return None;
        };
        self.check_keys(t, &rule_keys(kind), rid, Some(kind), "[[rule]]");

        let severity = match get(t, "severity") {
            None => Severity::Error,
            Some(v) => {
                let s = self.string(v, "severity", rid).unwrap_or_default();
                Severity::parse(&s).unwrap_or_else(|| {
                    self.err(
                        v.span(),
                        rid,
                        Some("severity"),
                        format!(
                            "unknown severity `{s}` (expected \"error\", \"warning\" or \"info\")"
                        ),
                    );
                    Severity::Error
                })
            }
        };
        let message = get(t, "message").and_then(|v| self.string(v, "message", rid));
        let owner = get(t, "owner").and_then(|v| self.string(v, "owner", rid));
        let description = get(t, "description").and_then(|v| self.string(v, "description", rid));
        let url = get(t, "url").and_then(|v| self.url(v, rid));
        let include = get(t, "include").and_then(|v| self.globs(v, "include", rid));
        let exclude = get(t, "exclude").and_then(|v| self.globs(v, "exclude", rid));

        let span = item.span();
        let rule_kind = match kind {
            Kind::ForbidSymbol => self.forbid_symbol(t, span, rid),
            Kind::RequireSymbol => self.require_symbol(t, span, rid),
            Kind::ForbidFile => self.forbid_file(t, span, rid),
            Kind::ForbidPattern => self.forbid_pattern(t, span, rid),
            Kind::ForbidReach => self.forbid_reach(t, span, rid),
        };
        let message = message.unwrap_or_else(|| kind.default_message().to_string());
        Some(Rule {
            id,
            kind: rule_kind?,
            severity,
            message,
            owner,
            description,
            url,
            include,
            exclude,
            origin,
        })
    }

    /// `symbols` and/or `patterns`, and the occurrence kinds (`in`, default `code`).
    fn forbid_symbol(
        &mut self,
        t: &DeTable,
        span: Range<usize>,
        rid: Option<&str>,
    ) -> Option<RuleKind> {
        let before = self.errors.len();
        let symbols = self.names(t, "symbols", rid);
        let patterns: Vec<Regex> = get(t, "patterns")
            .and_then(|v| self.string_list(v, "patterns", rid))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(p, span)| self.regex(&p, span, "patterns", rid, false))
            .collect();
        if symbols.is_empty() && patterns.is_empty() && self.errors.len() == before {
            self.err(
                span.clone(),
                rid,
                Some("symbols"),
                "a forbid-symbol rule needs a non-empty `symbols` list or `patterns`".into(),
            );
        }
        Some(RuleKind::ForbidSymbol {
            symbols,
            patterns,
            kinds: self.kinds(t, rid, "code"),
        })
    }

    /// `symbols`, declared or used in code (`in`, default `declaration`).
    fn require_symbol(
        &mut self,
        t: &DeTable,
        span: Range<usize>,
        rid: Option<&str>,
    ) -> Option<RuleKind> {
        let before = self.errors.len();
        let symbols = self.names(t, "symbols", rid);
        if symbols.is_empty() && self.errors.len() == before {
            self.err(
                span.clone(),
                rid,
                Some("symbols"),
                "a require-symbol rule needs a non-empty `symbols` list".into(),
            );
        }
        let kinds = self.kinds(t, rid, "declaration");
        if kinds.has_text() {
            let span = get(t, "in").map_or(span.clone(), |v| v.span());
            self.err(
                span,
                rid,
                Some("in"),
                "a required symbol must be declared or used in code: `comment` and `string` (`text`, `any`) can never satisfy a require-symbol rule".into(),
            );
        }
        Some(RuleKind::RequireSymbol { symbols, kinds })
    }

    /// `files`: a non-empty glob list.
    fn forbid_file(
        &mut self,
        t: &DeTable,
        span: Range<usize>,
        rid: Option<&str>,
    ) -> Option<RuleKind> {
        let files = match get(t, "files") {
            Some(v) => {
                let g = self.globs(v, "files", rid);
                if g.as_ref().is_some_and(|g| g.patterns.is_empty()) {
                    self.err(
                        v.span(),
                        rid,
                        Some("files"),
                        "the list of file globs is empty".into(),
                    );
                }
                g
            }
            None => {
                self.err(
                    span.clone(),
                    rid,
                    Some("files"),
                    "a forbid-file rule needs `files`".into(),
                );
                None
            }
        };
        Some(RuleKind::ForbidFile { files: files? })
    }

    /// `regex`, applied line by line, which must not match the empty string.
    fn forbid_pattern(
        &mut self,
        t: &DeTable,
        span: Range<usize>,
        rid: Option<&str>,
    ) -> Option<RuleKind> {
        let regex = match get(t, "regex") {
            Some(v) => {
                let s = self.string(v, "regex", rid)?;
                let re = self.regex(&s, v.span(), "regex", rid, true);
                if re.as_ref().is_some_and(|re| re.is_match("")) {
                    self.err(
                        v.span(),
                        rid,
                        Some("regex"),
                        "the regex matches the empty string, so it would match every line".into(),
                    );
                }
                re
            }
            None => {
                self.err(
                    span.clone(),
                    rid,
                    Some("regex"),
                    "a forbid-pattern rule needs `regex`".into(),
                );
                None
            }
        };
        let kinds = self.kinds(t, rid, "code");
        Some(RuleKind::ForbidPattern {
            regex: regex?,
            kinds,
        })
    }

    /// `from` entries, `to` targets (regexes or names, plus `symbols`), `stop` barriers and
    /// `max-depth`.
    fn forbid_reach(
        &mut self,
        t: &DeTable,
        span: Range<usize>,
        rid: Option<&str>,
    ) -> Option<RuleKind> {
        let before = self.errors.len();
        let from = self.name_pats(t, "from", rid);
        let from_ok = self.errors.len() == before;
        let mut to = self.name_pats(t, "to", rid);
        for n in self.names(t, "symbols", rid) {
            to.push(NamePat::Name(n));
        }
        let to_ok = self.errors.len() == before;
        let stop = self.name_pats(t, "stop", rid);
        if from.is_empty() && from_ok {
            self.err(
                span.clone(),
                rid,
                Some("from"),
                "a forbid-reach rule needs a non-empty `from` list of entry functions".into(),
            );
        }
        if to.is_empty() && to_ok {
            self.err(
                span.clone(),
                rid,
                Some("to"),
                "a forbid-reach rule needs `to` regexes or `symbols`".into(),
            );
        }
        let max_depth = match get(t, "max-depth") {
            None => None,
            Some(v) => match v.get_ref() {
                DeValue::Integer(i) => match i.as_str().parse::<usize>() {
                    Ok(n) if n > 0 => Some(n),
                    _ => {
                        self.err(
                            v.span(),
                            rid,
                            Some("max-depth"),
                            "expected a positive integer".into(),
                        );
                        None
                    }
                },
                other => {
                    self.err(
                        v.span(),
                        rid,
                        Some("max-depth"),
                        format!("expected a positive integer, found {}", type_name(other)),
                    );
                    None
                }
            },
        };
        Some(RuleKind::ForbidReach {
            from,
            to,
            stop,
            max_depth,
        })
    }

    /// `url`: an absolute URL (`scheme:...`, no spaces), as SARIF's `helpUri` requires.
    fn url(&mut self, v: &Spanned<DeValue>, rid: Option<&str>) -> Option<String> {
        let s = self.string(v, "url", rid)?;
        let scheme = s.split_once(':').map_or("", |(scheme, _)| scheme);
        let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if scheme_ok && !s.contains(char::is_whitespace) {
            return Some(s);
        }
        self.err(
            v.span(),
            rid,
            Some("url"),
            format!(
                "`{s}` is not an absolute URL (expected e.g. \"https://example.com/rules#id\")"
            ),
        );
        None
    }

    /// `symbols`: identifiers only (a regex belongs in `patterns`).
    pub(super) fn names(&mut self, t: &DeTable, key: &str, rule: Option<&str>) -> Vec<String> {
        let Some(v) = get(t, key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (s, span) in self.string_list(v, key, rule).unwrap_or_default() {
            if is_identifier(&s) {
                out.push(s);
            } else {
                self.err(
                    span,
                    rule,
                    Some(key),
                    format!("`{s}` is not an identifier (use `patterns` or `to` for regexes)"),
                );
            }
        }
        out
    }

    /// `from`/`to`: identifiers are names, anything else is a regex.
    pub(super) fn name_pats(&mut self, t: &DeTable, key: &str, rule: Option<&str>) -> Vec<NamePat> {
        let Some(v) = get(t, key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (s, span) in self.string_list(v, key, rule).unwrap_or_default() {
            if is_identifier(&s) {
                out.push(NamePat::Name(s));
            } else if let Some(re) = self.regex(&s, span, key, rule, false) {
                out.push(NamePat::Regex(re));
            }
        }
        out
    }

    pub(super) fn evidence(
        &mut self,
        item: &Spanned<DeValue>,
        ids: &mut HashSet<String>,
    ) -> Option<EvidenceRule> {
        let t = self.table(item, "evidence", None)?;
        let origin = self.origin(item.span());
        let id = match get(t, "id") {
            Some(v) => self.string(v, "id", None)?,
            None => {
                self.err(
                    item.span(),
                    None,
                    Some("id"),
                    "missing key `id` in [[evidence]]".into(),
                );
                return None;
            }
        };
        let rid = Some(id.as_str());
        if !ids.insert(id.clone()) {
            self.err(
                item.span(),
                rid,
                Some("id"),
                format!("duplicate evidence id `{id}`"),
            );
        }
        self.check_keys(t, EVIDENCE_KEYS, rid, None, "[[evidence]]");
        let regex = match get(t, "regex") {
            Some(v) => {
                let s = self.string(v, "regex", rid)?;
                self.regex(&s, v.span(), "regex", rid, true)
            }
            None => {
                self.err(
                    item.span(),
                    rid,
                    Some("regex"),
                    "an evidence entry needs `regex`".into(),
                );
                None
            }
        };
        let kinds = self.kinds(t, rid, "comment");
        let include = get(t, "include").and_then(|v| self.globs(v, "include", rid));
        let exclude = get(t, "exclude").and_then(|v| self.globs(v, "exclude", rid));
        Some(EvidenceRule {
            id,
            regex: regex?,
            kinds,
            include,
            exclude,
            origin,
        })
    }
}
