//! CI-gate ergonomics: suppressions, baselines, diff mode, init, completions, man page.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

const POLICY: &str = "[[rule]]\nid = \"no-routing\"\nkind = \"forbid-symbol\"\nsymbols = [\"CheckCooldown\", \"MarkSkipped\"]\n";

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("routeaudit.toml"), POLICY).unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// (line, suppressed) of every finding, or of one rule's.
fn suppressed_by_line(v: &serde_json::Value, rule: Option<&str>) -> Vec<(u64, bool)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| rule.is_none_or(|r| f["rule"] == r))
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["suppressed"].as_bool().unwrap(),
            )
        })
        .collect()
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
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn suppression_with_reason_silences_exactly_its_finding() {
    let dir = tree(&[(
        "a.go",
        "package a\n\
func f() {\n\
\tCheckCooldown() // routeaudit:allow no-routing -- legacy API, removed in #12\n\
\t// routeaudit:allow no-routing -- kept until the RO migration lands\n\
\tMarkSkipped()\n\
\tMarkSkipped()\n\
}\n",
    )]);
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "the third call is not covered");
    let f = suppressed_by_line(&v, None);
    assert_eq!(f, [(3, true), (5, true), (6, false)]);
    assert_eq!(
        v["findings"][0]["suppression"],
        "legacy API, removed in #12"
    );
    assert_eq!(v["summary"]["suppressed"], 2);
    assert_eq!(v["summary"]["errors"], 1);
    assert!(v["warnings"].as_array().unwrap().is_empty());
    // the document keeps suppressed findings visible
    let doc = stdout(&run_in(dir.path(), &["report", "."]));
    assert!(doc.contains("legacy API, removed in #12"), "{doc}");
}

#[test]
fn a_trailing_suppression_covers_its_own_line_only() {
    let dir = tree(&[(
        "a.go",
        "package a\nfunc f() {\n\tCheckCooldown() // routeaudit:allow no-routing -- legacy\n\tCheckCooldown()\n}\n",
    )]);
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let f = suppressed_by_line(&v, None);
    assert_eq!(f, [(3, true), (4, false)]);
}

#[test]
fn suppression_without_reason_exits_2_naming_file_and_line() {
    let dir = tree(&[(
        "a.go",
        "package a\nfunc f() {\n\tCheckCooldown() // routeaudit:allow no-routing\n}\n",
    )]);
    let o = run_in(dir.path(), &["check", ".", "--color", "never"]);
    assert_eq!(code(&o), 2);
    assert!(
        stdout(&o).contains("error: a.go:3: `routeaudit:allow no-routing` has no reason"),
        "{}",
        stdout(&o)
    );
    let o = run_in(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("a.go:3:"), "{}", stderr(&o));
}

#[test]
fn unused_suppression_warns_and_prose_is_not_a_directive() {
    let dir = tree(&[(
        "a.go",
        "package a\n\
// To silence a finding, write routeaudit:allow in a comment.\n\
// routeaudit:allow no-routing -- nothing here any more\n\
func f() {}\n\
var s = \"// routeaudit:allow no-routing\"\n",
    )]);
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{v:#}");
    let w = v["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0]["code"], "unused-suppression");
    assert_eq!(w[0]["line"], 3);
}

#[test]
fn yaml_suppressions_use_hash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("crd.yaml"),
        "status:\n  # routeaudit:allow crd-no-skip-fields -- served until v2 is removed\n  skipDetails: {}\n  skipReason: x\n",
    )
    .unwrap();
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let f = suppressed_by_line(&v, Some("crd-no-skip-fields"));
    assert_eq!(f, [(3, true), (4, false)]);
}

