//! The verification document through the real binary: a committed document stays current
//! (`report --check`) however the same audit is typed, its links lead to the files from where
//! it is saved, its reproduce line carries every flag that changes it, and on a tree of
//! thousands of files it stays within its line budget without losing a finding.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .expect("run git");
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
}

/// A git repository holding the `go_impure` fixture and a `go test -json` file.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("go_impure"), dir.path());
    std::fs::create_dir_all(dir.path().join("results")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/test-results/go-test.json"),
        dir.path().join("results/go-test.json"),
    )
    .unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "tree"]);
    dir
}

fn run_ok(cwd: &Path, args: &[&str], want: i32) -> std::process::Output {
    let o = run_in(cwd, args);
    assert_eq!(
        code(&o),
        want,
        "{args:?}\nstdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    o
}

#[test]
fn a_committed_document_is_current_however_the_audit_is_typed() {
    let dir = repo();
    let top = dir.path();
    // `docs/handoff` does not exist: it is created
    run_ok(
        top,
        &[
            "report",
            ".",
            "--test-results",
            "results/go-test.json",
            "--output",
            "docs/handoff/V.md",
        ],
        0,
    );
    let doc = std::fs::read_to_string(top.join("docs/handoff/V.md")).unwrap();
    assert!(
        doc.contains(
            "```sh\nrouteaudit report . --test-results results/go-test.json --output docs/handoff/V.md\n```"
        ),
        "{doc}"
    );
    assert!(doc.contains("From the repository root:"), "{doc}");
    assert!(
        doc.contains("[`internal/we/calls.go:6:21`](../../internal/we/calls.go#L6)"),
        "links relative to the document: {doc}"
    );
    assert!(doc.contains("Read from `results/go-test.json`."), "{doc}");
    git(top, &["add", "-A"]);
    git(top, &["commit", "-qm", "verification document"]);

    let abs_results = top.join("results/go-test.json");
    let abs_results = abs_results.to_str().unwrap();
    let abs_doc = top.join("docs/handoff/V.md");
    let abs_doc = abs_doc.to_str().unwrap();
    let abs_top = top.to_str().unwrap();
    for (cwd, args) in [
        (
            top.to_path_buf(),
            vec![
                "report",
                ".",
                "--test-results",
                "results/go-test.json",
                "--output",
                "docs/handoff/V.md",
            ],
        ),
        (
            top.to_path_buf(),
            vec![
                "report",
                "./",
                "--test-results",
                abs_results,
                "--output",
                "./docs/handoff/V.md",
            ],
        ),
        (
            top.to_path_buf(),
            vec![
                "report",
                abs_top,
                "--test-results",
                "./results/go-test.json",
                "--output",
                abs_doc,
            ],
        ),
        (
            top.join("internal/we"),
            vec![
                "report",
                "../..",
                "--test-results",
                "../../results/go-test.json",
                "--output",
                "../../docs/handoff/V.md",
            ],
        ),
    ] {
        let mut args = args;
        args.push("--check");
        let o = run_ok(&cwd, &args, 0);
        assert!(stdout(&o).contains("is up to date"), "{}", stdout(&o));
    }

    // a later commit that does not touch the audited code leaves the document current
    std::fs::write(top.join("NOTES.txt"), "unrelated\n").unwrap();
    git(top, &["add", "-A"]);
    git(top, &["commit", "-qm", "notes"]);
    run_ok(
        top,
        &[
            "report",
            ".",
            "--test-results",
            "results/go-test.json",
            "--output",
            "docs/handoff/V.md",
            "--check",
        ],
        0,
    );
    // the audited code changes: stale, and the message says how to refresh it
    std::fs::write(
        top.join("internal/we/extra.go"),
        "package we\nfunc x() { MarkSkipped() }\n",
    )
    .unwrap();
    let o = run_ok(
        top,
        &[
            "report",
            ".",
            "--test-results",
            "results/go-test.json",
            "--output",
            "docs/handoff/V.md",
            "--check",
        ],
        1,
    );
    assert!(
        stdout(&o).contains(
            "is stale: run `routeaudit report . --test-results results/go-test.json --output \
             docs/handoff/V.md` from the repository root"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_unreadable_committed_document_is_an_error() {
    let dir = repo();
    let top = dir.path();
    std::fs::create_dir_all(top.join("docs/V.md")).unwrap();
    let o = run_ok(top, &["report", ".", "--output", "docs/V.md", "--check"], 2);
    let err = stderr(&o);
    assert!(
        err.contains("the committed document") && err.contains("docs/V.md"),
        "{err}"
    );
    assert!(err.contains("a directory, not a regular file"), "{err}");

    let fifo = top.join("docs/fifo.md");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let o = run_ok(
        top,
        &["report", ".", "--output", "docs/fifo.md", "--check"],
        2,
    );
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
}

#[test]
fn standard_output_links_are_relative_to_the_repository_root() {
    let dir = repo();
    let o = run_ok(&dir.path().join("internal"), &["report"], 0);
    let doc = stdout(&o);
    assert!(
        doc.contains("[`internal/we/calls.go:6:21`](internal/we/calls.go#L6)"),
        "{doc}"
    );
    assert!(doc.contains("File links are relative to the repository root."));
    assert!(doc.contains("| Root | `internal` |"), "{doc}");
    assert!(doc.contains(" from `routeaudit.toml` |"), "{doc}");
    assert!(doc.contains("\nrouteaudit report internal\n"), "{doc}");
}

#[test]
fn the_reproduce_line_carries_what_changes_the_document() {
    let dir = repo();
    let top = dir.path();
    run_ok(top, &["baseline", ".", "--output", "ci/baseline.json"], 0);
    let o = run_in(
        top,
        &[
            "check",
            "./internal/",
            "--format",
            "json",
            "--fail-on",
            "warning",
            "--baseline",
            "ci/baseline.json",
            "--new-from-rev",
            "HEAD",
            "--no-ignore",
            "--max-filesize",
            "100000",
            "--markdown-output",
            "out/doc.md",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = std::fs::read_to_string(top.join("out/doc.md")).unwrap();
    assert!(
        doc.contains(
            "\nrouteaudit check internal --no-ignore --max-filesize 100000 --fail-on warning \
             --baseline ci/baseline.json --new-from-rev HEAD --markdown-output out/doc.md\n"
        ),
        "{doc}"
    );
    assert!(doc.contains("| Fails on | warning and above |"), "{doc}");
    // links from out/ back to the tree
    assert!(doc.contains("](../internal/we/"), "{doc}");
}

#[test]
fn the_human_report_summarises_test_results() {
    let dir = repo();
    let o = run_in(
        dir.path(),
        &[
            "check",
            ".",
            "--color",
            "never",
            "--test-results",
            "results/go-test.json",
        ],
    );
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.starts_with("tests: "))
        .unwrap_or_else(|| panic!("no tests line:\n{out}"));
    let json = run_in(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "json",
            "--test-results",
            "results/go-test.json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let t = &v["tests"];
    assert_eq!(
        line,
        format!(
            "tests: {} passed, {} failed, {} skipped; {} routing-related (results/go-test.json)",
            t["passed"],
            t["failed"],
            t["skipped"],
            t["routing_related"].as_array().unwrap().len()
        )
    );
}

#[test]
fn routing_like_names_and_neutral_words_for_a_custom_policy() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    std::fs::write(
        top.join("routeaudit.toml"),
        r#"[policy]
name = "team-policy"

[[rule]]
id = "pending-does-not-route"
kind = "forbid-reach"
from = ["reconcilePending"]
to = ['(?i)cooldown']
message = "the pending path reaches routing"
"#,
    )
    .unwrap();
    std::fs::create_dir_all(top.join("we")).unwrap();
    std::fs::write(
        top.join("we/pending.go"),
        "package we\n\nfunc reconcilePending() { waitCooldown() }\n\nfunc waitCooldown() {}\n\n\
         func isCooldownOver() bool { return true }\n",
    )
    .unwrap();
    let o = run_ok(top, &["report", "."], 0);
    let doc = stdout(&o);
    assert!(doc.contains("**Verdict: FAIL**"), "neutral words:\n{doc}");
    assert!(!doc.contains("PURE"), "{doc}");
    let section = doc
        .split("## Routing-like names")
        .nth(1)
        .unwrap_or_else(|| panic!("no routing-like section:\n{doc}"));
    let section = section.split("\n## ").next().unwrap();
    assert!(
        section.contains(
            "| `isCooldownOver` | [`we/pending.go:7`](we/pending.go#L7) | `pending-does-not-route` | `(?i)cooldown` |"
        ),
        "{section}"
    );
    // reached through a reported call path: not listed
    assert!(!section.contains("waitCooldown"), "{section}");
    // the list is the document's, not part of the JSON contract
    let json = run_in(top, &["check", ".", "--format", "json"]);
    assert!(!stdout(&json).contains("isCooldownOver"));
}

/// Writes a tree of `dirs` × `per_dir` Go files under `top`: every file calls a forbidden
/// function and mentions one in a comment; one file holds the required functions.
fn big_tree(top: &Path, dirs: usize, per_dir: usize) {
    for d in 0..dirs {
        let dir = top.join(format!("svc{d:02}/internal/ctrl"));
        std::fs::create_dir_all(&dir).unwrap();
        for f in 0..per_dir {
            let body = format!(
                "package ctrl\n\n// CheckCooldown moved to the orchestrator (file {f})\n\
                 func (r *R) step{f}() {{\n\tr.CheckCooldown()\n}}\n\n\
                 func helper{f}() {{}}\n"
            );
            std::fs::write(dir.join(format!("f{f:03}.go")), body).unwrap();
        }
    }
    std::fs::write(
        top.join("svc00/internal/ctrl/lifecycle.go"),
        "package ctrl\n\nfunc (r *R) reconcilePending() {\n}\n\nfunc (r *R) reconcileRunning() {\n\
         }\n\nfunc (r *R) ReconcileTerminal() {\n\tr.MarkSkipped()\n}\n\n\
         func (r *R) HandleAlreadyExists() {}\n",
    )
    .unwrap();
}

/// `%XX` escapes back to bytes.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn a_document_on_thousands_of_files_stays_within_its_budget() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    big_tree(top, 60, 51);
    run_ok(top, &["report", ".", "--output", "docs/V.md"], 0);
    let doc = std::fs::read_to_string(top.join("docs/V.md")).unwrap();
    let lines = doc.lines().count();
    assert!(lines <= 3000, "{lines} lines");

    let json = run_in(top, &["check", ".", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert!(v["summary"]["files_scanned"].as_u64().unwrap() >= 3000);
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.len() >= 3000, "{}", findings.len());
    let targets: std::collections::HashSet<&str> = doc
        .split("](")
        .skip(1)
        .map(|p| &p[..p.find(')').unwrap()])
        .collect();
    // every finding, by its link
    for f in findings {
        let (Some(file), Some(line)) = (f["file"].as_str(), f["line"].as_u64()) else {
            continue;
        };
        let target = format!("../{file}#L{line}");
        assert!(targets.contains(target.as_str()), "no link {target}");
    }
    // every required symbol, with its line range
    for r in v["required"].as_array().unwrap() {
        assert_eq!(r["found"], true, "{r}");
        let (file, line, end) = (
            r["file"].as_str().unwrap(),
            r["line"].as_u64().unwrap(),
            r["end_line"].as_u64().unwrap(),
        );
        let range = if end > line {
            format!("{line}–{end}")
        } else {
            line.to_string()
        };
        assert!(
            targets.contains(format!("../{file}#L{line}").as_str()) && doc.contains(&range),
            "required {} at {file}:{range}",
            r["symbol"]
        );
    }
    // every mention, by its link
    assert!(v["mentions"].as_array().unwrap().len() >= 3000);
    for m in v["mentions"].as_array().unwrap() {
        let target = format!("../{}#L{}", m["file"].as_str().unwrap(), m["line"]);
        assert!(
            targets.contains(target.as_str()),
            "no mention link {target}"
        );
    }
    // every link leads to a file or directory that exists, from the document's directory
    let docs = top.join("docs");
    for target in &targets {
        let path = percent_decode(target.split('#').next().unwrap());
        assert!(docs.join(&path).exists(), "dead link {target}");
    }
    assert!(targets.len() > 6000, "{} links", targets.len());
    assert!(
        doc.contains("`routeaudit symbols . --format json`"),
        "the full inventory is named"
    );
}
