//! Routing-like names: functions in scope whose names match what a `forbid-reach` rule
//! forbids reaching (its `to` patterns) but that no reported call path goes through.
//!
//! Owns that one informational list. Such a function is not a violation (no entry point
//! reaches it), yet a reviewer wants to see it: it may be dead routing code, or reached
//! through a call the graph cannot resolve. It reads the inventory, the policy and the
//! findings' call paths; it never reads files or changes a verdict.

use crate::audit::{Finding, FunctionInfo, RoutingLike};
use crate::engine::reach::name_matches;
use crate::policy::{Policy, RuleKind, TestMode};

/// One entry per (function, `forbid-reach` rule) whose `to` patterns match the function's
/// name, for functions on no call path of `findings`; the first matching pattern is named.
/// Functions in test code count only when the policy audits tests like any code.
pub fn find(policy: &Policy, functions: &[FunctionInfo], findings: &[Finding]) -> Vec<RoutingLike> {
    let on_a_path = |f: &FunctionInfo| {
        findings.iter().flat_map(|x| &x.chain).any(|hop| {
            hop.file == f.file
                && hop.function == f.name
                && (f.line..=f.end_line.max(f.line)).contains(&hop.line)
        })
    };
    let include_tests = policy.scope.tests == TestMode::Include;
    let mut out = Vec::new();
    for rule in &policy.rules {
        let RuleKind::ForbidReach { to, .. } = &rule.kind else {
            continue;
        };
        for f in functions {
            if (f.test && !include_tests) || !rule.applies_to(&f.file) {
                continue;
            }
            let Some(p) = to.iter().find(|p| name_matches(p, &f.name, policy.naming)) else {
                continue;
            };
            if on_a_path(f) {
                continue;
            }
            out.push(RoutingLike {
                file: f.file.clone(),
                line: f.line,
                name: f.name.clone(),
                rule: rule.id.clone(),
                pattern: p.display(),
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Hop;
    use crate::lang::FnKind;

    const POLICY: &str = r#"
[policy]
name = "t"
naming = "words"
[scope]
tests = "separate"
[[rule]]
id = "no-route"
kind = "forbid-reach"
severity = "error"
from = ["reconcilePending"]
to = ["(?i)cooldown", "CheckResourceLock"]
message = "m"
"#;

    fn func(file: &str, line: u32, end_line: u32, name: &str, test: bool) -> FunctionInfo {
        FunctionInfo {
            file: file.into(),
            line,
            end_line,
            name: name.into(),
            kind: FnKind::Func,
            receiver: None,
            test,
            callees: Vec::new(),
            callers: Vec::new(),
        }
    }

    fn reached(policy: &Policy, file: &str, function: &str, line: u32) -> Finding {
        let mut f = Finding::of(&policy.rules[0]);
        f.chain = vec![Hop {
            function: function.into(),
            file: file.into(),
            line,
        }];
        f
    }

    #[test]
    fn lists_matching_names_off_every_call_path() {
        let policy = crate::policy::parse_policy(POLICY, "routeaudit.toml", None).unwrap();
        let functions = vec![
            func("a.go", 3, 9, "waitForCooldown", false),
            func("a.go", 12, 20, "check_resource_lock", false),
            func("b.go", 1, 5, "isCooldownOver", false),
            func("b.go", 7, 9, "reconcileRunning", false),
            func("b_test.go", 1, 5, "TestCooldown", true),
        ];
        // the chain goes through isCooldownOver (a call on line 2 of its body)
        let findings = vec![reached(&policy, "b.go", "isCooldownOver", 2)];
        let got = find(&policy, &functions, &findings);
        let names: Vec<(&str, &str)> = got
            .iter()
            .map(|r| (r.name.as_str(), r.pattern.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("waitForCooldown", "(?i)cooldown"),
                // `words` naming: the snake_case spelling matches the listed name
                ("check_resource_lock", "CheckResourceLock"),
            ]
        );
        assert!(got.iter().all(|r| r.rule == "no-route"));
        assert_eq!((got[0].file.as_str(), got[0].line), ("a.go", 3));
    }

    #[test]
    fn a_same_named_function_elsewhere_is_not_on_the_path() {
        let policy = crate::policy::parse_policy(POLICY, "routeaudit.toml", None).unwrap();
        let functions = vec![
            func("a.go", 3, 9, "cooldown", false),
            func("b.go", 3, 9, "cooldown", false),
        ];
        let findings = vec![reached(&policy, "a.go", "cooldown", 3)];
        let got = find(&policy, &functions, &findings);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].file, "b.go");
    }
}
