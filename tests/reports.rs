//! Every output format on real fixture trees, through the binary: snapshots, SARIF schema
//! validation, the document's `--check`, test evidence, several outputs from one run.

mod common;
use common::*;
use std::path::Path;

/// A copy of a fixture outside any git repository, so the document has no commit line.
fn outside_git(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(name), dir.path());
    dir
}

fn sarif_validator() -> jsonschema::Validator {
    let local = root().join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(local).unwrap()).unwrap();
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// The committed copy is the official OASIS SARIF 2.1.0 schema, byte for byte: its length and
/// FNV-1a hash are pinned here, so a missing, truncated or edited copy fails (and so does the
/// shared copy beside the checkout, when there is one).
#[test]
fn committed_schema_is_the_official_one() {
    fn fnv1a(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }
    let local = std::fs::read(root().join("tests/schemas/sarif-schema-2.1.0.json"))
        .expect("tests/schemas/sarif-schema-2.1.0.json is committed");
    assert_eq!(local.len(), 112_768);
    assert_eq!(fnv1a(&local), 0x4d21_1c54_47f9_dfd0);
    let shared = root().join("../shared/schemas/sarif-schema-2.1.0.json");
    if let Ok(official) = std::fs::read(shared) {
        assert_eq!(official, local);
    }
}

/// Snapshots do not embed the crate's version: a release must not change them.
fn snapshot(name: &str, text: &str) {
    let version = regex::escape(env!("CARGO_PKG_VERSION"));
    insta::with_settings!({filters => vec![(version.as_str(), "[VERSION]")]}, {
        insta::assert_snapshot!(name, text);
    });
}

const FIXTURES: &[&str] = &[
    "go_mentions",
    "go_impure",
    "go_reach",
    "rust_tricky",
    "rust_pure",
    "rust_reach",
];

#[test]
fn sarif_from_every_fixture_validates() {
    let v = sarif_validator();
    let mut checked = 0;
    let examples =
        ["go-pure", "go-impure", "rust-pure", "rust-impure"].map(|e| format!("../../examples/{e}"));
    for name in FIXTURES
        .iter()
        .copied()
        .chain(examples.iter().map(String::as_str))
    {
        let o = run_in(&fixture(name), &["check", ".", "--format", "sarif"]);
        assert!(code(&o) < 2, "{name}: {}", stderr(&o));
        let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        checked += 1;
    }
    assert_eq!(checked, 6 + 4);
    // the reach fixtures carry code flows, one location per hop
    for name in ["go_reach", "rust_reach"] {
        let o = run_in(&fixture(name), &["check", ".", "--format", "sarif"]);
        let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let flow = &doc["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"][0]["locations"];
        assert_eq!(flow.as_array().unwrap().len(), 4, "{name}: {flow:#}");
    }
}

