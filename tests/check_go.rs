//! `routeaudit check` on Go fixture trees, through the real binary.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

#[test]
fn names_only_in_comments_and_strings_pass_with_mentions() {
    let (code, v) = check_json(&fixture("go_mentions"), &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["verdict"], "pass");
    assert_eq!(
        v["findings"].as_array().unwrap().len(),
        0,
        "{:#}",
        v["findings"]
    );
    let mentions: Vec<(u64, u64, &str, &str)> = v["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["line"].as_u64().unwrap(),
                m["column"].as_u64().unwrap(),
                m["symbol"].as_str().unwrap(),
                m["occurrence"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        mentions,
        [
            (2, 4, "CheckCooldown", "comment"),
            (2, 19, "CheckResourceLock", "comment"),
            (2, 38, "MarkSkipped", "comment"),
            (2, 54, "FindMostRecentTerminalWFE", "comment"),
            (3, 39, "CheckCooldown", "comment"),
            (9, 28, "MarkSkipped", "comment"),
            (10, 1, "SkipDetails", "comment"),
            (10, 14, "PhaseSkipped", "comment"),
            (10, 31, "SkipReason", "comment"),
            (14, 2, "CheckCooldown", "string"),
            (15, 13, "SkipReason", "string"),
            (19, 36, "SkipReason", "comment"),
            (20, 33, "MarkSkipped", "string"),
            (24, 26, "CheckCooldown", "comment"),
            (26, 19, "CheckCooldown", "string"),
            (26, 38, "MarkSkipped", "string"),
            (27, 16, "FindMostRecentTerminalWFE", "string"),
            (27, 46, "CheckResourceLock", "string"),
        ]
    );
    assert_eq!(v["summary"]["mentions"], 18);
    assert_eq!(v["required"][0]["symbol"], "reconcilePending");
    assert_eq!(v["required"][0]["found"], true);
    assert_eq!(v["required"][0]["line"], 23);
    assert_eq!(v["required"][0]["end_line"], 28);
}

#[test]
fn every_code_occurrence_is_one_finding_with_exact_span() {
    let (code, v) = check_json(&fixture("go_impure"), &[]);
    assert_eq!(code, 1);
    assert_eq!(v["verdict"], "fail");
    let rows = finding_rows(&v);
    let want: Vec<(&str, u64, u64, &str, bool)> = vec![
        ("internal/we/broken.go", 4, 2, "call", false),
        ("internal/we/calls.go", 6, 21, "call", false),
        ("internal/we/calls.go", 7, 9, "call", false),
        ("internal/we/calls.go", 8, 6, "call", false),
        ("internal/we/calls.go", 9, 12, "reference", false),
        ("internal/we/calls.go", 10, 8, "reference", false),
        ("internal/we/calls.go", 11, 15, "reference", false),
        ("internal/we/calls.go", 12, 8, "reference", false),
        ("internal/we/calls.go", 14, 8, "reference", false),
        ("internal/we/calls_test.go", 6, 5, "call", true),
        ("internal/we/decl.go", 3, 6, "type", false),
        ("internal/we/decl.go", 8, 9, "field", false),
        ("internal/we/decl.go", 9, 2, "field", false),
        ("internal/we/decl.go", 10, 3, "field", false),
        ("internal/we/decl.go", 11, 17, "field", false),
        ("internal/we/decl.go", 15, 2, "method", false),
        ("internal/we/decl.go", 18, 7, "const", false),
        ("internal/we/decl.go", 20, 5, "var", false),
        ("internal/we/decl.go", 22, 6, "func", false),
        ("internal/we/decl.go", 24, 22, "method", false),
        ("internal/we/decl.go", 26, 6, "func", false),
    ];
    let got: Vec<(&str, u64, u64, &str, bool)> = rows
        .iter()
        .map(|(f, l, c, o, t)| (f.as_str(), *l, *c, o.as_str(), *t))
        .collect();
    assert_eq!(got, want);

    // the test-file finding is listed, flagged, and does not count
    assert_eq!(v["summary"]["test_findings"], 1);
    assert_eq!(v["summary"]["errors"], 20);
    // the missing required function is a warning finding without a location
    assert_eq!(v["summary"]["warnings"], 1);
    let missing = &v["findings"][0];
    assert_eq!(missing["rule"], "execution-functions-present");
    assert_eq!(missing["symbol"], "reconcileRunning");
    assert!(missing.get("file").is_none());

    // enclosing functions, matched entries, end columns
    let call = &v["findings"][2];
    assert_eq!(call["symbol"], "CheckCooldown");
    assert_eq!(call["in_function"], "reconcilePending");
    assert_eq!(call["end_column"], 34);
    assert_eq!(call["owner"], "RemediationOrchestrator");

    // required functions with their extents
    let req: Vec<(&str, bool, u64, u64)> = v["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["symbol"].as_str().unwrap(),
                r["found"].as_bool().unwrap(),
                r["line"].as_u64().unwrap_or(0),
                r["end_line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        req,
        [
            ("reconcileRunning", false, 0, 0),
            ("reconcilePending", true, 5, 15),
            ("HandleAlreadyExists", true, 19, 21),
        ]
    );

    // the syntax error is a warning with file:line, and the partial tree was still read
    let w = v["warnings"].as_array().unwrap();
    assert!(
        w.iter().any(|w| w["file"] == "internal/we/broken.go"
            && w["line"] == 3
            && w["code"] == "syntax-error"),
        "{w:?}"
    );
}

#[test]
fn tests_exclude_drops_test_code_and_include_counts_it() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("go_impure"), dir.path());
    let toml = dir.path().join("routeaudit.toml");
    let base = std::fs::read_to_string(&toml).unwrap();

    std::fs::write(
        &toml,
        base.replace("tests = \"separate\"", "tests = \"exclude\""),
    )
    .unwrap();
    let (_, v) = check_json(dir.path(), &[]);
    assert!(finding_rows(&v).iter().all(|r| !r.0.ends_with("_test.go")));
    assert_eq!(v["summary"]["test_findings"], 0);

    std::fs::write(
        &toml,
        base.replace("tests = \"separate\"", "tests = \"include\""),
    )
    .unwrap();
    let (_, v) = check_json(dir.path(), &[]);
    assert_eq!(v["summary"]["errors"], 21);
    assert_eq!(v["summary"]["test_findings"], 0);
}

