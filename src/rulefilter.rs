//! `--rule ID` and `--exclude-rule ID`: which of the policy's rules a run evaluates.
//!
//! Owns the selection (before the engine sees the policy), the error for an id the policy
//! does not have (with the closest id by edit distance), and forgetting what belongs to the
//! rules left out: their `routeaudit:allow` directives and baseline entries are neither used
//! nor reported as unused or stale.

use std::collections::{HashMap, HashSet};

use crate::baseline::BaselineFile;
use crate::error::Error;
use crate::policy::Policy;
use crate::suppress::Directive;

/// Keeps the rules named by `only` (all when empty) less those named by `exclude`. Returns the
/// ids of the rules left out. An id the policy does not have, or a selection that leaves no
/// rule, is an error.
pub(crate) fn select(
    policy: &mut Policy,
    only: &[String],
    exclude: &[String],
) -> Result<HashSet<String>, Error> {
    if only.is_empty() && exclude.is_empty() {
        return Ok(HashSet::new());
    }
    let ids: Vec<&str> = policy.rules.iter().map(|r| r.id.as_str()).collect();
    for (flag, list) in [("--rule", only), ("--exclude-rule", exclude)] {
        for id in list {
            if !ids.contains(&id.as_str()) {
                return Err(Error::Usage(unknown(flag, id, &policy.name, &ids)));
            }
        }
    }
    let keep = |id: &str| {
        (only.is_empty() || only.iter().any(|o| o == id)) && !exclude.iter().any(|e| e == id)
    };
    let dropped: HashSet<String> = ids
        .iter()
        .filter(|id| !keep(id))
        .map(|id| id.to_string())
        .collect();
    if dropped.len() == ids.len() {
        return Err(Error::Usage(format!(
            "--rule/--exclude-rule leave no rule of policy `{}` to evaluate",
            policy.name
        )));
    }
    policy.rules.retain(|r| !dropped.contains(&r.id));
    Ok(dropped)
}

/// The message for an id the policy does not have.
fn unknown(flag: &str, id: &str, policy: &str, ids: &[&str]) -> String {
    let mut msg = format!("{flag} `{id}`: policy `{policy}` has no rule with this id");
    if let Some(near) = closest(id, ids) {
        msg.push_str(&format!("; did you mean `{near}`?"));
    }
    msg.push_str(&format!(" (its rules: {})", ids.join(", ")));
    msg
}

/// The id nearest to `id` by edit distance, when it is near enough to be a typo: at most
/// a third of the longer name's length, and never more than 4 edits.
fn closest<'a>(id: &str, ids: &[&'a str]) -> Option<&'a str> {
    ids.iter()
        .map(|c| (edit_distance(id, c), *c))
        .filter(|(d, c)| *d <= (id.chars().count().max(c.chars().count()) / 3).clamp(1, 4))
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Drops the rules left out from every directive (and directives left with none).
pub(crate) fn forget_directives(
    directives: &mut HashMap<String, Vec<Directive>>,
    dropped: &HashSet<String>,
) {
    if dropped.is_empty() {
        return;
    }
    for dirs in directives.values_mut() {
        for d in dirs.iter_mut() {
            d.rules.retain(|r| !dropped.contains(r));
        }
        dirs.retain(|d| !d.rules.is_empty());
    }
}

/// Drops the baseline entries of the rules left out.
pub(crate) fn forget_baseline(baseline: &mut BaselineFile, dropped: &HashSet<String>) {
    baseline.findings.retain(|e| !dropped.contains(&e.rule));
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "\
[[rule]]
id = \"no-routing-functions\"
kind = \"forbid-symbol\"
symbols = [\"CheckCooldown\"]

[[rule]]
id = \"no-routing-state\"
kind = \"forbid-symbol\"
symbols = [\"SkipReason\"]

[[rule]]
id = \"no-compat-stubs\"
kind = \"forbid-file\"
files = [\"**/stubs.go\"]
";

    fn policy() -> Policy {
        crate::policy::parse_policy(POLICY, "routeaudit.toml", None).expect("policy")
    }

    fn ids(p: &Policy) -> Vec<&str> {
        p.rules.iter().map(|r| r.id.as_str()).collect()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn no_filter_keeps_everything() {
        let mut p = policy();
        assert!(select(&mut p, &[], &[]).unwrap().is_empty());
        assert_eq!(ids(&p).len(), 3);
    }

    #[test]
    fn only_and_exclude() {
        let mut p = policy();
        let dropped = select(
            &mut p,
            &strings(&["no-routing-state", "no-compat-stubs"]),
            &strings(&["no-compat-stubs"]),
        )
        .unwrap();
        assert_eq!(ids(&p), ["no-routing-state"]);
        assert_eq!(dropped.len(), 2);
        let mut p = policy();
        select(&mut p, &[], &strings(&["no-routing-state"])).unwrap();
        assert_eq!(ids(&p), ["no-routing-functions", "no-compat-stubs"]);
    }

    #[test]
    fn unknown_ids_suggest_the_closest() {
        let e = select(&mut policy(), &strings(&["no-routing-fuctions"]), &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("--rule `no-routing-fuctions`: policy `routeaudit` has no rule")
                && e.contains("did you mean `no-routing-functions`?")
                && e.contains("no-routing-functions, no-routing-state, no-compat-stubs"),
            "{e}"
        );
        let e = select(&mut policy(), &[], &strings(&["no-compat-stub"]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("--exclude-rule `no-compat-stub`") && e.contains("`no-compat-stubs`?"));
        // nothing near: no guess, the list only
        let e = select(&mut policy(), &strings(&["xyz"]), &[])
            .unwrap_err()
            .to_string();
        assert!(!e.contains("did you mean"), "{e}");
    }

    #[test]
    fn a_selection_of_nothing_is_an_error() {
        let all = strings(&[
            "no-routing-functions",
            "no-routing-state",
            "no-compat-stubs",
        ]);
        let e = select(&mut policy(), &[], &all).unwrap_err().to_string();
        assert!(e.contains("leave no rule"), "{e}");
        let e = select(&mut policy(), &all[..1], &all[..1])
            .unwrap_err()
            .to_string();
        assert!(e.contains("leave no rule"), "{e}");
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("äb", "ab"), 1);
    }

    #[test]
    fn directives_of_left_out_rules_are_forgotten() {
        let d = |line, rules: &[&str]| Directive {
            line,
            end_line: line,
            rules: strings(rules),
            reason: "r".into(),
            trailing: false,
        };
        let mut dirs = HashMap::from([(
            "a.go".to_string(),
            vec![d(1, &["x", "y"]), d(5, &["y"]), d(9, &["typo"])],
        )]);
        forget_directives(&mut dirs, &HashSet::from(["y".to_string()]));
        assert_eq!(dirs["a.go"], vec![d(1, &["x"]), d(9, &["typo"])]);
    }
}
