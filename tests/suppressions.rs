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
    // a warning, not an error: with the findings suppressed correctly, the run passes
    std::fs::write(
        dir.path().join("a.go"),
        "package a\nfunc f() {\n\t// routeaudit:allow no-routing, no-routin -- typo beside the right id\n\tCheckCooldown()\n}\n",
    )
    .unwrap();
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(warning_codes(&v), ["unknown-rule"]);
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