#[test]
fn test_findings_alone_do_not_fail_under_separate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x_test.go"),
        "package x\n\nfunc TestX() { CheckCooldown() }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        "[[rule]]\nid = \"f\"\nkind = \"forbid-symbol\"\nsymbols = [\"CheckCooldown\"]\n",
    )
    .unwrap();
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["findings"][0]["test"], true);
    assert_eq!(v["summary"]["test_findings"], 1);
}

#[test]
fn fail_on_controls_the_exit_code() {
    let dir = fixture("go_impure");
    let o = run_in(&dir, &["check", ".", "--fail-on", "never"]);
    assert_eq!(code(&o), 0);
    // only the warning-level rule remains when errors are filtered by a narrower policy
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.go"), "package a\nfunc a() {}\n").unwrap();
    std::fs::write(
        tmp.path().join("routeaudit.toml"),
        "[[rule]]\nid = \"req\"\nkind = \"require-symbol\"\nseverity = \"warning\"\nsymbols = [\"reconcilePending\"]\n",
    )
    .unwrap();
    assert_eq!(code(&run_in(tmp.path(), &["check", "."])), 0);
    assert_eq!(
        code(&run_in(tmp.path(), &["check", ".", "--fail-on", "warning"])),
        1
    );
    assert_eq!(
        code(&run_in(tmp.path(), &["check", ".", "--fail-on", "info"])),
        1
    );
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let dir = fixture("go_impure");
    let one = run_in(&dir, &["check", ".", "--format", "json", "-j", "1"]);
    let many = run_in(&dir, &["check", ".", "--format", "json", "-j", "8"]);
    let again = run_in(&dir, &["check", ".", "--format", "json", "-j", "8"]);
    assert_eq!(stdout(&one), stdout(&many));
    assert_eq!(stdout(&many), stdout(&again));
    let h1 = run_in(&dir, &["check", ".", "--color", "never", "-j", "1"]);
    let h2 = run_in(&dir, &["check", ".", "--color", "never", "-j", "4"]);
    assert_eq!(stdout(&h1), stdout(&h2));
}

