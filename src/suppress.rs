//! Inline suppressions: `// routeaudit:allow <rule-id>[,<rule-id>] -- <reason>` (`#` in YAML).
//!
//! A directive is a comment (as the file's front-end sees comments: never a string, a YAML
//! block scalar or quoted scalar) whose text *starts* with `routeaudit:allow`; prose that
//! merely mentions the word is not one. Its text ends where the comment ends: at the end of
//! the line, or at `*/` for a block comment, so code after `*/` is never part of the reason.
//! It silences findings of the named rules on the lines of its comment; a comment alone on its
//! line(s) also covers the line directly below. The reason is mandatory: a directive without
//! one (or without a rule) is an invalid suppression and the run exits 2. A directive that
//! silences nothing is reported as `unused-suppression`, one that names a rule the policy
//! does not have as `unknown-rule`. Suppressed findings stay in every report, marked.

use std::collections::HashMap;

use crate::audit::{Finding, Warning, WarningCode};
use crate::lang::{FileFacts, Lang, TextKind};
use crate::span::LineIndex;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The line where the directive's comment starts (1-based).
    pub line: u32,
    /// The line where its comment ends (a block comment may span lines).
    pub end_line: u32,
    pub rules: Vec<String>,
    pub reason: String,
    /// Code shares a line with its comment: it covers the comment's lines only. Alone on its
    /// line(s), it also covers the line below.
    pub trailing: bool,
}

impl Directive {
    fn covers(&self, line: u32) -> bool {
        (self.line..=self.end_line).contains(&line) || (!self.trailing && line == self.end_line + 1)
    }
}

/// A directive that cannot be honoured (no reason, no rule): the run exits with code 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectiveError {
    pub line: u32,
    pub message: String,
}

pub(crate) const MARKER: &str = "routeaudit:allow";

/// Finds the directives of one file in its comments: those of `facts` when the file was read,
/// else those of the front-end's lexer.
pub(crate) fn scan(
    lang: Lang,
    src: &str,
    facts: Option<&FileFacts>,
) -> (Vec<Directive>, Vec<DirectiveError>) {
    let mut dirs = Vec::new();
    let mut errors = Vec::new();
    if !src.contains(MARKER) {
        return (dirs, errors);
    }
    let front = lang.front();
    let lexed;
    let facts = match facts {
        Some(f) => f,
        None => {
            lexed = front.lex(src).unwrap_or_else(|| {
                // comments are all a directive needs: no declaration, no occurrence
                let none = |_: &str| false;
                front.extract(
                    src,
                    &crate::lang::Want {
                        at: Some(&[]),
                        keep: Some(&none),
                    },
                )
            });
            &lexed
        }
    };
    let markers = front.comment_markers();
    let idx = LineIndex::new(src);
    for region in facts.text.iter().filter(|r| r.kind == TextKind::Comment) {
        let Some(text) = src.get(region.start..region.end) else {
            continue;
        };
        let Some(opener) = markers.iter().find(|m| text.starts_with(**m)) else {
            continue;
        };
        let Some(body) = directive_body(text, opener) else {
            continue;
        };
        let first = idx.line_of(region.start);
        let last = idx.line_of(region.end.saturating_sub(1).max(region.start));
        let before = src.get(idx.line_start(first)..region.start).unwrap_or("");
        let last_end = idx.line_start(last) + idx.line_text(src, last).len();
        let after = src.get(region.end.min(last_end)..last_end).unwrap_or("");
        let line = first as u32 + 1;
        let (ids, reason) = match body.split_once("--") {
            Some((ids, reason)) => (ids, fold(reason)),
            None => (body.as_str(), String::new()),
        };
        let rules: Vec<String> = ids
            .split([',', ' ', '\t', '\n', '\r'])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if rules.is_empty() {
            errors.push(DirectiveError {
                line,
                message: "`routeaudit:allow` names no rule: write `routeaudit:allow <rule-id> -- <reason>`".into(),
            });
            continue;
        }
        if reason.is_empty() {
            errors.push(DirectiveError {
                line,
                message: format!(
                    "`routeaudit:allow {}` has no reason: add `-- <reason>` saying why the finding may stay",
                    rules.join(",")
                ),
            });
            continue;
        }
        dirs.push(Directive {
            line,
            end_line: last as u32 + 1,
            rules,
            reason,
            trailing: !before.trim().is_empty() || !after.trim().is_empty(),
        });
    }
    (dirs, errors)
}

