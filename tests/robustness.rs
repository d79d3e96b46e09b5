//! Bad input never panics and never passes silently: unreadable files, invalid UTF-8, binary
//! and huge files, symlink loops, .gitignore, hidden files, syntax errors.

mod common;
use common::*;

const POLICY: &str =
    "[[rule]]\nid = \"r\"\nkind = \"forbid-symbol\"\nsymbols = [\"CheckCooldown\"]\n";

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("routeaudit.toml"), POLICY).unwrap();
    std::fs::write(
        dir.path().join("ok.go"),
        "package a\nfunc f() { CheckCooldown() }\n",
    )
    .unwrap();
    dir
}

#[test]
fn invalid_utf8_is_read_with_a_warning_naming_file_and_line() {
    let dir = tree();
    std::fs::write(
        dir.path().join("latin1.go"),
        b"package a\n// caf\xe9\nfunc g() { CheckCooldown() }\n",
    )
    .unwrap();
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "{v:#}");
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v:#}");
    let w = &v["warnings"][0];
    assert_eq!(w["file"], "latin1.go");
    assert_eq!(w["line"], 2);
    assert_eq!(w["code"], "invalid-utf8");
    // the file was audited, and so was the rest
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["latin1.go", "ok.go"]);
}

#[test]
fn binary_and_huge_files_are_listed_and_a_huge_one_makes_the_run_incomplete() {
    let dir = tree();
    // a source file with NUL bytes is still a source file; a text file with them is binary
    let mut bin = b"package a\n".to_vec();
    bin.extend_from_slice(&[0, 1, 2, 3]);
    std::fs::write(dir.path().join("blob.go"), &bin).unwrap();
    let policy = format!("{POLICY}[scope]\ninclude = [\"**/*.go\", \"**/*.dat\"]\n");
    std::fs::write(dir.path().join("routeaudit.toml"), policy).unwrap();
    std::fs::write(dir.path().join("blob.dat"), &bin).unwrap();
    std::fs::write(dir.path().join("big.go"), "// CheckCooldown\n".repeat(2000)).unwrap();
    let (code, v) = check_json(dir.path(), &["--max-filesize", "10000"]);
    assert_eq!(code, 2, "big.go was not audited");
    assert_eq!(
        v["skipped"],
        serde_json::json!([{"file": "big.go", "reason": "too-large"}, {"file": "blob.dat", "reason": "binary"}])
    );
    assert_eq!(v["summary"]["files_skipped"], 2);
    assert_eq!(v["errors"][0]["file"], "big.go");
    let human = stdout(&run_in(
        dir.path(),
        &["check", ".", "--max-filesize", "10000", "--color", "never"],
    ));
    assert!(
        human.contains("note: skipped 2 file(s): 1 too-large, 1 binary\n  big.go (too-large)\n  blob.dat (binary)\n"),
        "{human}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_in_scope_is_exit_2() {
    // a dangling symlink in scope cannot be opened (whoever runs the tests, root included):
    // the gate must not pass on what it did not read
    let dir = tree();
    std::os::unix::fs::symlink(
        dir.path().join("nowhere.go"),
        dir.path().join("dangling.go"),
    )
    .unwrap();
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 2, "{v:#}");
    assert!(
        v["errors"][0]["file"]
            .as_str()
            .unwrap()
            .contains("dangling.go"),
        "{v:#}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_once_and_the_walk_finishes() {
    let dir = tree();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("sub/x.go"),
        "package sub\nfunc x() { CheckCooldown() }\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("sub/loop")).unwrap();
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "{v:#}");
    let w: Vec<&serde_json::Value> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "walk")
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0]["message"]
            .as_str()
            .unwrap()
            .contains("symbolic link loop")
    );
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["ok.go", "sub/x.go"], "each file once");
    // --no-follow: the link is not entered at all
    let (_, v) = check_json(dir.path(), &["--no-follow"]);
    assert!(v["warnings"].as_array().unwrap().is_empty());
}

