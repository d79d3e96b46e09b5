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

/// Issue 12: call paths resolve within a unit, so only the packages that hold an entry
/// function are parsed whole; the chains are those of a run that parses every file.
#[test]
fn only_units_with_an_entry_are_parsed_for_call_paths() {
    // a listed name, and a regex like the builtin pack's (its `s` may fold to a non-ASCII
    // letter, which must not make every file a candidate)
    for from in [
        "\"reconcilePending\"",
        "'(?i)^(reconcile|handle)_?(pending|new)(_?phase)?$'",
    ] {
        only_entry_units_parsed(from);
    }
}

fn only_entry_units_parsed(from: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        format!(
            "[[rule]]\nid = \"r\"\nkind = \"forbid-reach\"\nfrom = [{from}]\nto = ['(?i)cooldown']\n"
        ),
    )
    .unwrap();
    for p in 0..20 {
        let pkg = dir.path().join(format!("pkg{p}"));
        std::fs::create_dir_all(&pkg).unwrap();
        for f in 0..4 {
            let body = if p == 7 && f == 0 {
                "package x\n\nfunc reconcilePending() { wait() }\n".to_string()
            } else if p == 7 && f == 3 {
                "package x\n\nfunc wait() { isCooldownActive() }\n\nfunc isCooldownActive() {}\n"
                    .to_string()
            } else {
                // same names in other packages: not reachable from the entry; names that
                // share the entry's literals do not make a package a candidate
                format!(
                    "package x\n\n// Reconciler handles phases\nfunc (r *Reconciler) handleError{f}() {{ isCooldownActive() }}\n"
                )
            };
            std::fs::write(pkg.join(format!("f{f}.go")), body).unwrap();
        }
    }
    let (code, light) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(light["summary"]["files_scanned"], 80);
    // the four files of pkg7, and none of the other 76
    assert_eq!(light["summary"]["files_parsed"], 4, "{light:#}");
    let c = chains(&light);
    assert_eq!(c.len(), 1);
    assert_eq!(
        c[0].iter().map(|h| h.0.as_str()).collect::<Vec<_>>(),
        ["reconcilePending", "wait", "isCooldownActive"]
    );
    // a run that parses every file (an identifier regex needs every identifier) finds the same
    let policy = std::fs::read_to_string(dir.path().join("routeaudit.toml")).unwrap();
    std::fs::write(
        dir.path().join("full.toml"),
        format!(
            "{policy}[[rule]]\nid = \"every-identifier\"\nkind = \"forbid-symbol\"\npatterns = ['^NeverDeclared$']\n"
        ),
    )
    .unwrap();
    let (_, full) = check_json(dir.path(), &["--policy", "full.toml"]);
    assert_eq!(full["summary"]["files_parsed"], 80);
    assert_eq!(full["findings"], light["findings"]);
}
