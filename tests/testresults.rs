//! `--test-results` through the real binary: hostile JUnit files (entity bombs, deep nesting)
//! and test names long enough to expose super-linear name matching.

mod common;
use common::*;

/// A copy of the exact-naming fixture (forbids `CheckCooldown`, `CheckResourceLock`, …).
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("go_impure"), dir.path());
    dir
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn entity_bombs_are_not_expanded() {
    let dir = tree();
    let mut doc = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE testsuites [\n");
    doc.push_str("<!ENTITY l0 \"CheckCooldown\">\n");
    for i in 1..10 {
        doc.push_str(&format!(
            "<!ENTITY l{i} \"{}\">\n",
            format!("&l{};", i - 1).repeat(10)
        ));
    }
    doc.push_str("]>\n<testsuites><testsuite name=\"s\">\n");
    doc.push_str("<testcase classname=\"p\" name=\"TestBomb&l9;\"><system-out>&l9;</system-out></testcase>\n");
    doc.push_str(
        "<testcase classname=\"p\" name=\"TestFails\"><failure message=\"&l9;\"/></testcase>\n",
    );
    doc.push_str("</testsuite></testsuites>\n");
    let bomb = write(dir.path(), "bomb.xml", &doc);
    let (code, v) = check_json(dir.path(), &["--test-results", &bomb]);
    assert_ne!(code, 2);
    let t = &v["tests"];
    assert_eq!(
        (t["passed"].as_u64(), t["failed"].as_u64()),
        (Some(1), Some(1)),
        "{t:#}"
    );
    assert_eq!(t["failures"], serde_json::json!(["p::TestFails"]));
    // the reference stays as written, so the name holds no forbidden symbol
    assert_eq!(t["routing_related"], serde_json::json!([]));
}

#[test]
fn deep_nesting_is_refused_naming_the_file() {
    let dir = tree();
    let mut doc = String::from("<testsuites>\n<testsuite>\n");
    doc.push_str(&"<x>".repeat(100_000));
    doc.push_str(&"</x>".repeat(100_000));
    doc.push_str("</testsuite>\n</testsuites>\n");
    write(dir.path(), "deep.xml", &doc);
    let o = run_in(dir.path(), &["check", ".", "--test-results", "deep.xml"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("deep.xml: invalid XML: line 3: elements nested more than 256 deep"),
        "{err}"
    );
}

#[test]
fn long_test_names_are_matched_exactly() {
    // the example tree's builtin policy compares names by words
    let dir = tempfile::tempdir().unwrap();
    let example = root().join("examples/go-impure");
    // a 10 KB JUnit test-case name of 2,000 words, a forbidden symbol at its end
    let body: String = (0..2000).map(|i| format!("Word{}", i % 10)).collect();
    let junit = format!(
        "<testsuites><testsuite>\n\
         <testcase classname=\"p\" name=\"Test{body}CheckCooldown\"/>\n\
         <testcase classname=\"p\" name=\"Test{body}CheckCooldownx\"/>\n\
         </testsuite></testsuites>\n"
    );
    let junit = write(dir.path(), "long.xml", &junit);
    // a Go subtest name of 1,500 words, a forbidden symbol in its middle
    let words: Vec<String> = (0..1500).map(|i| format!("word{}", i % 7)).collect();
    let hit = format!(
        "TestReconcile/{}_check_resource_lock_{}",
        words[..750].join("_"),
        words[750..].join("_")
    );
    let miss = format!("TestReconcile/{}_check_resource", words.join("_"));
    let events: String = [&hit, &miss]
        .iter()
        .flat_map(|t| {
            ["run", "pass"].map(|a| {
                serde_json::json!({"Action": a, "Package": "p", "Test": t}).to_string() + "\n"
            })
        })
        .collect();
    let go = write(dir.path(), "sub.json", &events);
    let o = run_in(
        &example,
        &[
            "check",
            ".",
            "--format",
            "json",
            "--test-results",
            &junit,
            "--test-results",
            &go,
        ],
    );
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["tests"]["passed"], 4);
    assert_eq!(
        v["tests"]["routing_related"],
        serde_json::json!([format!("p/{hit}"), format!("p::Test{body}CheckCooldown")])
    );
}
