//! Issue 12: the inventory (document, `symbols`, routing-like names) comes from each
//! front-end's declaration scanner where one exists, without a parse; it must list exactly
//! the functions a parse lists.

mod common;
use common::*;

/// `symbols --format json` (scanner where possible) against `symbols --calls` (every file
/// parsed for the call graph), callers and callees left out.
fn inventories(dir: &std::path::Path) -> (serde_json::Value, serde_json::Value) {
    let read = |args: &[&str]| {
        let o = run_in(dir, args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let mut v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        for f in v.as_array_mut().unwrap() {
            let f = f.as_object_mut().unwrap();
            f.remove("callers");
            f.remove("callees");
        }
        v
    };
    (
        read(&["symbols", ".", "--format", "json"]),
        read(&["symbols", ".", "--calls", "--format", "json"]),
    )
}

#[test]
fn the_scanned_inventory_is_the_parsed_one() {
    for name in [
        "go_impure",
        "go_mentions",
        "go_reach",
        "prefilter_edge",
        "../../examples/go-pure",
        "../../examples/go-impure",
        "../../examples/go-renamed",
        "rust_pure",
        "rust_tricky",
        "rust_reach",
        "../../examples/rust-pure",
        "../../examples/rust-impure",
        "../../examples/rust-renamed",
    ] {
        let dir = fixture(name);
        let (scanned, parsed) = inventories(&dir);
        assert!(!parsed.as_array().unwrap().is_empty(), "{name}");
        assert_eq!(scanned, parsed, "{name}");
    }
}

#[test]
fn a_document_run_parses_only_what_its_rules_need() {
    // 40 files, one holding a listed name: the document lists every function and parses one
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        "[[rule]]\nid = \"r\"\nkind = \"forbid-symbol\"\nsymbols = [\"CheckCooldown\"]\n",
    )
    .unwrap();
    for i in 0..40 {
        let body = if i == 7 {
            "package x\n\nfunc f7() { CheckCooldown() }\n".to_string()
        } else {
            format!(
                "package x\n\n// f{i} does one step.\nfunc f{i}() {{}}\n\nfunc (r *R) m{i}() {{\n}}\n"
            )
        };
        std::fs::write(dir.path().join(format!("f{i}.go")), body).unwrap();
    }
    let md = dir.path().join("doc.md");
    let (c, v) = check_json(dir.path(), &["--markdown-output", md.to_str().unwrap()]);
    assert_eq!(c, 1);
    assert_eq!(v["summary"]["files_parsed"], 1, "{v:#}");
    let (scanned, parsed) = inventories(dir.path());
    assert_eq!(scanned.as_array().unwrap().len(), 79);
    assert_eq!(scanned, parsed);
}
