//! `routeaudit check` on Rust fixture trees (syn front-end), mixed trees, and Rust call paths.

mod common;
use common::*;

fn rows(v: &serde_json::Value) -> Vec<(u64, u64, String, String, bool)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["symbol"].as_str().unwrap().to_string(),
                f["occurrence"].as_str().unwrap().to_string(),
                f["test"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_rust_code_occurrence_is_one_finding_none_from_text() {
    let (code, v) = check_json(&fixture("rust_tricky"), &[]);
    assert_eq!(code, 1);
    let r = |l, c, s: &str, o: &str, t| (l, c, s.to_string(), o.to_string(), t);
    assert_eq!(
        rows(&v),
        [
            r(10, 22, "check_cooldown", "reference", false), // use tree
            r(10, 38, "CheckCooldown", "reference", false),
            r(19, 9, "skip_reason", "field", false),
            r(20, 25, "SkipDetails", "reference", false),
            r(23, 12, "SkipDetails", "type", false),
            r(29, 15, "skip_reason", "field", false), // enum struct variant field
            r(32, 11, "CheckCooldown", "type", false), // trait
            r(33, 8, "check_cooldown", "method", false), // trait method declaration
            r(44, 60, "check_cooldown", "call", false), // after "http://router/check_cooldown"
            r(49, 22, "mark_skipped", "call", false),
            r(53, 39, "skip_reason", "reference", false), // struct literal field
            r(54, 23, "mark_skipped", "reference", false), // method value
            r(55, 32, "check_cooldown", "reference", false), // function value
            r(56, 46, "skip_reason", "reference", false), // inside info!
            r(57, 22, "check_cooldown", "call", false),   // inside vec!
            r(59, 70, "mark_skipped", "call", false),     // inside tokio::select!
            r(64, 8, "mark_skipped", "method", false),
            r(69, 12, "mark_skipped", "call", false), // macro_rules! body
            r(79, 17, "check_cooldown", "call", true), // #[cfg(test)] module
        ]
    );
    assert_eq!(v["summary"]["test_findings"], 1);
    // the names in comments, doc comments, nested block comments and (raw) strings are mentions
    let mentions: Vec<(u64, &str, &str)> = v["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["line"].as_u64().unwrap(),
                m["symbol"].as_str().unwrap(),
                m["occurrence"].as_str().unwrap(),
            )
        })
        .collect();
    for want in [
        (2, "check_cooldown", "comment"),
        (2, "CheckCooldown", "comment"),
        (12, "SkipDetails", "comment"),
        (14, "skip_reason", "comment"),
        (18, "skip_reason", "string"),
        (41, "check_cooldown", "comment"),
        (44, "check_cooldown", "string"),
        (45, "skip_reason", "string"),
        (45, "mark_skipped", "string"),
    ] {
        assert!(mentions.contains(&want), "missing {want:?} in {mentions:?}");
    }
    assert_eq!(mentions.len(), 10, "{mentions:?}");
}

#[test]
fn pure_rust_tree_has_mentions_only() {
    let (code, v) = check_json(&fixture("rust_pure"), &[]);
    assert_eq!(code, 0, "{v:#}");
    assert!(v["findings"].as_array().unwrap().is_empty());
    assert!(v["summary"]["mentions"].as_u64().unwrap() > 5);
}

#[test]
fn words_naming_joins_spellings_and_exact_does_not() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/lib.rs"),
        "fn a() { check_cooldown(); checkCooldown(); CheckCooldown(); check_cooldowns(); }\n",
    )
    .unwrap();
    let policy = |naming: &str| {
        std::fs::write(
            dir.path().join("routeaudit.toml"),
            format!("[policy]\nnaming = \"{naming}\"\n[[rule]]\nid = \"r\"\nkind = \"forbid-symbol\"\nsymbols = [\"CheckCooldown\"]\n"),
        )
        .unwrap();
    };
    policy("words");
    let (_, v) = check_json(dir.path(), &[]);
    let found: Vec<(u64, String)> = rows(&v).into_iter().map(|r| (r.1, r.2)).collect();
    assert_eq!(
        found,
        [
            (10, "check_cooldown".to_string()),
            (28, "checkCooldown".into()),
            (45, "CheckCooldown".into())
        ]
    );
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["matched"] == "CheckCooldown")
    );
    policy("exact");
    let (_, v) = check_json(dir.path(), &[]);
    let found: Vec<String> = rows(&v).into_iter().map(|r| r.2).collect();
    assert_eq!(found, ["CheckCooldown"]);
}

