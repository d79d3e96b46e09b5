//! Name matching shared by every rule that looks at identifiers: one hash lookup per
//! occurrence for listed symbols (under the policy's naming), plus per-rule regexes.
//!
//! Also builds the textual prefilter that lets the walker skip parsing files that cannot
//! contain any listed name.

use regex::Regex;
use std::collections::HashMap;

use crate::policy::{Naming, Policy, RuleKind};

/// What a name matched: the rule (index into `Policy::rules`) and the policy entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit<'p> {
    pub rule: usize,
    pub entry: &'p str,
}

thread_local! {
    /// The buffer `matches` computes naming keys in: no allocation per identifier.
    static KEY: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

pub struct Matcher<'p> {
    naming: Naming,
    /// naming key -> (rule index, listed symbol)
    names: HashMap<String, Vec<(usize, &'p str)>>,
    /// (rule index, regex) for `patterns`
    patterns: Vec<(usize, &'p Regex)>,
}

impl<'p> Matcher<'p> {
    /// Indexes the `symbols` and `patterns` of forbid-symbol and require-symbol rules.
    pub fn new(policy: &'p Policy) -> Self {
        let mut names: HashMap<String, Vec<(usize, &'p str)>> = HashMap::new();
        let mut patterns = Vec::new();
        for (i, rule) in policy.rules.iter().enumerate() {
            match &rule.kind {
                RuleKind::ForbidSymbol {
                    symbols,
                    patterns: pats,
                    ..
                } => {
                    for s in symbols {
                        names.entry(policy.naming.key(s)).or_default().push((i, s));
                    }
                    patterns.extend(pats.iter().map(|p| (i, p)));
                }
                RuleKind::RequireSymbol { symbols, .. } => {
                    for s in symbols {
                        names.entry(policy.naming.key(s)).or_default().push((i, s));
                    }
                }
                _ => {}
            }
        }
        Matcher {
            naming: policy.naming,
            names,
            patterns,
        }
    }

    /// Every (rule, entry) that `name` matches.
    pub fn matches(&self, name: &str, out: &mut Vec<Hit<'p>>) {
        out.clear();
        if let Some(list) = self.listed(name) {
            out.extend(list.iter().map(|&(rule, entry)| Hit { rule, entry }));
        }
        for &(rule, re) in &self.patterns {
            if re.is_match(name) && !out.iter().any(|h| h.rule == rule) {
                out.push(Hit {
                    rule,
                    entry: re.as_str(),
                });
            }
        }
    }

    /// Whether `name` matches anything: [`Matcher::matches`] without the list.
    pub fn is_match(&self, name: &str) -> bool {
        self.listed(name).is_some() || self.patterns.iter().any(|(_, re)| re.is_match(name))
    }

    /// The listed symbols `name` stands for under the policy's naming.
    fn listed(&self, name: &str) -> Option<&Vec<(usize, &'p str)>> {
        match self.naming {
            Naming::Exact => self.names.get(name),
            Naming::Words => KEY.with(|k| {
                let mut k = k.borrow_mut();
                crate::policy::naming::words_key_into(name, &mut k);
                self.names.get(k.as_str())
            }),
        }
    }

    pub fn has_patterns(&self) -> bool {
        !self.patterns.is_empty()
    }

    /// A literal prefilter: it finds something in every file in which a listed name could
    /// occur (`None` when there are no listed names).
    pub fn prefilter(&self) -> Option<regex::bytes::Regex> {
        let mut keys: Vec<&str> = self.names.keys().map(String::as_str).collect();
        keys.sort_unstable();
        super::prefilter::for_names(keys.into_iter(), self.naming)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse_policy;

    fn policy(naming: &str) -> Policy {
        let src = format!(
            "[policy]\nnaming = \"{naming}\"\n[[rule]]\nid = \"f\"\nkind = \"forbid-symbol\"\nsymbols = [\"CheckCooldown\"]\npatterns = ['^Mark\\w*Skipped$']\n[[rule]]\nid = \"r\"\nkind = \"require-symbol\"\nsymbols = [\"reconcilePending\"]\n"
        );
        parse_policy(&src, "p.toml", None).unwrap()
    }

    #[test]
    fn words_naming_matches_every_spelling() {
        let p = policy("words");
        let m = Matcher::new(&p);
        let mut out = Vec::new();
        for n in ["CheckCooldown", "checkCooldown", "check_cooldown"] {
            m.matches(n, &mut out);
            assert_eq!(
                out,
                [Hit {
                    rule: 0,
                    entry: "CheckCooldown"
                }],
                "{n}"
            );
        }
        m.matches("reconcile_pending", &mut out);
        assert_eq!(
            out,
            [Hit {
                rule: 1,
                entry: "reconcilePending"
            }]
        );
        m.matches("MarkAsSkipped", &mut out);
        assert_eq!(
            out,
            [Hit {
                rule: 0,
                entry: "^Mark\\w*Skipped$"
            }]
        );
        m.matches("CheckCooldowns", &mut out);
        assert!(out.is_empty());
        let pre = m.prefilter().unwrap();
        assert!(pre.is_match(b"x := check_cooldown(1)"));
        assert!(
            pre.is_match(b"checkcooldown"),
            "words prefilter runs on lower-cased text"
        );
        assert!(!pre.is_match(b"cool down check"));
    }

    #[test]
    fn exact_naming_is_exact() {
        let p = policy("exact");
        let m = Matcher::new(&p);
        let mut out = Vec::new();
        m.matches("CheckCooldown", &mut out);
        assert_eq!(out.len(), 1);
        for n in ["checkCooldown", "check_cooldown"] {
            m.matches(n, &mut out);
            assert!(out.is_empty(), "{n}");
        }
        assert!(!m.prefilter().unwrap().is_match(b"check_cooldown"));
    }
}
