//! Command-line conventions through the real binary: `--quiet`, the GitHub step summary and
//! `--new-from-merge-base auto`, rule filters, rule documentation links, and outputs that
//! refuse to clobber what they must not.

mod common;
use common::*;

use std::path::Path;
use std::process::{Command, Output};

const POLICY: &str = "\
[[rule]]
id = \"no-routing\"
kind = \"forbid-symbol\"
symbols = [\"CheckCooldown\", \"MarkSkipped\"]
message = \"routing decision inside the executor\"

[[rule]]
id = \"no-skip-api\"
kind = \"forbid-symbol\"
severity = \"warning\"
symbols = [\"SkipReason\"]
";

const IMPURE_GO: &str = "package we\n\nfunc reconcile() {\n\tCheckCooldown()\n\tMarkSkipped()\n}\n\ntype Status struct {\n\tSkipReason string\n}\n";
const PURE_GO: &str =
    "package we\n\n// CheckCooldown moved to the orchestrator.\nfunc reconcile() {}\n";

/// A temporary tree with `routeaudit.toml` (POLICY unless `files` has its own) and `files`.
fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("routeaudit.toml"), POLICY).unwrap();
    for (name, bytes) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

/// `routeaudit ARGS` in `cwd` without any CI variables of the environment the tests run in.
fn run_clean(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = bin();
    for v in CI_VARS {
        c.env_remove(v);
    }
    c.current_dir(cwd).args(args).envs(env.iter().copied());
    c.output().expect("run routeaudit")
}

const CI_VARS: [&str; 6] = [
    "GITHUB_STEP_SUMMARY",
    "GITHUB_BASE_REF",
    "GITHUB_SERVER_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_SHA",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
];

#[allow(dead_code)]
fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

// ---------------------------------------------------------------------------------------------
// --quiet

#[test]
fn quiet_check_prints_nothing_keeps_the_exit_code_and_writes_files() {
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    let loud = run_clean(dir.path(), &["check", "."], &[]);
    assert_eq!(code(&loud), 1);
    assert!(!stdout(&loud).is_empty());
    for flag in ["-q", "--quiet"] {
        for format in ["human", "json", "sarif", "github", "junit", "markdown"] {
            let o = run_clean(
                dir.path(),
                &[
                    "check",
                    ".",
                    flag,
                    "--format",
                    format,
                    "--json-output",
                    "r.json",
                ],
                &[],
            );
            assert_eq!(code(&o), 1, "{format}: {}", stderr(&o));
            assert_eq!(stdout(&o), "", "{format}");
            assert_eq!(stderr(&o), "", "{format}");
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap()).unwrap();
            assert_eq!(v["verdict"], "fail");
            std::fs::remove_file(dir.path().join("r.json")).unwrap();
        }
    }
    // `--output` is still written
    let o = run_clean(dir.path(), &["check", ".", "-q", "-o", "out.txt"], &[]);
    assert_eq!((code(&o), stdout(&o).as_str()), (1, ""));
    let text = std::fs::read_to_string(dir.path().join("out.txt")).unwrap();
    assert!(text.contains("error[no-routing]"), "{text}");
    // a passing tree: exit 0, still nothing
    let clean = tree(&[("we/a.go", PURE_GO.as_bytes())]);
    let o = run_clean(clean.path(), &["check", ".", "-q"], &[]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, ""));
}

#[test]
fn quiet_runs_still_report_errors_on_stderr() {
    // an unreadable file (invalid UTF-8) in a human run goes to stderr, not to the report
    let dir = tree(&[
        ("we/a.go", IMPURE_GO.as_bytes()),
        ("we/bad.go", b"package we\n\xff\xfe\n"),
    ]);
    let o = run_clean(dir.path(), &["check", ".", "-q"], &[]);
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("error: we/bad.go"), "{}", stderr(&o));
    // a bad policy
    let bad = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    std::fs::write(bad.path().join("routeaudit.toml"), "[[rule]]\nid = 1\n").unwrap();
    for sub in ["check", "report", "baseline", "symbols"] {
        let mut args = vec![sub, ".", "-q"];
        if sub == "baseline" {
            args.extend(["--output", "b.json"]);
        }
        let o = run_clean(bad.path(), &args, &[]);
        assert_eq!(code(&o), 2, "{sub}");
        assert_eq!(stdout(&o), "", "{sub}");
        assert!(stderr(&o).contains("error: "), "{sub}: {}", stderr(&o));
    }
    // an incomplete audit refuses to write a baseline, and says so
    let o = run_clean(dir.path(), &["baseline", ".", "-q", "-o", "b.json"], &[]);
    assert_eq!((code(&o), stdout(&o).as_str()), (2, ""));
    assert!(stderr(&o).contains("the baseline was not written"));
}

#[test]
fn quiet_report_baseline_and_symbols() {
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    // report: the document is written, nothing is printed
    let o = run_clean(
        dir.path(),
        &["report", ".", "-q", "--output", "doc.md"],
        &[],
    );
    assert_eq!(
        (code(&o), stdout(&o).as_str(), stderr(&o).as_str()),
        (0, "", "")
    );
    assert!(dir.path().join("doc.md").is_file());
    // report --check: the exit code says current (0) or stale (1), nothing else
    let o = run_clean(
        dir.path(),
        &["report", ".", "-q", "--output", "doc.md", "--check"],
        &[],
    );
    assert_eq!((code(&o), stdout(&o).as_str()), (0, ""));
    std::fs::write(dir.path().join("doc.md"), "stale\n").unwrap();
    let loud = run_clean(
        dir.path(),
        &["report", ".", "--output", "doc.md", "--check"],
        &[],
    );
    assert_eq!(code(&loud), 1);
    assert!(stdout(&loud).contains("is stale"));
    let o = run_clean(
        dir.path(),
        &["report", ".", "--quiet", "--output", "doc.md", "--check"],
        &[],
    );
    assert_eq!((code(&o), stdout(&o).as_str()), (1, ""));
    // baseline
    let o = run_clean(dir.path(), &["baseline", ".", "-q", "-o", "b.json"], &[]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, ""));
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("b.json")).unwrap()).unwrap();
    assert_eq!(b["findings"].as_array().unwrap().len(), 3);
    // symbols
    let loud = run_clean(dir.path(), &["symbols", "."], &[]);
    assert!(stdout(&loud).contains("reconcile"));
    let o = run_clean(dir.path(), &["symbols", ".", "-q", "--format", "json"], &[]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, ""));
}
