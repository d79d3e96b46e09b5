//! Inline suppressions: `// routeaudit:allow <rule-id>[,<rule-id>] -- <reason>` (`#` in YAML).
//!
//! A directive is a comment that *starts* with `routeaudit:allow`; prose that merely mentions
//! the word is not one. It silences findings of the named rules on its own line and on the
//! line directly below. The reason is mandatory. Suppressed findings stay in every report,
//! marked; a directive that silences nothing is reported as `unused-suppression`.

use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

use crate::audit::{Finding, Warning};
use crate::lang::{FileFacts, Lang, TextKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub line: u32,
    pub rules: Vec<String>,
    pub reason: String,
    /// After code on its line: it covers that line only. Alone on its line, it covers the
    /// line below.
    pub trailing: bool,
}

impl Directive {
    fn covers(&self, line: u32) -> bool {
        line == self.line || (!self.trailing && line == self.line + 1)
    }
}

/// A directive that cannot be honoured (no reason, no rule): the run exits with code 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectiveError {
    pub line: u32,
    pub message: String,
}

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?://+|#+|/\*+)[ \t]*routeaudit:allow(?:[ \t]+(.*?))?[ \t]*(?:\*/)?[ \t]*$")
        .expect("directive regex")
});

pub const MARKER: &str = "routeaudit:allow";

/// Finds the directives of one file. `facts` (when the file was parsed) confirms each one is
/// inside a comment, not a string.
pub fn scan(
    lang: Lang,
    src: &str,
    facts: Option<&FileFacts>,
) -> (Vec<Directive>, Vec<DirectiveError>) {
    let mut dirs = Vec::new();
    let mut errors = Vec::new();
    let markers = lang.front().comment_markers();
    if !src.contains(MARKER) {
        return (dirs, errors);
    }
    let mut offset = 0;
    for (i, raw) in src.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += raw.len();
        if !line.contains(MARKER) {
            continue;
        }
        let Some(caps) = DIRECTIVE.captures(line) else {
            continue;
        };
        let m = caps.get(0).expect("whole match");
        let marker = &line[m.start()..];
        if !markers.iter().any(|c| marker.starts_with(c)) {
            continue;
        }
        if let Some(f) = facts {
            let at = start + m.start();
            let in_comment = f
                .text
                .iter()
                .any(|r| r.kind == TextKind::Comment && r.start <= at && at < r.end);
            if !in_comment {
                continue;
            }
        }
        let line_no = i as u32 + 1;
        let body = caps.get(1).map(|b| b.as_str()).unwrap_or("");
        let (ids, reason) = match body.split_once("--") {
            Some((ids, reason)) => (ids.trim(), reason.trim()),
            None => (body.trim(), ""),
        };
        let rules: Vec<String> = ids
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if rules.is_empty() {
            errors.push(DirectiveError {
                line: line_no,
                message: "`routeaudit:allow` names no rule (write `routeaudit:allow <rule-id> -- <reason>`)".into(),
            });
            continue;
        }
        if reason.is_empty() {
            errors.push(DirectiveError {
                line: line_no,
                message: format!(
                    "`routeaudit:allow {}` has no reason: a suppression must say why (`-- <reason>`)",
                    rules.join(",")
                ),
            });
            continue;
        }
        dirs.push(Directive {
            line: line_no,
            rules,
            reason: reason.to_string(),
            trailing: !line[..m.start()].trim().is_empty(),
        });
    }
    (dirs, errors)
}

/// The reason of the directive that covers each finding (`None`: not suppressed), and a
/// warning per (directive, rule) that covers nothing.
pub fn apply(
    findings: &[Finding],
    directives: &HashMap<String, Vec<Directive>>,
) -> (Vec<Option<String>>, Vec<Warning>) {
    let mut used: HashMap<(&str, u32, &str), bool> = HashMap::new();
    for (file, dirs) in directives {
        for d in dirs {
            for r in &d.rules {
                used.insert((file.as_str(), d.line, r.as_str()), false);
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
    let mut warnings: Vec<Warning> = used
        .into_iter()
        .filter(|(_, u)| !u)
        .map(|((file, line, rule), _)| Warning {
            file: Some(file.to_string()),
            line: Some(line),
            code: crate::audit::WarningCode::UnusedSuppression,
            message: format!("`routeaudit:allow {rule}` suppresses nothing: remove it"),
        })
        .collect();
    warnings.sort();
    (reasons, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_need_a_comment_start_and_a_reason() {
        let src = "a() // routeaudit:allow no-routing -- kept for the v1 API until 2027\n\
// routeaudit:allow r1, r2 -- both\n\
// to silence a finding, write routeaudit:allow in a comment\n\
x := \"routeaudit:allow r -- in a string\"\n\
// routeaudit:allow r3\n\
/* routeaudit:allow r4 -- block */\n";
        let (d, e) = scan(Lang::Go, src, None);
        assert_eq!(
            d,
            [
                Directive {
                    line: 1,
                    rules: vec!["no-routing".into()],
                    reason: "kept for the v1 API until 2027".into(),
                    trailing: true,
                },
                Directive {
                    line: 2,
                    rules: vec!["r1".into(), "r2".into()],
                    reason: "both".into(),
                    trailing: false,
                },
                Directive {
                    line: 6,
                    rules: vec!["r4".into()],
                    reason: "block".into(),
                    trailing: false,
                },
            ]
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 5);
        assert!(e[0].message.contains("has no reason"));
    }

    #[test]
    fn yaml_uses_hash_comments() {
        let (d, _) = scan(
            Lang::Yaml,
            "skipDetails: {} # routeaudit:allow crd -- migration\n",
            None,
        );
        assert_eq!(d.len(), 1);
        let (d, _) = scan(Lang::Yaml, "x: 1 // routeaudit:allow crd -- no\n", None);
        assert!(d.is_empty());
    }
}
