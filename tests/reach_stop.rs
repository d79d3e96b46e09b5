//! `forbid-reach` with `stop`: call chains never pass through barrier functions.

mod common;
use common::*;

/// (rule, chain of function names) of every forbid-reach finding.
fn chains(v: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_kind"] == "forbid-reach")
        .map(|f| {
            let names = f["chain"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["function"].as_str().unwrap().to_string())
                .collect();
            (f["rule"].as_str().unwrap().to_string(), names)
        })
        .collect()
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn without_stop_the_dispatcher_reaches_the_cooldown() {
    let (code, v) = check_json(&fixture("go_reach_stop"), &["--policy", "no-stop.toml"]);
    assert_eq!(code, 1);
    assert_eq!(
        chains(&v),
        [
            (
                "dispatch-does-not-route".to_string(),
                names(&["Reconcile", "reconcileTerminal", "waitForCooldown"])
            ),
            (
                "sync-does-not-route".to_string(),
                names(&["Sync", "reconcileTerminal", "waitForCooldown"])
            ),
        ]
    );
}

#[test]
fn stop_ends_paths_at_the_barrier_but_not_paths_around_it() {
    let (code, v) = check_json(&fixture("go_reach_stop"), &[]);
    // Reconcile reaches the cooldown only through reconcileTerminal: nothing; Sync still
    // reaches it the long way, which becomes the reported chain
    assert_eq!(
        chains(&v),
        [(
            "sync-does-not-route".to_string(),
            names(&["Sync", "finish", "release", "waitForCooldown"])
        )]
    );
    assert_eq!(code, 1);
}

#[test]
fn a_barrier_is_never_an_entry() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("go_reach_stop"), dir.path());
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        "[[rule]]\nid = \"r\"\nkind = \"forbid-reach\"\nfrom = ['^reconcile']\nto = ['(?i)cooldown']\nstop = [\"reconcileTerminal\"]\n",
    )
    .unwrap();
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{v}");
    assert!(chains(&v).is_empty());
}

#[test]
fn stop_entries_are_checked_like_from_entries() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        "[[rule]]\nid = \"r\"\nkind = \"forbid-reach\"\nfrom = [\"f\"]\nto = [\"g\"]\nstop = [\"(\", 3]\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["policy", "validate", "routeaudit.toml"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("routeaudit.toml:6:9: rule `r`: key `stop`: invalid regex `(`"),
        "{err}"
    );
    assert!(
        err.contains("routeaudit.toml:6:14: rule `r`: key `stop`: expected a string"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        "[[rule]]\nid = \"r\"\nkind = \"forbid-file\"\nfiles = [\"a.go\"]\nstop = [\"f\"]\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["policy", "validate", "routeaudit.toml"]);
    assert!(
        stderr(&o).contains("key `stop`: does not apply to rules of kind `forbid-file`"),
        "{}",
        stderr(&o)
    );
}