/// The text after `routeaudit:allow` when the comment `text` (opened by `opener`) starts
/// with it: up to the end of the comment, without a block comment's `*/`.
fn directive_body(text: &str, opener: &str) -> Option<String> {
    let mut inner = &text[opener.len()..];
    if opener == "/*" {
        inner = inner.strip_suffix("*/").unwrap_or(inner);
    }
    // `///`, `//!`, `/**`, `/*!`, `##`: the rest of the opener
    let inner = inner
        .trim_start_matches(['/', '*', '!', '#'])
        .trim_start_matches([' ', '\t']);
    let rest = inner.strip_prefix(MARKER)?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    // a block comment's continuation lines may start with `*`
    let lines: Vec<&str> = rest
        .split(['\n', '\r'])
        .enumerate()
        .map(|(i, l)| {
            let l = l.trim();
            if i > 0 {
                l.trim_start_matches('*').trim()
            } else {
                l
            }
        })
        .collect();
    Some(lines.join(" "))
}

/// White space folded to single spaces.
fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The reason of the directive that covers each finding (`None`: not suppressed), and the
/// warnings about directives: a rule the policy does not have (`unknown-rule`, with the
/// closest id of `known` when one is close), a (directive, rule) that covers nothing
/// (`unused-suppression`).
pub(crate) fn apply(
    findings: &[Finding],
    directives: &HashMap<String, Vec<Directive>>,
    known: &[&str],
) -> (Vec<Option<String>>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let mut used: HashMap<(&str, u32, &str), bool> = HashMap::new();
    for (file, dirs) in directives {
        for d in dirs {
            for r in &d.rules {
                if known.contains(&r.as_str()) {
                    used.insert((file.as_str(), d.line, r.as_str()), false);
                } else {
                    warnings.push(unknown_rule(file, d.line, r, known));
                }
            }
        }
    }
    let mut reasons = vec![None; findings.len()];
    for (i, f) in findings.iter().enumerate() {
        let (Some(file), Some(line)) = (&f.file, f.line) else {
            continue;
        };
        let Some(dirs) = directives.get(file) else {
            continue;
        };
        if let Some(d) = dirs
            .iter()
            .find(|d| d.covers(line) && d.rules.contains(&f.rule))
        {
            reasons[i] = Some(d.reason.clone());
            used.insert((file.as_str(), d.line, f.rule.as_str()), true);
        }
    }
    warnings.extend(
        used.into_iter()
            .filter(|(_, u)| !u)
            .map(|((file, line, rule), _)| Warning {
                file: Some(file.to_string()),
                line: Some(line),
                code: WarningCode::UnusedSuppression,
                message: format!("`routeaudit:allow {rule}` suppresses nothing: remove it"),
            }),
    );
    warnings.sort();
    (reasons, warnings)
}

/// The warning for a directive that names `rule`, which the policy does not have.
fn unknown_rule(file: &str, line: u32, rule: &str, known: &[&str]) -> Warning {
    let message = match closest(rule, known) {
        Some(id) => format!("unknown rule `{rule}` in routeaudit:allow; did you mean `{id}`?"),
        None => format!(
            "unknown rule `{rule}` in routeaudit:allow: the policy has no rule with this id"
        ),
    };
    Warning {
        file: Some(file.to_string()),
        line: Some(line),
        code: WarningCode::UnknownRule,
        message,
    }
}

