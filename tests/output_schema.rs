//! Real `--format json` outputs validate against the checked-in JSON Schema
//! `schemas/routeaudit-output.schema.json`: the examples, a baseline run, a diff-mode run,
//! suppressions, test results and an incomplete audit, each with the statuses and optional
//! keys it produces.

mod common;
use common::*;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schemas/routeaudit-output.schema.json"))
        .expect("the checked-in output schema");
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid draft-07 schema")
}

/// Validates `v`; returns it for further checks.
fn valid(v: Value, what: &str) -> Value {
    let errs: Vec<String> = validator()
        .iter_errors(&v)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errs.is_empty(), "{what}: {errs:#?}");
    v
}

fn statuses(v: &Value) -> Vec<String> {
    let mut s: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap().to_string())
        .collect();
    s.sort();
    s.dedup();
    s
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}");
}

#[test]
fn the_examples_validate() {
    let (c, v) = check_json(&root().join("examples/go-impure"), &[]);
    assert_eq!(c, 1);
    let v = valid(v, "go-impure");
    assert!(!v["findings"].as_array().unwrap().is_empty());
    assert!(!v["mentions"].as_array().unwrap().is_empty());
    // every example at once, and with test code listed apart
    let o = run_in(&root(), &["check", "examples", "--format", "json"]);
    let v = valid(serde_json::from_str(&stdout(&o)).unwrap(), "examples");
    assert!(statuses(&v).contains(&"counted".to_string()));
    let (_, v) = check_json(&root().join("examples/rust-pure"), &[]);
    valid(v, "rust-pure");
    let (_, v) = check_json(&fixture("go_reach"), &[]);
    let v = valid(v, "go_reach");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| !f["chain"].as_array().unwrap().is_empty())
    );
}

#[test]
fn a_baseline_run_validates() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("examples/go-impure"), dir.path());
    let o = run_in(dir.path(), &["baseline", ".", "-o", "b.json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // one baselined finding disappears (a stale entry), one new finding appears
    let ctrl = dir
        .path()
        .join("internal/controller/workflowexecution/workflowexecution_controller.go");
    let text = std::fs::read_to_string(&ctrl).unwrap();
    let text =
        text.replacen("MarkSkipped(", "markDone(", 1) + "\nfunc extra() { CheckResourceLock() }\n";
    std::fs::write(&ctrl, text).unwrap();
    let (c, v) = check_json(dir.path(), &["--baseline", "b.json"]);
    assert_eq!(c, 1);
    let v = valid(v, "baseline run");
    assert_eq!(statuses(&v), ["baselined", "counted"]);
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "stale-baseline-entry")
    );
}

#[test]
fn a_diff_mode_run_validates() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("examples/go-impure"), dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "base"]);
    let ctrl = dir
        .path()
        .join("internal/controller/workflowexecution/workflowexecution_controller.go");
    let text = std::fs::read_to_string(&ctrl).unwrap() + "\nfunc extra() { CheckResourceLock() }\n";
    std::fs::write(&ctrl, text).unwrap();
    let (c, v) = check_json(dir.path(), &["--new-from-rev", "HEAD"]);
    assert_eq!(c, 1);
    let v = valid(v, "diff-mode run");
    assert_eq!(statuses(&v), ["counted", "outside-diff"]);
    assert!(v["summary"]["outside_diff"].as_u64().unwrap() > 0);
}

#[test]
fn suppressions_test_results_and_incomplete_runs_validate() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("examples/go-impure"), dir.path());
    let ctrl = dir
        .path()
        .join("internal/controller/workflowexecution/workflowexecution_controller.go");
    let text = std::fs::read_to_string(&ctrl).unwrap().replacen(
        "MarkSkipped(",
        "MarkSkipped( // routeaudit:allow no-routing-functions -- kept for the v1 API\n",
        1,
    ) + "\n// routeaudit:allow no-such-rule -- nothing here\n";
    std::fs::write(&ctrl, text).unwrap();
    let go = root().join("tests/fixtures/test-results/go-test.json");
    let junit = root().join("tests/fixtures/test-results/nextest-junit.xml");
    let (_, v) = check_json(
        dir.path(),
        &[
            "--test-results",
            go.to_str().unwrap(),
            "--test-results",
            junit.to_str().unwrap(),
        ],
    );
    let v = valid(v, "suppressions and test results");
    assert!(statuses(&v).contains(&"suppressed".to_string()), "{v}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.get("suppression").is_some())
    );
    assert!(v["tests"].is_object());
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "unknown-rule")
    );
    // an unreadable file (a dangling link): the audit is incomplete
    std::os::unix::fs::symlink("gone.go", dir.path().join("internal/bad.go")).unwrap();
    let (c, v) = check_json(dir.path(), &[]);
    assert_eq!(c, 2);
    let v = valid(v, "incomplete run");
    assert_eq!(v["verdict"], "error");
    assert!(!v["errors"].as_array().unwrap().is_empty());
}
