//! The Rust front-end through the real binary on generated inputs: deep nesting past the
//! parser's budget, files that do not tokenise, items syn keeps as raw tokens, a long file
//! of which only the item holding a listed name is parsed.

mod common;
use common::*;

const POLICY: &str =
    "[[rule]]\nid = \"r\"\nkind = \"forbid-symbol\"\nsymbols = [\"check_cooldown\"]\n";

/// A temp dir holding the policy and `files`.
fn tree(files: &[(String, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("routeaudit.toml"), POLICY).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// (file, line, message) of every warning of a JSON report.
fn warnings(v: &serde_json::Value) -> Vec<(String, u64, String)> {
    v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["file"].as_str().unwrap_or("").to_string(),
                w["line"].as_u64().unwrap_or(0),
                w["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// One construct nested `n` times, followed on line 2 by a forbidden call.
fn deep(construct: &str, n: usize) -> String {
    let r = |s: &str| s.repeat(n);
    let body = match construct {
        "generic" => format!("type T = {}u8{};", r("Vec<"), r(">")),
        "dyn_fn" => format!("type T = {}u8{};", r("Box<dyn Fn() -> "), r(">")),
        "closure" => format!("fn f() {{ let c = {}0; }}", r("|| ")),
        "assign" => format!("fn f() {{ {}b; }}", r("a = ")),
        "return" => format!("fn f() {{ {}1; }}", r("return ")),
        "break" => format!("fn f() {{ loop {{ {}1; }} }}", r("break ")),
        "ptr" => format!("type P = {}u8;", r("*const ")),
        "ref" => format!("type R<'a> = {}u8;", r("&'a ")),
        "fn_ptr" => format!("type F = {}u8;", r("fn() -> ")),
        "qself" => format!("type Q = {}T{};", r("<"), r(" as A>::B")),
        "method" => format!("fn f() {{ x{}; }}", r(".a()")),
        "binary" => format!("fn f() {{ let y = a{}; }}", r(" + 1")),
        "else_if" => format!("fn f() {{ if a {{}} {}}}", r("else if a {} ")),
        "paren" => format!("fn f() {{ {}1{}; }}", r("("), r(")")),
        other => panic!("unknown construct {other}"),
    };
    format!("{body}\nfn g() {{ check_cooldown(); }}\n")
}

#[test]
fn deep_nesting_is_read_at_token_level_with_a_warning() {
    let constructs = [
        "generic", "dyn_fn", "closure", "assign", "return", "break", "ptr", "ref", "fn_ptr",
        "qself", "method", "binary", "else_if", "paren",
    ];
    let files: Vec<(String, String)> = constructs
        .iter()
        .map(|c| (format!("{c}.rs"), deep(c, 100_000)))
        .collect();
    let dir = tree(&files);
    let (exit, v) = check_json(dir.path(), &[]);
    assert_eq!(exit, 1, "{v:#}");
    // the call after each deep item is found, as a call
    let mut found: Vec<(String, u64, String)> = finding_rows(&v)
        .into_iter()
        .map(|(f, line, _, occ, _)| (f, line, occ))
        .collect();
    found.sort();
    let mut want: Vec<(String, u64, String)> = constructs
        .iter()
        .map(|c| (format!("{c}.rs"), 2, "call".to_string()))
        .collect();
    want.sort();
    assert_eq!(found, want);
    let w = warnings(&v);
    for c in constructs {
        assert!(
            w.iter().any(|(f, line, m)| *f == format!("{c}.rs")
                && *line == 1
                && m.contains("nesting deeper than the parser's budget")),
            "{c}: {w:?}"
        );
    }
    // the human report prints the warning too
    let one = tree(&[("paren.rs".to_string(), deep("paren", 100_000))]);
    let o = run_in(one.path(), &["check", "."]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("paren.rs:1: nesting deeper than the parser's budget"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_file_that_does_not_tokenise_keeps_its_findings() {
    let dir = tree(&[
        (
            "broken.rs".to_string(),
            "fn h( {\nfn f(){ check_cooldown(); }\n".to_string(),
        ),
        (
            "open_comment.rs".to_string(),
            "fn a() {}\n/* never closed\nfn g() { check_cooldown(); }\n".to_string(),
        ),
    ]);
    let (exit, v) = check_json(dir.path(), &[]);
    assert_eq!(exit, 1, "{v:#}");
    let found: Vec<(String, u64, u64, String, bool)> = finding_rows(&v);
    assert_eq!(
        found,
        [("broken.rs".to_string(), 2, 9, "call".to_string(), false)]
    );
    let mut w = warnings(&v);
    w.sort();
    assert_eq!(
        w,
        [
            (
                "broken.rs".to_string(),
                1,
                "syntax error: unclosed `(`; identifiers classified from tokens only".to_string()
            ),
            (
                "open_comment.rs".to_string(),
                2,
                "syntax error: unterminated block comment (the rest of the file was read as a comment); identifiers classified from tokens only".to_string()
            ),
        ]
    );
}

#[test]
fn symbols_lists_functions_syn_keeps_as_raw_tokens() {
    let dir = tree(&[(
        "lib.rs".to_string(),
        "pub struct Name;\nimpl Name {\n    pub(crate) const fn new_validated(s: &str) -> &Self;\n    fn check(&self) { self.new_validated(\"x\"); }\n}\nextern \"C\" {\n    pub fn ext(a: u8) -> u8 { 1 }\n}\n".to_string(),
    )]);
    let o = run_in(dir.path(), &["symbols", ".", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows: Vec<(String, u64, u64, String, Option<String>)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["line"].as_u64().unwrap(),
                s["end_line"].as_u64().unwrap(),
                s["kind"].as_str().unwrap().to_string(),
                s["receiver"].as_str().map(String::from),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "new_validated".into(),
                3,
                3,
                "method".into(),
                Some("Name".into())
            ),
            ("check".into(), 4, 4, "method".into(), Some("Name".into())),
            ("ext".into(), 7, 7, "func".into(), None),
        ]
    );
    let human = run_in(dir.path(), &["symbols", "."]);
    assert!(
        stdout(&human).contains("lib.rs:3-3\tmethod\t(Name) new_validated"),
        "{}",
        stdout(&human)
    );
}

#[test]
fn a_long_one_line_file_is_read_one_item_at_a_time() {
    // 2,000 functions on one line after non-ASCII text; one calls the listed name, a test
    // module calls it too, and an item that holds no listed name does not parse
    let mut src = String::from("/* “données” */ ");
    for i in 0..2_000 {
        if i == 1_234 {
            src.push_str("fn hit() { let é = 1; check_cooldown(é); } ");
        } else if i == 1_500 {
            src.push_str("fn broken() { let = ; } ");
        } else {
            src.push_str(&format!("fn f{i}(x: u32) -> u32 {{ g(x + {i}) }} "));
        }
    }
    src.push_str("#[cfg(test)] mod tests { #[test] fn t() { super::check_cooldown(2); } }");
    let column = |needle: &str| src[..src.find(needle).unwrap()].chars().count() as u64 + 1;
    let (hit, in_test) = (column("check_cooldown(é)"), column("check_cooldown(2)"));
    let dir = tree(&[("lib.rs".to_string(), src.clone())]);
    let (exit, v) = check_json(dir.path(), &[]);
    assert_eq!(exit, 1, "{v:#}");
    assert_eq!(
        finding_rows(&v),
        [
            ("lib.rs".to_string(), 1, hit, "call".to_string(), false),
            ("lib.rs".to_string(), 1, in_test, "call".to_string(), true),
        ]
    );
    // the item that does not parse was not read
    assert_eq!(warnings(&v), []);
    // every function is listed, the test function as test code
    let o = run_in(dir.path(), &["symbols", ".", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let all = v.as_array().unwrap();
    assert_eq!(all.len(), 2_001);
    let test_of = |name: &str| {
        let s = all.iter().find(|s| s["name"] == name).unwrap();
        s["test"].as_bool().unwrap()
    };
    assert!(test_of("t"));
    assert!(!test_of("hit") && !test_of("broken") && !test_of("f1999"));
}