/// The id of `known` nearest to `id` by edit distance, when it is near enough to be a typo:
/// at most a third of the longer id's length (at least 2) edits away. Ties go to the first.
fn closest<'a>(id: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(id, k), *k))
        .filter(|(d, k)| *d <= (id.chars().count().max(k.chars().count()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(line: u32, end_line: u32, rules: &[&str], reason: &str, trailing: bool) -> Directive {
        Directive {
            line,
            end_line,
            rules: rules.iter().map(|r| r.to_string()).collect(),
            reason: reason.into(),
            trailing,
        }
    }

    #[test]
    fn directives_need_a_comment_start_and_a_reason() {
        let src = "package a\n\
func f() { a() } // routeaudit:allow no-routing -- kept for the v1 API until 2027\n\
// routeaudit:allow r1, r2 -- both\n\
// to silence a finding, write routeaudit:allow in a comment\n\
var x = \"// routeaudit:allow r -- in a string\"\n\
// routeaudit:allow r3\n\
/* routeaudit:allow r4 -- block */\n\
//routeaudit:allowed r5 -- not the marker\n";
        let (d, e) = scan(Lang::Go, src, None);
        assert_eq!(
            d,
            [
                dir(
                    2,
                    2,
                    &["no-routing"],
                    "kept for the v1 API until 2027",
                    true
                ),
                dir(3, 3, &["r1", "r2"], "both", false),
                dir(7, 7, &["r4"], "block", false),
            ]
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 6);
        assert!(e[0].message.contains("has no reason: add `-- <reason>`"));
    }

    #[test]
    fn a_block_comment_ends_the_directive_at_its_close() {
        let src = "package a\n\
func f() {\n\
\t/* routeaudit:allow r -- x */ CheckCooldown()\n\
\tCheckCooldown()\n\
\t/* routeaudit:allow r -- spans\n\
\t * two lines */\n\
\tCheckCooldown()\n\
}\n";
        let (d, e) = scan(Lang::Go, src, None);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            d,
            [
                dir(3, 3, &["r"], "x", true),
                dir(5, 6, &["r"], "spans two lines", false),
            ]
        );
        assert!(d[0].covers(3) && !d[0].covers(4));
        assert!(d[1].covers(7) && !d[1].covers(8));
        let (d, _) = scan(
            Lang::Rust,
            "/** routeaudit:allow r -- doc */ fn f() {}\n",
            None,
        );
        assert_eq!(d, [dir(1, 1, &["r"], "doc", true)]);
    }

    #[test]
    fn yaml_uses_hash_comments_only() {
        let (d, _) = scan(
            Lang::Yaml,
            "skipDetails: {} # routeaudit:allow crd -- migration\n",
            None,
        );
        assert_eq!(d, [dir(1, 1, &["crd"], "migration", true)]);
        let (d, _) = scan(Lang::Yaml, "x: 1 // routeaudit:allow crd -- no\n", None);
        assert!(d.is_empty());
        let src = "script: |\n  # routeaudit:allow crd -- block scalar\nq: \"a\n  # routeaudit:allow crd -- quoted\n  \"\n";
        let (d, e) = scan(Lang::Yaml, src, None);
        assert!(d.is_empty() && e.is_empty(), "{d:?} {e:?}");
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let src = "a: 1\r# routeaudit:allow crd -- one line\rskipReason: x\rskipDetails: y\r";
        let (d, _) = scan(Lang::Yaml, src, None);
        assert_eq!(d, [dir(2, 2, &["crd"], "one line", false)]);
        assert!(d[0].covers(3) && !d[0].covers(4));
    }

    #[test]
    fn unknown_rules_suggest_the_closest_id() {
        let known = ["no-routing-functions", "crd-no-skip-fields"];
        assert_eq!(
            closest("no-routing-function", &known),
            Some("no-routing-functions")
        );
        assert_eq!(
            closest("crd-no-skip-field", &known),
            Some("crd-no-skip-fields")
        );
        assert_eq!(closest("something-else", &known), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        let dirs = HashMap::from([(
            "a.go".to_string(),
            vec![dir(
                3,
                3,
                &["no-routing-function", "crd-no-skip-fields"],
                "x",
                false,
            )],
        )]);
        let (_, w) = apply(&[], &dirs, &known);
        let codes: Vec<(WarningCode, &str)> =
            w.iter().map(|w| (w.code, w.message.as_str())).collect();
        assert_eq!(
            codes,
            [
                (
                    WarningCode::UnusedSuppression,
                    "`routeaudit:allow crd-no-skip-fields` suppresses nothing: remove it"
                ),
                (
                    WarningCode::UnknownRule,
                    "unknown rule `no-routing-function` in routeaudit:allow; did you mean `no-routing-functions`?"
                ),
            ]
        );
    }
}