#[test]
fn baseline_survives_inserted_lines_and_fails_only_on_new_findings() {
    let src = "package a\nfunc f() {\n\tCheckCooldown()\n\tMarkSkipped()\n}\n";
    let dir = tree(&[("a.go", src)]);
    let o = run_in(dir.path(), &["baseline", ".", "--output", "baseline.json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("with 2 findings"));
    assert_eq!(
        code(&run_in(
            dir.path(),
            &["check", ".", "--baseline", "baseline.json"]
        )),
        0
    );

    // lines inserted above: still known
    let shifted = src.replacen("package a\n", "package a\n\n// a\n// b\n", 1);
    std::fs::write(dir.path().join("a.go"), &shifted).unwrap();
    let (code, v) = check_json(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(code, 0, "{v:#}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["baselined"] == true)
    );
    assert_eq!(v["summary"]["baselined"], 2);

    // one new violation: exit 1 with exactly that one
    let more = shifted.replace("\tMarkSkipped()\n", "\tMarkSkipped()\n\tCheckCooldown(1)\n");
    std::fs::write(dir.path().join("a.go"), &more).unwrap();
    let (code, v) = check_json(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(code, 1);
    let new: Vec<u64> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["baselined"] == false)
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(new, [8]);
    assert_eq!(v["summary"]["errors"], 1);
}

#[test]
fn baseline_follows_a_renamed_file_and_reports_stale_entries() {
    let dir = tree(&[(
        "a.go",
        "package a\nfunc f() {\n\tCheckCooldown()\n\tMarkSkipped()\n}\n",
    )]);
    run_in(dir.path(), &["baseline", ".", "--output", "baseline.json"]);
    // renamed, and one violation fixed
    std::fs::remove_file(dir.path().join("a.go")).unwrap();
    std::fs::write(
        dir.path().join("b.go"),
        "package a\nfunc f() {\n\tCheckCooldown()\n}\n",
    )
    .unwrap();
    let (code, v) = check_json(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["findings"][0]["file"], "b.go");
    assert_eq!(v["findings"][0]["baselined"], true);
    let w = v["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0]["code"], "stale-baseline-entry");
    assert!(w[0]["message"].as_str().unwrap().contains("`MarkSkipped`"));
}

#[test]
fn bad_baseline_file_exits_2() {
    let dir = tree(&[("a.go", "package a\n")]);
    std::fs::write(dir.path().join("b.json"), "{\"findings\": 3}").unwrap();
    let o = run_in(dir.path(), &["check", ".", "--baseline", "b.json"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("not a routeaudit baseline"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn diff_mode_fails_only_on_changed_lines() {
    let dir = tree(&[("pkg/a.go", "package a\nfunc f() {\n\tCheckCooldown()\n}\n")]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);

    // an unchanged tree passes even though it has a violation
    let (code, v) = check_json(dir.path(), &["--new-from-rev", "HEAD"]);
    assert_eq!(code, 0, "{v:#}");
    // outside the diff, never "baselined" (issue 9)
    assert_eq!(v["findings"][0]["baselined"], false);
    assert_eq!(v["findings"][0]["status"], "outside-diff");
    assert_eq!(v["summary"]["baselined"], 0);
    assert_eq!(v["summary"]["outside_diff"], 1);
    let o = run_in(dir.path(), &["check", ".", "--new-from-rev", "HEAD"]);
    let human = stdout(&o);
    assert!(human.contains("1 outside the diff"), "{human}");
    assert!(!human.contains("baselined"), "{human}");

    // a changed line fails, the old one does not; untracked files count as new
    std::fs::write(
        dir.path().join("pkg/a.go"),
        "package a\nfunc f() {\n\tCheckCooldown()\n\tMarkSkipped()\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pkg/new.go"),
        "package a\nfunc g() { CheckCooldown() }\n",
    )
    .unwrap();
    let (code, v) = check_json(dir.path(), &["--new-from-rev", "HEAD"]);
    assert_eq!(code, 1);
    let failing: Vec<(String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "counted")
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        failing,
        [("pkg/a.go".to_string(), 4), ("pkg/new.go".to_string(), 2)]
    );

    // audited from a subdirectory: paths still line up with git's
    let (code, v) = check_json(
        &dir.path().join("pkg"),
        &["--new-from-rev", "HEAD", "--policy", "../routeaudit.toml"],
    );
    assert_eq!(code, 1);
    assert_eq!(v["summary"]["errors"], 2);

    // merge-base form
    git(dir.path(), &["checkout", "-q", "-b", "feature"]);
    let (mb_code, _) = check_json(dir.path(), &["--new-from-merge-base", "main"]);
    assert_eq!(mb_code, 1);

    // unknown revision: exit 2, not a silent full scan
    let o = run_in(dir.path(), &["check", ".", "--new-from-rev", "no-such-rev"]);
    assert_eq!(common::code(&o), 2);
    assert!(
        stderr(&o).contains("unknown revision `no-such-rev`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn diff_mode_outside_git_exits_2() {
    let dir = tree(&[("a.go", "package a\n")]);
    let o = Command::new(env!("CARGO_BIN_EXE_routeaudit"))
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .args(["check", ".", "--new-from-rev", "HEAD"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("needs a git repository"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn init_writes_a_starter_policy_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("examples/go-impure"), dir.path());
    let o = run_in(dir.path(), &["init"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("routeaudit.toml")).unwrap();
    assert!(text.contains("extends = [\"builtin:pure-executor\"]"));
    assert!(
        text.contains("\"internal/controller/workflowexecution/**\""),
        "{text}"
    );
    // the written policy is valid and drives a check
    assert_eq!(
        code(&run_in(
            dir.path(),
            &["policy", "validate", "routeaudit.toml"]
        )),
        0
    );
    assert_eq!(code(&run_in(dir.path(), &["check", "."])), 1);
    // never overwrites
    std::fs::write(dir.path().join("routeaudit.toml"), "# mine\n").unwrap();
    let o = run_in(dir.path(), &["init"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("routeaudit.toml")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let o = bin().args(["completions", shell]).output().unwrap();
        assert_eq!(code(&o), 0);
        let text = stdout(&o);
        assert!(
            text.contains("routeaudit") && text.contains("new-from-rev"),
            "{shell}"
        );
    }
    let o = bin().arg("man").output().unwrap();
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).starts_with(".ie") || stdout(&o).contains(".TH routeaudit"),
        "{}",
        &stdout(&o)[..200]
    );
}

#[test]
fn diff_mode_with_quoted_paths_and_custom_prefixes() {
    let dir = tree(&[
        ("über.go", "package a\n"),
        ("a b.go", "package a\n"),
        ("c.go", "package a\n"),
    ]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["config", "diff.mnemonicPrefix", "true"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    for f in ["über.go", "a b.go", "c.go"] {
        std::fs::write(dir.path().join(f), "package a\nfunc CheckCooldown() {}\n").unwrap();
    }
    std::fs::write(
        dir.path().join("new ü.go"),
        "package a\nfunc MarkSkipped() {}\n",
    )
    .unwrap();
    let (code, v) = check_json(dir.path(), &["--new-from-rev", "HEAD"]);
    assert_eq!(code, 1);
    let mut failing: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["baselined"] == false)
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    failing.sort();
    assert_eq!(failing, ["a b.go", "c.go", "new ü.go", "über.go"]);
}

#[test]
fn overlapping_paths_count_each_file_once() {
    let dir = tree(&[("pkg/a.go", "package a\nfunc f() { CheckCooldown() }\n")]);
    let (_, once) = check_json(dir.path(), &[]);
    let o = run_in(
        dir.path(),
        &["check", ".", "pkg", "pkg/a.go", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["summary"]["files_scanned"],
        once["summary"]["files_scanned"]
    );
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
}

/// A pull request that changes only a helper so that the pending path now reaches a routing
/// check is new in diff mode, although the entry's own line did not change.
#[test]
fn diff_mode_counts_a_call_path_made_new_by_a_changed_helper() {
    let dir = tree(&[
        (
            "we/ctl.go",
            "package we\n\nfunc reconcilePending() {\n\tvalidate()\n}\n",
        ),
        ("we/validate.go", "package we\n\nfunc validate() {\n}\n"),
    ]);
    // the builtin pack and its call-path rules
    std::fs::remove_file(dir.path().join("routeaudit.toml")).unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    std::fs::write(
        dir.path().join("we/validate.go"),
        "package we\n\nfunc validate() {\n\tisCooldownActive()\n}\n\nfunc isCooldownActive() bool { return true }\n",
    )
    .unwrap();
    git(dir.path(), &["commit", "-q", "-am", "sneak"]);
    let (full, _) = check_json(dir.path(), &[]);
    assert_eq!(full, 1);
    let (code, v) = check_json(dir.path(), &["--new-from-rev", "HEAD~1"]);
    assert_eq!(code, 1, "{v:#}");
    let reach: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_kind"] == "forbid-reach")
        .collect();
    assert!(!reach.is_empty());
    assert!(reach.iter().all(|f| f["status"] == "counted"), "{v:#}");
}

/// Every output names the policy as the repository sees it, from wherever the run starts.
#[test]
fn the_policy_is_named_relative_to_the_repository_root() {
    let dir = tree(&[(
        "internal/we/a.go",
        "package we\n\nfunc f() { CheckCooldown() }\n",
    )]);
    git(dir.path(), &["init", "-q"]);
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        "extends = [\"builtin:pure-executor\"]\n",
    )
    .unwrap();
    for (cwd, arg) in [
        (dir.path().to_path_buf(), "."),
        (dir.path().join("internal"), ".."),
    ] {
        let o = run_in(&cwd, &["check", arg, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["policy"]["source"], "routeaudit.toml", "from {cwd:?}");
        let o = run_in(&cwd, &["check", arg, "--color", "never"]);
        assert!(
            stdout(&o).contains("policy routeaudit.toml)"),
            "{}",
            stdout(&o)
        );
    }
}

/// Outside git, a tree named by a path outside the current directory is its own root: its
/// paths stay relative and the builtin pack's `vendor/**` exclude applies.
#[test]
fn a_tree_outside_the_current_directory_is_its_own_root() {
    let dir = tree(&[
        ("pkg/a.go", "package a\n\nfunc f() { CheckCooldown() }\n"),
        (
            "vendor/x/b.go",
            "package x\n\nfunc g() { CheckCooldown() }\n",
        ),
    ]);
    let elsewhere = tempfile::tempdir().unwrap();
    let o = run_in(
        elsewhere.path(),
        &["check", dir.path().to_str().unwrap(), "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert_eq!(files, ["pkg/a.go"], "{v:#}");
}
