//! Suppressions and baselines cover exactly what they say: directives are read from comments
//! only (never YAML block or quoted scalars), a block comment's directive ends at `*/`, lone
//! carriage returns end lines, a deleted file's baseline entry does not hide an unrelated new
//! file; invalid suppressions, unknown rules and wrong path arguments are reported as what
//! they are; suppression warnings count at `--fail-on warning`; JSON and human summaries agree.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

const POLICY: &str = r#"[[rule]]
id = "no-routing"
kind = "forbid-symbol"
symbols = ["CheckCooldown", "MarkSkipped"]

[[rule]]
id = "crd-skip"
kind = "forbid-pattern"
regex = '\bskip(Reason|Details)\b'
include = ["**/*.yaml"]
in = ["code"]
"#;

fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("routeaudit.toml"), POLICY).unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// (file, line, status) of every finding.
fn statuses(v: &serde_json::Value) -> Vec<(String, u64, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(file: &str, line: u64, status: &str) -> (String, u64, String) {
    (file.to_string(), line, status.to_string())
}

fn warning_codes(v: &serde_json::Value) -> Vec<String> {
    v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
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

fn human(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["check", ".", "--color", "never"];
    args.extend_from_slice(extra);
    let o = run_in(dir, &args);
    (code(&o), stdout(&o), stderr(&o))
}

#[test]
fn yaml_block_and_quoted_scalars_hold_no_directives() {
    let dir = tree(&[(
        "deploy/crd.yaml",
        b"status:
  script: |
    # routeaudit:allow crd-skip -- inside a block scalar: data, not a comment
    skipReason: x
  folded: >-
    # routeaudit:allow crd-skip -- folded block scalar
    skipDetails
  note: \"a quoted scalar
    # routeaudit:allow crd-skip -- inside a quoted scalar
    skipDetails\"
  # routeaudit:allow crd-skip -- a real comment
  skipReason: y
",
    )]);
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "{v:#}");
    let f = "deploy/crd.yaml";
    assert_eq!(
        statuses(&v),
        [
            row(f, 4, "counted"),
            row(f, 7, "counted"),
            row(f, 10, "counted"),
            row(f, 12, "suppressed"),
        ]
    );
    assert_eq!(v["findings"][3]["suppression"], "a real comment");
    // the scalars' lines are data: no directive there, so nothing unused either
    assert!(v["warnings"].as_array().unwrap().is_empty(), "{v:#}");
}

#[test]
fn a_block_comment_directive_ends_at_its_close() {
    let dir = tree(&[(
        "a.go",
        b"package a\n\
func f() {\n\
\t/* routeaudit:allow no-routing -- legacy API */ CheckCooldown()\n\
\tCheckCooldown()\n\
\t/* routeaudit:allow no-routing -- kept until the migration */\n\
\tMarkSkipped()\n\
}\n",
    )]);
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "the call on line 4 is not covered");
    assert_eq!(
        statuses(&v),
        [
            row("a.go", 3, "suppressed"),
            row("a.go", 4, "counted"),
            row("a.go", 6, "suppressed"),
        ]
    );
    assert_eq!(v["findings"][0]["suppression"], "legacy API");
    assert_eq!(v["findings"][2]["suppression"], "kept until the migration");
}

#[test]
fn lone_carriage_returns_end_lines_for_findings_and_directives() {
    let dir = tree(&[(
        "crd.yaml",
        b"status:\r  # routeaudit:allow crd-skip -- migration\r  skipDetails: {}\r  skipReason: x\r  other: 1\r  skipReason: z\r",
    )]);
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        statuses(&v),
        [
            row("crd.yaml", 3, "suppressed"),
            row("crd.yaml", 4, "counted"),
            row("crd.yaml", 6, "counted"),
        ]
    );
    assert_eq!(v["findings"][1]["column"], 3);
    // the same file with \r\n and \n endings reads the same
    for eol in ["\r\n", "\n"] {
        let text = "status:\r  # routeaudit:allow crd-skip -- migration\r  skipDetails: {}\r  skipReason: x\r  other: 1\r  skipReason: z\r"
            .replace('\r', eol);
        std::fs::write(dir.path().join("crd.yaml"), text).unwrap();
        let (_, w) = check_json(dir.path(), &[]);
        assert_eq!(statuses(&w), statuses(&v), "{eol:?}");
    }
}