#[test]
fn mixed_tree_is_the_union_of_the_separate_runs() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("examples/go-impure"), &dir.path().join("go"));
    copy_tree(
        &root().join("examples/rust-impure"),
        &dir.path().join("rust"),
    );
    let norm = |v: &serde_json::Value, prefix: &str| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f.get("file").is_some())
            .map(|f| {
                format!(
                    "{prefix}{}:{}:{}:{}",
                    f["file"].as_str().unwrap(),
                    f["line"],
                    f["column"],
                    f["rule"].as_str().unwrap()
                )
            })
            .collect()
    };
    let (_, go) = check_json(&dir.path().join("go"), &[]);
    let (_, rs) = check_json(&dir.path().join("rust"), &[]);
    let (code, both) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let mut separate = norm(&go, "go/");
    separate.extend(norm(&rs, "rust/"));
    separate.sort();
    let mut mixed = norm(&both, "");
    mixed.sort();
    assert_eq!(mixed, separate);
    assert!(
        mixed
            .iter()
            .any(|m| m.starts_with("go/") && m.contains(".go:"))
    );
    assert!(
        mixed
            .iter()
            .any(|m| m.starts_with("rust/") && m.contains(".rs:"))
    );
    // and the YAML manifest of the Go tree is audited in the same run
    assert!(mixed.iter().any(|m| m.contains("workflowexecutions.yaml")));
}

#[test]
fn rust_call_paths() {
    let (code, v) = check_json(&fixture("rust_reach"), &[]);
    assert_eq!(code, 1);
    let chains: Vec<Vec<String>> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["chain"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    format!(
                        "{} ({}:{})",
                        h["function"].as_str().unwrap(),
                        h["file"].as_str().unwrap(),
                        h["line"]
                    )
                })
                .collect()
        })
        .collect();
    assert_eq!(
        chains,
        [
            vec![
                "reconcile_pending (src/pending.rs:9)",
                "should_wait (src/pending.rs:15)",
                "guard (src/lifecycle.rs:2)",
                "check_cooldown_active (src/lifecycle.rs:5)",
            ],
            vec![
                "reconcile_terminal (src/pending.rs:29)",
                "audit (src/pending.rs:35)",
                "acquire_resource_lock (src/pending.rs:49)",
            ],
        ]
    );
    // entries are matched under words naming: reconcilePending == reconcile_pending
    assert!(
        v["warnings"].as_array().unwrap().is_empty(),
        "{:#}",
        v["warnings"]
    );
}

#[test]
fn rust_examples_pass_and_fail() {
    let (code, v) = check_json(&root().join("examples/rust-pure"), &[]);
    assert_eq!(code, 0, "{v:#}");
    assert!(
        v["required"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["found"] == true)
    );
    let (code, v) = check_json(&root().join("examples/rust-impure"), &[]);
    assert_eq!(code, 1);
    // 10 named routing symbols, 3 call paths from reconcile_pending
    assert_eq!(v["summary"]["errors"], 13);
}

/// The last hop is the function the call resolves to, and method syntax never reaches a free
/// function of the same name.
#[test]
fn rust_chains_follow_the_resolved_callee() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        "[[rule]]\nid = \"r\"\nkind = \"forbid-reach\"\nfrom = [\"reconcile_pending\", \"reconcile_running\"]\nto = ['(?i)cooldown']\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("src/lib.rs"),
        "pub struct Other;\n\
impl Other {\n\
    fn check_cooldown(&self) {}\n\
}\n\
pub struct Reconciler;\n\
impl Reconciler {\n\
    pub fn reconcile_pending(&self) {\n\
        self.check_cooldown();\n\
    }\n\
    pub fn reconcile_running(&self) {\n\
        self.wait();\n\
    }\n\
    fn check_cooldown(&self) {}\n\
}\n\
fn wait() {\n\
    check_cooldown_free();\n\
}\n\
fn check_cooldown_free() {}\n",
    )
    .unwrap();
    let (_, v) = check_json(dir.path(), &[]);
    let chains: Vec<Vec<String>> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["chain"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| format!("{}:{}", h["function"].as_str().unwrap(), h["line"]))
                .collect()
        })
        .collect();
    // self.check_cooldown() is Reconciler's (line 13), not Other's (line 3); self.wait() is
    // no method of Reconciler, and method syntax never reaches the free fn `wait`
    assert_eq!(
        chains,
        [vec![
            "reconcile_pending:8".to_string(),
            "check_cooldown:13".into()
        ]]
    );
}
