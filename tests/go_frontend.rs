//! The Go front-end through the real binary on generated inputs: deep nesting, very long
//! lines, long call chains and line-ending styles are read completely and in linear time
//! (sizes here are modest; the limits are exercised at full size by hand, see the module
//! docs of `lang::go`).

mod common;
use common::*;

const POLICY: &str =
    "[[rule]]\nid = \"r\"\nkind = \"forbid-symbol\"\nsymbols = [\"CheckCooldown\"]\n";

/// Runs `check` on one generated `a.go`; returns the exit code, (line, column, occurrence)
/// of each finding, and the warning messages.
fn check_one(src: &str) -> (i32, Vec<(u64, u64, String)>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("routeaudit.toml"), POLICY).unwrap();
    std::fs::write(dir.path().join("a.go"), src).unwrap();
    let (code, v) = check_json(dir.path(), &[]);
    let rows = finding_rows(&v)
        .into_iter()
        .map(|(_, l, c, o, _)| (l, c, o))
        .collect();
    let warnings = v["warnings"]
        .as_array()
        .map(|w| {
            w.iter()
                .map(|w| w["message"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    (code, rows, warnings)
}

fn column_of(line: &str, needle: &str) -> u64 {
    line[..line.find(needle).unwrap()].chars().count() as u64 + 1
}

#[test]
fn hundred_thousand_levels_of_nesting_are_read() {
    let n = 100_000;
    let shapes = [
        ("(".repeat(n), ")".repeat(n)),
        ("!".repeat(n), String::new()),
        ("T{".repeat(n), "}".repeat(n)),
        ("func() int { return ".repeat(n), "}".repeat(n)),
    ];
    for (open, close) in shapes {
        let line = format!("\t_ = {open}CheckCooldown(){close}");
        let src = format!("package p\n\nfunc f() {{\n{line}\n}}\n");
        let (code, rows, warnings) = check_one(&src);
        assert_eq!(code, 1, "{warnings:?}");
        let col = column_of(&line, "CheckCooldown");
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!((rows[0].0, rows[0].1), (4, col));
        assert_eq!(rows[0].2, "call");
    }
}

#[test]
fn deep_nesting_within_the_budget_is_parsed_without_recursion() {
    // a callee in 90,000 parentheses: parsed (no warning), and the callee found
    let n = 90_000;
    let line = format!("\t{}CheckCooldown{}()", "(".repeat(n), ")".repeat(n));
    let src = format!("package p\n\nfunc f() {{\n{line}\n}}\n");
    let (code, rows, warnings) = check_one(&src);
    assert_eq!(code, 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        rows,
        [(4, column_of(&line, "CheckCooldown"), "call".into())]
    );
}

#[test]
fn long_method_chains_are_read() {
    // 400,000 calls in one chain: beyond the nesting budget, read token by token
    let line = format!("\tx{}.CheckCooldown()", ".F()".repeat(400_000));
    let src = format!("package p\n\nfunc f() {{\n{line}\n}}\n");
    let (code, rows, warnings) = check_one(&src);
    assert_eq!(code, 1);
    assert_eq!(
        rows,
        [(4, column_of(&line, "CheckCooldown"), "call".into())]
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("read token by token"), "{warnings:?}");
    // 20,000 calls: parsed
    let line = format!("\tx{}.CheckCooldown()", ".F()".repeat(20_000));
    let src = format!("package p\n\nfunc f() {{\n{line}\n}}\n");
    let (_, rows, warnings) = check_one(&src);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        rows,
        [(4, column_of(&line, "CheckCooldown"), "call".into())]
    );
}

#[test]
fn a_single_line_file_gets_exact_columns() {
    // ~300 KB on one line, with characters of several bytes before the names
    let unit = "var s = \"“é”\"; var v = x.A(b, c); ";
    let mut line = format!("package p; {}", unit.repeat(7_000));
    let first = line.chars().count() as u64 + 1 + "func f() { ".len() as u64;
    line.push_str("func f() { CheckCooldown() }; ");
    line.push_str(&unit.repeat(1_000));
    line.push_str("var w = CheckCooldown");
    let last = line.chars().count() as u64 - "CheckCooldown".len() as u64 + 1;
    let (code, rows, _) = check_one(&line);
    assert_eq!(code, 1);
    assert_eq!(
        rows,
        [(1, first, "call".into()), (1, last, "reference".into())]
    );
}

#[test]
fn line_endings() {
    // lines end at `\n`, `\r\n` or a lone `\r`, as editors and SARIF viewers count them, in
    // every front-end: a file that ends its lines with a bare carriage return is not one
    // long line
    let body = ["package p", "func f() {", "\tCheckCooldown()", "}", ""];
    let (_, rows, _) = check_one(&body.join("\r\n"));
    assert_eq!(rows, [(3, 2, "call".into())]);
    let (_, rows, _) = check_one(&body.join("\r"));
    assert_eq!(rows, [(3, 2, "call".into())]);
}

mod depth_equivalence {
    //! A Go file read with the lexer alone (every listed name in a comment or literal) gives
    //! the findings and mentions of a full parse, malformed files included: where the lexer
    //! is unsure (unterminated comments and literals, unbalanced brackets, stray
    //! characters) the engine parses.

    use proptest::prelude::*;
    use std::path::Path;

    use routeaudit::engine::Needs;
    use routeaudit::pipeline::{Request, run_audit};
    use routeaudit::policy::Severity;

    const FRAGMENTS: [&str; 16] = [
        "// CheckCooldown was removed\n",
        "var s = \"CheckCooldown\"\n",
        "var r = `MarkSkipped\n CheckCooldown`\n",
        "var c = 'x'\n",
        "/* MarkSkipped */\n",
        "func f() { g() }\n",
        "func h() { CheckCooldown() }\n",
        // malformed
        "/* CheckCooldown never closed\n",
        "var u = \"CheckCooldown\n",
        "var w = `CheckCooldown\n",
        "func broken() {\n",
        "}\n",
        "var x = (1]\n",
        "var q = 'CheckCooldown'\n",
        "var z = a # CheckCooldown\n",
        "x := \n",
    ];

    fn audit(dir: &Path, inventory: bool) -> routeaudit::audit::Audit {
        let req = Request {
            paths: vec![dir.to_path_buf()],
            needs: Needs {
                inventory,
                ..Needs::default()
            },
            fail_on: Some(Severity::Error),
            ..Request::default()
        };
        run_audit(&req).expect("valid policy")
    }

    /// What must not depend on how deeply the file was read.
    fn outcome(a: &routeaudit::audit::Audit) -> String {
        let findings: Vec<String> = a
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{} {:?}:{:?}:{:?} {:?} {:?}",
                    f.rule, f.file, f.line, f.column, f.symbol, f.occurrence
                )
            })
            .collect();
        let mentions: Vec<String> = a
            .mentions
            .iter()
            .map(|m| format!("{} {}:{}:{} {}", m.rule, m.file, m.line, m.column, m.symbol))
            .collect();
        format!("{:?}\n{findings:#?}\n{mentions:#?}", a.verdict)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn lexer_only_and_full_readings_agree(
            picks in prop::collection::vec(0usize..FRAGMENTS.len(), 1..8)
        ) {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(
                dir.path().join("routeaudit.toml"),
                "[[rule]]\nid = \"r\"\nkind = \"forbid-symbol\"\nsymbols = [\"CheckCooldown\", \"MarkSkipped\"]\n",
            )
            .unwrap();
            let mut src = String::from("package p\n");
            for &i in &picks {
                src.push_str(FRAGMENTS[i]);
            }
            std::fs::write(dir.path().join("a.go"), &src).unwrap();
            let quick = audit(dir.path(), false);
            let full = audit(dir.path(), true);
            prop_assert_eq!(outcome(&quick), outcome(&full), "{}", src);
        }
    }
}
