//! The declaration-at-a-time reading ([`super::extract_for`]) held to one parse of the whole
//! file ([`super::whole`]) on every Go fixture and example, generated files and, where it is
//! installed, part of the Go standard library: the same occurrences (kinds, spans, enclosing
//! functions), functions and calls, whether every declaration is read or only those holding
//! some names.

use super::*;
use crate::lang::testutil::{assert_same_as_whole, offset_of};
use std::path::Path;

/// Every `.go` file under `dir`, recursively, as (path, text).
fn go_files(dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            go_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "go")
            && let Ok(src) = std::fs::read_to_string(&p)
        {
            out.push((p.display().to_string(), src));
        }
    }
}

/// Generated files mixing every kind of top-level declaration, some on one line, some split
/// by `;`, with comments and literals between them.
fn generated() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in 1..=12usize {
        let mut s = String::from(
            "// Package g is generated.\npackage g\n\nimport (\n\t\"fmt\"\n\tctrl \"sigs.k8s.io/controller-runtime\"\n)\n",
        );
        for i in 0..n * 3 {
            match (i + n) % 6 {
                0 => s.push_str(&format!(
                    "func (r *R{i}) Reconcile{i}(x int) error {{ if CheckCooldown(x) {{ return r.MarkSkipped() }}; return fmt.Errorf(\"%d}}\", x) }}\n"
                )),
                1 => s.push_str(&format!(
                    "type T{i}[K comparable] struct {{ SkipReason string; m map[K]func() }}; var v{i} = func() int {{ return len(\"{{\") }}()\n"
                )),
                2 => s.push_str(&format!(
                    "const (\n\tPhaseSkipped{i} = iota // skipped\n\tc{i}\n)\n/* func hidden() {{ */\n"
                )),
                3 => s.push_str(&format!(
                    "func f{i}[T any](t T) (out []T) {{\n\tfor range 3 {{ out = append(out, t) }}\n\tctrl.Log.Info(`raw {{ func`)\n\treturn\n}}\n"
                )),
                4 => s.push_str(&format!(
                    "var (\n\tw{i}, z{i} = CheckResourceLock, 'x'\n); func g{i}() {{ go func() {{ defer g{i}() }}() }}\n"
                )),
                _ => s.push_str(&format!(
                    "type I{i} interface {{ Check{i}() bool; MarkSkipped() }}\nfunc (I{i}x) m() {{}}\ntype I{i}x int\n"
                )),
            }
        }
        out.push((format!("generated {n}"), s));
    }
    out
}

/// The fixtures, the examples, the generated files and the standard library's `dirs`.
fn corpus(dirs: &[&str]) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    go_files(&root.join("tests/fixtures"), &mut files);
    go_files(&root.join("examples"), &mut files);
    files.extend(generated());
    // the Go standard library, where installed (large tables included)
    let lib = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("src"))
        .find(|p| p.join("net/http").is_dir() && p.to_string_lossy().contains("/go"));
    if let Some(lib) = lib {
        for dir in dirs {
            let mut found = Vec::new();
            go_files(&lib.join(dir), &mut found);
            files.extend(found.into_iter().filter(|(p, _)| !p.contains("/testdata/")));
        }
    }
    files
}

/// Whether the declaration-at-a-time reading applies to `src` and the whole parse has no
/// syntax error to recover from (then the two may recover differently).
fn comparable(src: &str, one: &FileFacts) -> bool {
    one.warnings.is_empty()
        && golex::text_regions(src).is_some()
        && scan::nesting_over(src, scan::NESTING_BUDGET).is_none()
}

#[test]
fn every_declaration_read_alone_equals_the_whole_file_parse() {
    let mut compared = 0;
    for (name, src) in corpus(&["net/http", "unicode", "strconv"]) {
        let one = whole(&src, &Want::ALL);
        if !comparable(&src, &one) {
            continue;
        }
        let split = extract_for(&src, &Want::ALL);
        assert!(split.warnings.is_empty(), "{name}: {:?}", split.warnings);
        assert_eq!(split.functions, one.functions, "{name}");
        assert_eq!(split.occurrences, one.occurrences, "{name}");
        compared += 1;
    }
    assert!(compared >= 30, "{compared} files compared");
}

#[test]
fn declarations_holding_a_name_are_read_as_the_whole_file_parse_reads_them() {
    let mut compared = 0;
    let mut skipped_decls = 0;
    for (name, src) in corpus(&["encoding/json", "unicode"]) {
        let one = whole(&src, &Want::ALL);
        if !comparable(&src, &one) {
            continue;
        }
        let lines = crate::span::LineIndex::new(&src);
        // a few subsets of the file's names: every 5th distinct name, from three starts
        let mut names: Vec<&str> = one.occurrences.iter().map(|o| o.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        for start in 0..3 {
            let chosen: std::collections::HashSet<&str> =
                names.iter().copied().skip(start).step_by(5).collect();
            let keep = |n: &str| chosen.contains(n);
            let at: Vec<usize> = one
                .occurrences
                .iter()
                .filter(|o| keep(&o.name))
                .map(|o| offset_of(&lines, &src, o.span.line, o.span.column))
                .collect();
            let mut at = at;
            at.sort_unstable();
            let want = Want {
                at: Some(&at),
                keep: Some(&keep),
            };
            let part = extract_for(&src, &want);
            assert_same_as_whole(&part, &one, &keep, &format!("{name}: names {chosen:?}"));
            // the functions whose declaration was read keep their calls
            for (p, o) in part.functions.iter().zip(&one.functions) {
                if !p.calls.is_empty() {
                    assert_eq!(p.calls, o.calls, "{name}: {}", p.name);
                } else if !o.calls.is_empty() {
                    skipped_decls += 1;
                }
            }
            compared += 1;
        }
    }
    assert!(compared >= 90, "{compared} selections compared");
    assert!(skipped_decls > 0, "no declaration was left unread");
}

#[test]
fn a_declaration_over_the_token_budget_is_read_token_by_token() {
    let body = "a(b, c); d.e(f); ".repeat(DECL_TOKEN_BUDGET / 10);
    let src = String::from("package p\n\nfunc small() { CheckCooldown() }\n\n")
        + "func (r *R) big() { r.CheckCooldown(); "
        + &body
        + "}\n";
    let facts = extract(&src);
    assert_eq!(facts.warnings.len(), 1, "{:?}", facts.warnings);
    assert_eq!(facts.warnings[0].line, 5);
    assert!(facts.warnings[0].message.contains("token by token"));
    let names: Vec<(&str, &str, Option<&str>)> = facts
        .occurrences
        .iter()
        .filter(|o| o.name == "CheckCooldown" || o.name == "big")
        .map(|o| {
            (
                o.name.as_str(),
                o.kind.as_str(),
                o.function.map(|f| facts.functions[f].name.as_str()),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("CheckCooldown", "call", Some("small")),
            ("big", "method", None),
            ("CheckCooldown", "call", Some("big")),
        ]
    );
    let big = &facts.functions[1];
    assert_eq!(big.calls[0].callee, "CheckCooldown");
    assert_eq!(big.calls[0].qualifier.as_deref(), Some("self"));
    assert_eq!(big.calls.len(), 1 + 2 * (DECL_TOKEN_BUDGET / 10));
}
