//! `forbid-reach`: call paths from execution entry points to routing logic.

mod common;
use common::*;

fn chains(v: &serde_json::Value) -> Vec<Vec<(String, String, u64)>> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_kind"] == "forbid-reach")
        .map(|f| {
            f["chain"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    (
                        h["function"].as_str().unwrap().to_string(),
                        h["file"].as_str().unwrap().to_string(),
                        h["line"].as_u64().unwrap(),
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn go_entry_reaches_forbidden_function_through_two_files() {
    let (code, v) = check_json(&fixture("go_reach"), &[]);
    assert_eq!(code, 1);
    let c = chains(&v);
    let s = |f: &str, file: &str, l: u64| (f.to_string(), format!("internal/we/{file}"), l);
    assert_eq!(
        c,
        vec![
            vec![
                s("reconcilePending", "pending.go", 8),
                s("shouldWait", "pending.go", 15),
                s("guard", "lifecycle.go", 4),
                s("CheckCooldownActive", "lifecycle.go", 7),
            ],
            vec![
                s("ReconcileTerminal", "pending.go", 29),
                s("audit", "pending.go", 25),
                s("acquireResourceLock", "lifecycle.go", 12),
            ],
        ]
    );
    // reported at the call site where the path leaves the entry function
    let f = &v["findings"][0];
    assert_eq!(
        (f["file"].as_str(), f["line"].as_u64(), f["column"].as_u64()),
        (Some("internal/we/pending.go"), Some(8), Some(7))
    );
    assert_eq!(f["symbol"], "CheckCooldownActive");
    assert_eq!(f["in_function"], "reconcilePending");
    assert_eq!(f["matched"], "(?i)cooldown");
}

#[test]
fn unreachable_and_other_receiver_methods_are_not_reported() {
    let (_, v) = check_json(&fixture("go_reach"), &[]);
    let targets: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["in_function"].as_str().unwrap())
        .collect();
    // reconcileRunning calls r.audit(), its own receiver's method, which only recurses
    // (ping <-> pong); Auditor.audit is not on its path; unusedLockCheck is reached by nothing
    assert!(!targets.contains(&"reconcileRunning"), "{targets:?}");
    assert!(!targets.contains(&"unusedLockCheck"));
    assert_eq!(targets.len(), 2);
}

#[test]
fn entry_that_matches_nothing_is_a_warning() {
    let (_, v) = check_json(&fixture("go_reach"), &[]);
    let w = v["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0]["code"], "unmatched-entry");
    assert!(
        w[0]["message"]
            .as_str()
            .unwrap()
            .contains("`reconcileTerminl` matches no function")
    );
}

#[test]
fn max_depth_limits_the_search() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("go_reach"), dir.path());
    let toml = dir.path().join("routeaudit.toml");
    let src = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{src}max-depth = 2\n")).unwrap();
    let (_, v) = check_json(dir.path(), &[]);
    // the cooldown check is 3 calls away from reconcilePending; the lock check 2 from ReconcileTerminal
    let c = chains(&v);
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0][0].0, "ReconcileTerminal");
}

#[test]
fn human_output_prints_the_chain() {
    let o = run_in(&fixture("go_reach"), &["check", ".", "--color", "never"]);
    let out = stdout(&o);
    assert!(out.contains("  = call path:\n         reconcilePending (internal/we/pending.go:8)\n      -> shouldWait (internal/we/pending.go:15)\n      -> guard (internal/we/lifecycle.go:4)\n      -> CheckCooldownActive (internal/we/lifecycle.go:7)\n"), "{out}");
}

#[test]
fn symbols_lists_callers_and_callees() {
    let o = run_in(
        &fixture("go_reach"),
        &["symbols", ".", "--calls", "--format", "json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let guard = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "guard")
        .unwrap();
    assert_eq!(guard["line"], 3);
    assert_eq!(guard["end_line"], 5);
    assert_eq!(
        guard["callees"][0],
        "CheckCooldownActive (internal/we/lifecycle.go:7)"
    );
    assert_eq!(
        guard["callers"][0],
        "shouldWait (internal/we/pending.go:14)"
    );
    let human = stdout(&run_in(&fixture("go_reach"), &["symbols", "."]));
    assert!(
        human.contains("internal/we/pending.go:6-12\tmethod\t(Reconciler) reconcilePending\n"),
        "{human}"
    );
}