#[test]
fn gitignore_and_hidden_files() {
    let dir = tree();
    std::fs::write(dir.path().join(".gitignore"), "gen/\n").unwrap();
    std::fs::create_dir(dir.path().join("gen")).unwrap();
    std::fs::write(
        dir.path().join("gen/z.go"),
        "package gen\nfunc z() { CheckCooldown() }\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join(".hidden")).unwrap();
    std::fs::write(
        dir.path().join(".hidden/h.go"),
        "package h\nfunc h() { CheckCooldown() }\n",
    )
    .unwrap();
    let files = |extra: &[&str]| -> Vec<String> {
        let (_, v) = check_json(dir.path(), extra);
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["file"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(files(&[]), ["ok.go"]);
    assert_eq!(files(&["--no-ignore"]), ["gen/z.go", "ok.go"]);
    assert_eq!(files(&["--hidden"]), [".hidden/h.go", "ok.go"]);
}

#[test]
fn scope_excludes_and_explicit_files() {
    let dir = tree();
    std::fs::create_dir_all(dir.path().join("vendor/x")).unwrap();
    std::fs::write(
        dir.path().join("vendor/x/v.go"),
        "package x\nfunc v() { CheckCooldown() }\n",
    )
    .unwrap();
    let (_, v) = check_json(dir.path(), &[]);
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["ok.go"], "vendor/** is excluded by default");
    // an explicit file argument is audited, with paths relative to the current directory
    let o = run_in(dir.path(), &["check", "ok.go", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["findings"][0]["file"], "ok.go");
}

#[test]
fn garbage_sources_never_panic() {
    let dir = tree();
    // every file holds a listed name, so every file goes through its parser
    let junk = [
        (
            "a.go",
            "func ( {{{{ CheckCooldown \"unterminated\n/* open".to_string(),
        ),
        ("b.go", "package\u{1}x CheckCooldown(".to_string()),
        (
            "c.yaml",
            "key: [unclosed\n\t- : :\n# CheckCooldown\n".to_string(),
        ),
        (
            "d.go",
            format!(
                "package d\nfunc f() {{ x := {}CheckCooldown()",
                "(".repeat(20000)
            ),
        ),
        ("e.go", "CheckCooldown".to_string()),
        ("f.rs", "fn f( { CheckCooldown( \"open r#\" '".to_string()),
        (
            "g.rs",
            format!(
                "fn f() {{ let x = {}CheckCooldown(1){}; }}",
                "[".repeat(3000),
                "]".repeat(3000)
            ),
        ),
        (
            "h.rs",
            "fn h() { CheckCooldown(); } /* /* nested */".to_string(),
        ),
        (
            "i.go",
            "package i\r\nfunc f() {\r\n\tCheckCooldown()\r\n}\r\n".to_string(),
        ),
    ];
    for (n, t) in &junk {
        std::fs::write(dir.path().join(n), t).unwrap();
    }
    let o = run_in(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // ok.go plus the 8 Go and Rust files above
    assert_eq!(v["summary"]["files_parsed"], 9, "{:#}", v["summary"]);
    // the deeply nested Rust call is still found, and the CRLF file has exact columns
    let at = |file: &str| -> Vec<(u64, u64)> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"] == file)
            .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(at("g.rs"), [(1, 3018)]);
    assert_eq!(at("i.go"), [(3, 2)]);
}

#[test]
fn a_closed_pipe_ends_output_quietly_with_the_verdict_exit_code() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tree();
    for i in 0..300 {
        std::fs::write(
            dir.path().join(format!("f{i}.go")),
            "package a\nfunc g() { CheckCooldown() }\n",
        )
        .unwrap();
    }
    let mut child = bin()
        .current_dir(dir.path())
        .args(["check", ".", "--color", "never"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // the reader is gone: the rest of the output hits a closed pipe
    let out = child.wait_with_output().unwrap();
    assert!(first.starts_with("error[r]"), "{first}");
    assert_eq!(out.status.code(), Some(1), "the verdict, not a pipe error");
    assert!(String::from_utf8_lossy(&out.stderr).is_empty(), "quiet");
}