#[test]
fn a_deleted_file_does_not_baseline_an_unrelated_new_copy_of_its_violation() {
    let original: &[u8] = b"package a\n\n// Reconcile drives one object.\nfunc f() {\n\tCheckCooldown()\n\tvalidate()\n\tpersist()\n}\n";
    let unrelated: &[u8] = b"package b\n\nimport \"fmt\"\n\n// Report prints a summary.\nfunc Report() { fmt.Println(\"report\") }\n\nfunc f() {\n\tCheckCooldown()\n}\n";
    for in_git in [false, true] {
        let dir = tree(&[("a.go", original)]);
        if in_git {
            git(dir.path(), &["init", "-q", "-b", "main"]);
            git(dir.path(), &["add", "."]);
            git(dir.path(), &["commit", "-q", "-m", "base"]);
        }
        let o = run_in(dir.path(), &["baseline", ".", "--output", "baseline.json"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let b: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("baseline.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(b["files"]["a.go"]["lines"], 6, "{b:#}");

        // a.go deleted, an unrelated b.go holds the same violating line in a function `f`
        std::fs::remove_file(dir.path().join("a.go")).unwrap();
        std::fs::write(dir.path().join("b.go"), unrelated).unwrap();
        let (code, v) = check_json(dir.path(), &["--baseline", "baseline.json"]);
        assert_eq!(code, 1, "in git: {in_git}: {v:#}");
        assert_eq!(statuses(&v), [row("b.go", 9, "counted")]);
        assert_eq!(warning_codes(&v), ["stale-baseline-entry"]);

        // a real rename (with an edit) is followed
        std::fs::remove_file(dir.path().join("b.go")).unwrap();
        let renamed = String::from_utf8(original.to_vec()).unwrap().replace(
            "// Reconcile drives one object.",
            "// Reconcile drives one object (moved).",
        );
        std::fs::write(dir.path().join("c.go"), renamed).unwrap();
        if in_git {
            git(dir.path(), &["add", "-A"]);
            git(dir.path(), &["commit", "-q", "-m", "rename"]);
        }
        let (code, v) = check_json(dir.path(), &["--baseline", "baseline.json"]);
        assert_eq!(code, 0, "in git: {in_git}: {v:#}");
        assert_eq!(statuses(&v), [row("c.go", 5, "baselined")]);
        assert!(v["warnings"].as_array().unwrap().is_empty(), "{v:#}");

        // while the recorded file still exists, nothing follows a copy
        std::fs::write(dir.path().join("a.go"), original).unwrap();
        let (code, v) = check_json(dir.path(), &["--baseline", "baseline.json"]);
        assert_eq!(code, 1, "{v:#}");
        assert_eq!(
            statuses(&v),
            [row("a.go", 5, "baselined"), row("c.go", 5, "counted")]
        );
    }
}

#[test]
fn a_suppression_without_a_reason_is_an_invalid_suppression() {
    let dir = tree(&[(
        "a.go",
        b"package a\nfunc f() {\n\tCheckCooldown() // routeaudit:allow no-routing\n}\n",
    )]);
    let (code, out, _) = human(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "error: a.go:3: `routeaudit:allow no-routing` has no reason: add `-- <reason>`"
        ),
        "{out}"
    );
    let summary = out.lines().last().unwrap();
    assert!(summary.starts_with("routeaudit ERROR:"), "{summary}");
    assert!(summary.contains("1 invalid suppression"), "{summary}");
    assert!(
        !out.contains("unreadable") && !out.contains("could not be read"),
        "{out}"
    );

    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(v["verdict"], "error");
    assert_eq!(v["errors"][0]["kind"], "invalid-suppression");
    assert_eq!(v["errors"][0]["line"], 3);

    // every renderer words it as a suppression problem
    for (format, expect) in [
        ("github", "title=routeaudit%3A invalid suppression"),
        (
            "junit",
            "routeaudit:allow directive needs a rule and a reason",
        ),
        ("sarif", "invalid-suppression"),
        ("markdown", "1 routeaudit:allow directive is invalid"),
    ] {
        let o = run_in(dir.path(), &["check", ".", "--format", format]);
        assert_eq!(common::code(&o), 2, "{format}");
        let text = stdout(&o);
        assert!(text.contains(expect), "{format}: {text}");
        assert!(!text.contains("could not be read"), "{format}: {text}");
    }

    // a directive with no rule at all
    std::fs::write(
        dir.path().join("a.go"),
        "package a\n// routeaudit:allow -- why\nfunc f() {}\n",
    )
    .unwrap();
    let (code, out, _) = human(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        out.contains("error: a.go:2: `routeaudit:allow` names no rule"),
        "{out}"
    );
}

#[test]
fn an_unknown_rule_warns_and_suggests_the_closest_id() {
    let dir = tree(&[(
        "a.go",
        b"package a\nfunc f() {\n\t// routeaudit:allow no-routin -- typo\n\tCheckCooldown()\n\t// routeaudit:allow other-policy-rule -- for another policy\n\tMarkSkipped()\n}\n",
    )]);
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "the findings are not suppressed: {v:#}");
    assert_eq!(
        statuses(&v),
        [row("a.go", 4, "counted"), row("a.go", 6, "counted")]
    );
    let w = v["warnings"].as_array().unwrap();
    assert_eq!(warning_codes(&v), ["unknown-rule", "unknown-rule"]);
    assert_eq!(
        w[0]["message"],
        "unknown rule `no-routin` in routeaudit:allow; did you mean `no-routing`?"
    );
    assert_eq!(w[0]["line"], 3);
    assert_eq!(
        w[1]["message"],
        "unknown rule `other-policy-rule` in routeaudit:allow: the policy has no rule with this id"
    );
    // a warning, not an error: with the findings suppressed correctly, the run passes...
    std::fs::write(
        dir.path().join("a.go"),
        "package a\nfunc f() {\n\t// routeaudit:allow no-routing, no-routin -- typo beside the right id\n\tCheckCooldown()\n}\n",
    )
    .unwrap();
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(warning_codes(&v), ["unknown-rule"]);
    // ...and it counts at --fail-on warning
    let (code, out, _) = human(dir.path(), &["--fail-on", "warning"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("did you mean `no-routing`? [unknown-rule]"),
        "{out}"
    );
}

#[test]
fn a_missing_path_argument_is_the_only_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        "[[rule]]\nid = \"req\"\nkind = \"require-symbol\"\nsymbols = [\"reconcilePending\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.go"), "package a\n").unwrap();
    for format in ["human", "json"] {
        let o = run_in(dir.path(), &["check", "nonexistent", "--format", format]);
        assert_eq!(code(&o), 2, "{format}");
        assert_eq!(stdout(&o), "", "{format}: nothing is rendered");
        let err = stderr(&o);
        assert_eq!(
            err.lines().collect::<Vec<_>>(),
            [
                "error: cannot read the path argument `nonexistent`: No such file or directory (os error 2)"
            ],
            "{format}"
        );
    }
    // one existing and one missing path: still only the error
    let o = run_in(dir.path(), &["check", ".", "missing/dir"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("`missing/dir`"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("reconcilePending"), "{}", stderr(&o));
}

#[test]
fn an_unused_suppression_fails_at_fail_on_warning_and_is_counted() {
    let dir = tree(&[(
        "a.go",
        b"package a\n// routeaudit:allow no-routing -- nothing here any more\nfunc f() {}\n",
    )]);
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "--fail-on error: a warning does not fail");
    assert_eq!(v["verdict"], "pass");
    assert_eq!(v["summary"]["suppression_warnings"], 1);
    assert_eq!(warning_codes(&v), ["unused-suppression"]);

    let (code, v) = check_json(dir.path(), &["--fail-on", "warning"]);
    assert_eq!(code, 1);
    assert_eq!(v["verdict"], "fail");
    let (code, out, _) = human(dir.path(), &["--fail-on", "warning"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("warning: a.go:2: `routeaudit:allow no-routing` suppresses nothing: remove it [unused-suppression]"),
        "{out}"
    );
    let summary = out.lines().last().unwrap();
    assert!(
        summary.starts_with("routeaudit FAIL: ") && summary.contains("1 suppression warning"),
        "{summary}"
    );
    assert_eq!(code_of(dir.path(), &["--fail-on", "info"]), 1);
    assert_eq!(code_of(dir.path(), &["--fail-on", "never"]), 0);

    // a stale baseline entry describes the baseline, not the tree: it never fails the run
    std::fs::write(
        dir.path().join("a.go"),
        "package a\nfunc f() { CheckCooldown() }\n",
    )
    .unwrap();
    run_in(dir.path(), &["baseline", ".", "--output", "b.json"]);
    std::fs::write(dir.path().join("a.go"), "package a\nfunc f() {}\n").unwrap();
    let (code, v) = check_json(
        dir.path(),
        &["--baseline", "b.json", "--fail-on", "warning"],
    );
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(warning_codes(&v), ["stale-baseline-entry"]);
    assert!(v["summary"].get("suppression_warnings").is_none());
}

fn code_of(dir: &Path, extra: &[&str]) -> i32 {
    human(dir, extra).0
}

/// The numbers of the human summary line, by what they count.
fn human_counts(summary: &str) -> std::collections::BTreeMap<String, u64> {
    let mut m = std::collections::BTreeMap::new();
    // `routeaudit VERDICT: policy — PARTS (FILES; policy SOURCE)`
    let body = summary.split_once(" — ").expect("summary line").1;
    let (parts, files) = body.rsplit_once(" (").expect("file counts");
    let files = files.split_once("; policy").expect("policy source").0;
    for part in parts.split(", ").chain(files.split(", ")) {
        let (n, what) = part.split_once(' ').expect("a count and a word");
        let n: u64 = n
            .parse()
            .unwrap_or_else(|_| panic!("`{part}` in {summary}"));
        let key = match what {
            "error" | "errors" => "errors",
            "warning" | "warnings" => "warnings",
            "info" | "infos" => "infos",
            "in test code" => "test_findings",
            "suppressed" => "suppressed",
            "baselined" => "baselined",
            "outside the diff" => "outside_diff",
            "mention in comments/strings" | "mentions in comments/strings" => "mentions",
            "suppression warning" | "suppression warnings" => "suppression_warnings",
            "file scanned" | "files scanned" => "files_scanned",
            "skipped" => "files_skipped",
            "unreadable" => "unreadable",
            "invalid suppression" | "invalid suppressions" => "invalid-suppression",
            other => panic!("unknown part `{other}` in {summary}"),
        };
        assert!(
            m.insert(key.to_string(), n).is_none(),
            "{key} twice: {summary}"
        );
    }
    m
}

/// The same numbers from the JSON output (zeros left out, as the human line leaves them out
/// except errors, warnings, mentions and files scanned).
fn json_counts(v: &serde_json::Value) -> std::collections::BTreeMap<String, u64> {
    let mut m = std::collections::BTreeMap::new();
    let s = &v["summary"];
    for key in [
        "errors",
        "warnings",
        "infos",
        "test_findings",
        "suppressed",
        "baselined",
        "outside_diff",
        "mentions",
        "suppression_warnings",
        "files_scanned",
        "files_skipped",
    ] {
        let n = s.get(key).and_then(|n| n.as_u64()).unwrap_or(0);
        let always = matches!(key, "errors" | "warnings" | "mentions" | "files_scanned");
        if n > 0 || always {
            m.insert(key.to_string(), n);
        }
    }
    for e in v["errors"].as_array().unwrap() {
        *m.entry(e["kind"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    // and the summary agrees with the lists it summarises
    let findings = v["findings"].as_array().unwrap();
    let by_status = |st: &str| findings.iter().filter(|f| f["status"] == st).count() as u64;
    assert_eq!(by_status("suppressed"), s["suppressed"].as_u64().unwrap());
    assert_eq!(by_status("baselined"), s["baselined"].as_u64().unwrap());
    let counted = |sev: &str| {
        findings
            .iter()
            .filter(|f| f["status"] == "counted" && f["severity"] == sev)
            .count() as u64
    };
    assert_eq!(counted("error"), s["errors"].as_u64().unwrap());
    assert_eq!(counted("warning"), s["warnings"].as_u64().unwrap());
    let gating = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "unused-suppression" || w["code"] == "unknown-rule")
        .count() as u64;
    assert_eq!(
        gating,
        s.get("suppression_warnings")
            .and_then(|n| n.as_u64())
            .unwrap_or(0)
    );
    m
}

/// A tree's files: (path, content).
type Files<'a> = Vec<(&'a str, &'a [u8])>;

#[test]
fn json_and_human_summaries_count_the_same_things() {
    let warn_policy = format!(
        "{POLICY}\n[[rule]]\nid = \"soft\"\nkind = \"forbid-symbol\"\nseverity = \"warning\"\nsymbols = [\"Soft\"]\n\n[[rule]]\nid = \"note\"\nkind = \"forbid-symbol\"\nseverity = \"info\"\nsymbols = [\"Note\"]\n"
    );
    let trees: Vec<(Files, Vec<&str>)> = vec![
        // clean
        (vec![("a.go", b"package a\nfunc f() {}\n")], vec![]),
        // findings of every severity, a mention, a suppression, an unused and an unknown one
        (
            vec![(
                "a.go",
                b"package a\n// CheckCooldown is mentioned\nfunc f() {\n\tCheckCooldown()\n\tSoft()\n\tNote()\n\tMarkSkipped() // routeaudit:allow no-routing -- kept\n\t// routeaudit:allow no-routing -- unused\n\t// routeaudit:allow no-routng -- typo\n}\n",
            )],
            vec![],
        ),
        // test code, a skipped binary, an invalid suppression and an unreadable file
        (
            vec![
                ("a.go", b"package a\nfunc f() { CheckCooldown() }\n"),
                ("a_test.go", b"package a\nfunc g() { CheckCooldown() }\n"),
                ("blob.go", b"package a\n\x00\x01"),
                ("bad.go", b"package a\n// caf\xe9\n"),
                ("c.go", b"package a\n// routeaudit:allow no-routing\nfunc h() {}\n"),
            ],
            vec![],
        ),
        // a YAML file and fail-on warning
        (
            vec![(
                "crd.yaml",
                b"a: |\n  # routeaudit:allow crd-skip -- data\nskipReason: 1\n",
            )],
            vec!["--fail-on", "warning"],
        ),
    ];
    for (files, extra) in trees {
        let dir = tree(&files);
        std::fs::write(dir.path().join("routeaudit.toml"), &warn_policy).unwrap();
        let (jcode, v) = check_json(dir.path(), &extra);
        let (hcode, out, _) = human(dir.path(), &extra);
        assert_eq!(jcode, hcode, "{out}");
        let summary = out.lines().last().unwrap();
        assert_eq!(human_counts(summary), json_counts(&v), "{summary}\n{v:#}");
    }
}