#[test]
fn sarif_fingerprints_survive_lines_inserted_above() {
    let dir = outside_git("go_impure");
    let fps = |d: &Path| -> Vec<String> {
        let o = run_in(d, &["check", ".", "--format", "sarif"]);
        let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["routeaudit/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let before = fps(dir.path());
    let calls = dir.path().join("internal/we/calls.go");
    let src = std::fs::read_to_string(&calls).unwrap();
    std::fs::write(
        &calls,
        src.replacen(
            "package we\n",
            "package we\n\n// one\n// two\n// three\n",
            1,
        ),
    )
    .unwrap();
    let after = fps(dir.path());
    let mut b = before.clone();
    let mut a = after.clone();
    b.sort();
    a.sort();
    assert_eq!(a, b, "same fingerprints after inserting lines");
    // and the lines did move
    let (_, v) = check_json(dir.path(), &[]);
    assert!(
        finding_rows(&v)
            .iter()
            .any(|r| r.0 == "internal/we/calls.go" && r.1 == 10)
    );
}

#[test]
fn every_format_snapshot() {
    let dir = outside_git("go_impure");
    for (format, name) in [
        ("human", "impure_human"),
        ("json", "impure_json"),
        ("markdown", "impure_markdown"),
        ("sarif", "impure_sarif"),
        ("github", "impure_github"),
        ("junit", "impure_junit"),
    ] {
        let o = run_in(
            dir.path(),
            &["check", ".", "--format", format, "--color", "never"],
        );
        assert_eq!(code(&o), 1, "{format}: {}", stderr(&o));
        snapshot(name, &stdout(&o));
    }
    let dir = outside_git("go_reach");
    let o = run_in(dir.path(), &["report", "."]);
    snapshot("reach_markdown", &stdout(&o));
}

#[test]
fn clean_and_impure_documents_carry_every_section() {
    for (tree, verdict) in [
        ("go-pure", "**Verdict: PURE**"),
        ("go-impure", "**Verdict: NOT PURE**"),
    ] {
        let o = run_in(&root().join("examples").join(tree), &["report", "."]);
        let doc = stdout(&o);
        assert!(doc.contains(verdict), "{tree}");
        for section in [
            "## Summary",
            "## Forbidden symbols",
            "## Execution functions",
            "## Functions",
            "## Mentions in comments and strings",
            "## Evidence",
            "## Handoff",
            "## How to reproduce",
        ] {
            assert!(doc.contains(section), "{tree}: no {section}\n{doc}");
        }
        // no test results were given: no section says so
        assert!(!doc.contains("## Tests"), "{tree}");
        // nothing of the checkout: the document stays current once committed
        assert!(!doc.contains("Git commit"), "{tree}");
    }
    let pure = stdout(&run_in(&root().join("examples/go-pure"), &["report", "."]));
    assert!(
        pure.contains("| `CheckCooldown` | ✅ not found |"),
        "{pure}"
    );
    assert!(pure.contains("lines 45–56"), "{pure}");
    assert!(pure.contains("No routing logic"), "evidence quoted");
}

#[test]
fn report_check_is_0_when_current_and_1_when_stale() {
    let dir = outside_git("go_impure");
    let doc = dir.path().join("docs/VERIFICATION.md");
    std::fs::create_dir_all(doc.parent().unwrap()).unwrap();
    let o = run_in(
        dir.path(),
        &["report", ".", "--output", "docs/VERIFICATION.md"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(doc.exists());
    let o = run_in(
        dir.path(),
        &["report", ".", "--output", "docs/VERIFICATION.md", "--check"],
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("is up to date"));
    // the tree changes: the committed document is stale
    std::fs::write(
        dir.path().join("internal/we/extra.go"),
        "package we\nfunc x() { MarkSkipped() }\n",
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &["report", ".", "--output", "docs/VERIFICATION.md", "--check"],
    );
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("is stale"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with('+') && l.contains("extra.go")),
        "{out}"
    );
    // --check never writes
    assert!(!std::fs::read_to_string(&doc).unwrap().contains("extra.go"));
}

#[test]
fn test_results_are_counted_exactly() {
    let dir = outside_git("go_impure");
    let results = root().join("tests/fixtures/test-results");
    let go = results.join("go-test.json");
    let nextest = results.join("nextest-junit.xml");
    let (_, v) = check_json(dir.path(), &["--test-results", go.to_str().unwrap()]);
    let t = &v["tests"];
    assert_eq!(
        (
            t["passed"].as_u64(),
            t["failed"].as_u64(),
            t["skipped"].as_u64()
        ),
        (Some(6), Some(1), Some(1)),
        "{t:#}"
    );
    let (_, v) = check_json(dir.path(), &["--test-results", nextest.to_str().unwrap()]);
    let t = &v["tests"];
    assert_eq!(
        (
            t["passed"].as_u64(),
            t["failed"].as_u64(),
            t["skipped"].as_u64()
        ),
        (Some(4), Some(1), Some(0)),
        "{t:#}"
    );
    // several files add up
    let (_, v) = check_json(
        dir.path(),
        &[
            "--test-results",
            go.to_str().unwrap(),
            "--test-results",
            nextest.to_str().unwrap(),
        ],
    );
    assert_eq!(v["tests"]["passed"], 10);
    assert_eq!(v["tests"]["failed"], 2);
    // routing-related: test names holding a forbidden symbol, under the policy's naming
    let gotestsum = results.join("gotestsum-junit.xml");
    let (_, v) = check_json(
        dir.path(),
        &[
            "--test-results",
            gotestsum.to_str().unwrap(),
            "--test-results",
            nextest.to_str().unwrap(),
        ],
    );
    assert_eq!(
        v["tests"]["routing_related"],
        serde_json::json!([
            "github.com/acme/kubernaut/internal/controller/workflowexecution::TestCheckCooldown_Expired"
        ]),
        "exact naming"
    );
    let words = run_in(
        &root().join("examples/go-impure"),
        &[
            "check",
            ".",
            "--format",
            "json",
            "--test-results",
            gotestsum.to_str().unwrap(),
            "--test-results",
            nextest.to_str().unwrap(),
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&words)).unwrap();
    assert_eq!(
        v["tests"]["routing_related"],
        serde_json::json!([
            "github.com/acme/kubernaut/internal/controller/workflowexecution::TestCheckCooldown_Expired",
            "routeaudit::cli::check_resource_lock_is_reported"
        ]),
        "words naming"
    );
    // neither format: exit 2 naming the file
    let bad = dir.path().join("notes.txt");
    std::fs::write(&bad, "all good\n").unwrap();
    let o = run_in(dir.path(), &["check", ".", "--test-results", "notes.txt"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("notes.txt"), "{}", stderr(&o));
}

#[test]
fn several_outputs_from_one_run() {
    let dir = outside_git("go_impure");
    let out = tempfile::tempdir().unwrap();
    let p = |n: &str| out.path().join(n).to_string_lossy().into_owned();
    let o = run_in(
        dir.path(),
        &[
            "check",
            ".",
            "--color",
            "never",
            "--sarif-output",
            &p("r.sarif"),
            "--markdown-output",
            &p("v.md"),
            "--json-output",
            &p("r.json"),
            "--junit-output",
            &p("junit.xml"),
            "--github-output",
            &p("annotations.txt"),
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("error[no-routing-functions]"));
    for (n, start) in [
        ("r.sarif", "{"),
        ("v.md", "# "),
        ("r.json", "{"),
        ("junit.xml", "<?xml"),
        ("annotations.txt", "::"),
    ] {
        let text = std::fs::read_to_string(out.path().join(n)).unwrap();
        assert!(
            text.starts_with(start),
            "{n}: {}",
            &text[..text.len().min(80)]
        );
    }
    // identical to the single-format runs
    let json = stdout(&run_in(dir.path(), &["check", ".", "--format", "json"]));
    assert_eq!(
        std::fs::read_to_string(out.path().join("r.json")).unwrap(),
        json
    );
}

#[test]
fn a_failed_write_leaves_no_file_behind() {
    let dir = outside_git("go_impure");
    // a parent that is a file cannot be created (missing directories are)
    std::fs::write(dir.path().join("blocker"), "").unwrap();
    let o = run_in(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "json",
            "--output",
            "blocker/out.json",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("cannot write blocker/out.json"),
        "{}",
        stderr(&o)
    );
    // an existing report is replaced whole, never truncated in place
    let target = dir.path().join("out.json");
    std::fs::write(&target, "old").unwrap();
    let o = run_in(
        dir.path(),
        &["check", ".", "--format", "json", "--output", "out.json"],
    );
    assert_eq!(code(&o), 1);
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.starts_with('{') && text.ends_with("}\n"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".routeaudit-"))
        .collect();
    assert!(leftovers.is_empty());
}