/// Issue 14: paths are relative to the repository root (here routeaudit's own checkout),
/// however many paths are typed and whichever directory the run starts in.
#[test]
fn paths_are_relative_to_the_repository_root() {
    let run = |cwd: &Path, args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_routeaudit"))
            .current_dir(cwd)
            .args(args)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        finding_rows(&v)
            .into_iter()
            .map(|r| r.0)
            .collect::<std::collections::BTreeSet<String>>()
    };
    let base = "tests/fixtures/go_impure/internal/we/";
    let policy = "--policy=tests/fixtures/go_impure/routeaudit.toml";
    let one = run(
        &root(),
        &["check", "tests/fixtures/go_impure", "--format", "json"],
    );
    assert!(!one.is_empty());
    assert!(one.iter().all(|f| f.starts_with(base)), "{one:?}");
    // two paths: the same base
    let two = run(
        &root(),
        &[
            "check",
            "tests/fixtures/go_impure/internal/we/decl.go",
            "tests/fixtures/go_mentions",
            "--format",
            "json",
            policy,
        ],
    );
    assert!(two.contains(&format!("{base}decl.go")), "{two:?}");
    // from a subdirectory, with an absolute path: still relative to the repository root
    let abs = fixture("go_impure");
    let sub = run(
        &root().join("src"),
        &["check", abs.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(sub, one);
}

#[test]
fn color_always_paints_and_never_does_not() {
    let dir = fixture("go_impure");
    let painted = stdout(&run_in(&dir, &["check", ".", "--color", "always"]));
    assert!(painted.contains("\u{1b}["));
    let plain = stdout(&run_in(&dir, &["check", ".", "--color", "never"]));
    assert!(!plain.contains("\u{1b}["));
    // auto with a pipe: no colour
    let auto = stdout(&run_in(&dir, &["check", "."]));
    assert!(!auto.contains("\u{1b}["));
}

/// `check --format json` on a copy of `dir` with a policy that extends `base` (a policy file
/// of the tree, or a builtin pack) by an identifier regex that matches nothing: a regex over
/// identifiers needs every identifier, so every file is parsed.
fn read_everything(dir: &Path, base: &str) -> serde_json::Value {
    let copy = tempfile::tempdir().unwrap();
    copy_tree(dir, copy.path());
    std::fs::write(
        copy.path().join("everything.toml"),
        format!(
            "extends = [\"{base}\"]\n[[rule]]\nid = \"every-identifier\"\nkind = \"forbid-symbol\"\npatterns = ['^NeverDeclaredAnywhere$']\n"
        ),
    )
    .unwrap();
    let o = run_in(
        copy.path(),
        &[
            "check",
            ".",
            "--format",
            "json",
            "--policy",
            "everything.toml",
        ],
    );
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// What a light and a full reading must agree on: everything but the rule table, the policy
/// and how many files were parsed.
fn same_results(light: &serde_json::Value, full: &serde_json::Value, what: &str) {
    for key in [
        "findings", "mentions", "required", "evidence", "warnings", "errors", "skipped", "verdict",
    ] {
        assert_eq!(light[key], full[key], "{what}: {key}");
    }
    let mut a = light["summary"].clone();
    let mut b = full["summary"].clone();
    assert!(
        b["files_parsed"].as_u64() >= a["files_parsed"].as_u64(),
        "{what}: {a} {b}"
    );
    a["files_parsed"] = 0.into();
    b["files_parsed"] = 0.into();
    assert_eq!(a, b, "{what}");
}

/// The prefilter reads a file only as deeply as it must; reading every file fully must not
/// change a single finding, mention or quote.
#[test]
fn prefilter_depth_does_not_change_results() {
    let mut parsed_less = false;
    for (name, base) in [
        ("prefilter_edge", "routeaudit.toml"),
        ("go_mentions", "routeaudit.toml"),
        ("go_impure", "routeaudit.toml"),
        ("go_reach", "routeaudit.toml"),
        ("../../examples/go-pure", "builtin:pure-executor"),
        ("../../examples/go-impure", "builtin:pure-executor"),
    ] {
        let dir = fixture(name);
        let light = run_in(&dir, &["check", ".", "--format", "json"]);
        let light: serde_json::Value = serde_json::from_str(&stdout(&light)).unwrap();
        let full = read_everything(&dir, base);
        same_results(&light, &full, name);
        parsed_less |= light["summary"]["files_parsed"] != full["summary"]["files_parsed"];
    }
    // the light reading really is lighter somewhere
    assert!(parsed_less);
}

#[test]
fn findings_in_generated_files_say_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zz_generated.deepcopy.go"),
        "// Code generated by controller-gen. DO NOT EDIT.\n\npackage v1\n\nfunc (in *SkipDetails) DeepCopy() *SkipDetails { return in }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("types.go"),
        "package v1\n\ntype SkipDetails struct{}\n",
    )
    .unwrap();
    let (_, v) = check_json(dir.path(), &[]);
    let flags: Vec<(String, bool)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("file").is_some())
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f.get("generated").is_some_and(|g| g == true),
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            ("types.go".to_string(), false),
            ("zz_generated.deepcopy.go".to_string(), true),
            ("zz_generated.deepcopy.go".to_string(), true),
        ]
    );
    let human = stdout(&run_in(dir.path(), &["check", ".", "--color", "never"]));
    assert!(
        human.contains("= note: the file is generated; change what generates it"),
        "{human}"
    );
}

/// The same with the edge fixture's second policy, where names in text are mentions only (so
/// files are lexed rather than parsed).
#[test]
fn prefilter_depth_does_not_change_results_for_text_only_names() {
    let dir = fixture("prefilter_edge");
    let light = run_in(
        &dir,
        &["check", ".", "--format", "json", "--policy", "code.toml"],
    );
    let a: serde_json::Value = serde_json::from_str(&stdout(&light)).unwrap();
    same_results(&a, &read_everything(&dir, "code.toml"), "code.toml");
    // and the edge cases were found at all
    let syms: Vec<&str> = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["symbol"].as_str())
        .collect();
    for s in ["CHECK__COOLDOWN", "ÜberCheck", "  skipDetails:"] {
        assert!(syms.contains(&s), "{s} in {syms:?}");
    }
    let mentions: Vec<&str> = a["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["symbol"].as_str().unwrap())
        .collect();
    for s in [
        "CheckCooldown",
        "SkipReason",
        "ÜBER_CHECK",
        "MarkSkipped",
        "mark_skipped",
    ] {
        assert!(mentions.contains(&s), "{s} in {mentions:?}");
    }
    assert!(
        a["evidence"].as_array().unwrap().len() >= 2,
        "{:#}",
        a["evidence"]
    );
    // the Rust test module behind the multi-line attribute is test code
    let m = a["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["symbol"] == "mark_skipped")
        .unwrap();
    assert_eq!(m["test"], true);
}
