//! The item-at-a-time reading ([`extract_for`]) held to one parse of the whole file
//! ([`whole`]) on every Rust fixture and example, generated files and, where they are in the
//! cargo registry, a sample of real crates: the same occurrences (kinds, spans, enclosing
//! functions, test flags), functions, calls and comment and string regions, whether every item
//! is read or only those holding some names. The counts are printed: they are the measure.
#![allow(clippy::print_stderr)]

use std::collections::HashSet;
use std::path::Path;

use super::super::{declarations, extract_for, items, whole};
use super::agreement::{generated_corpus, rust_files};
use crate::lang::testutil::{assert_same_as_whole, no_calls, offset_of};
use crate::lang::{FileFacts, Want};
use crate::span::LineIndex;

/// Items that are hard to split: bodies followed by `else` or an operator, braces inside
/// generic arguments, inner attributes, doc comments, macros that declare functions, test
/// attributes, several items on one line, non-ASCII text before an item on its line, CRLF.
const SPLIT_CASES: &str = r#"//! Crate docs: fn not_code() {}
#![allow(dead_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Décrit « la limite » — fn not_a_function() {}
pub const LIMIT: u32 = if cfg!(unix) { 3 } else { 4 };
const MASK: u8 = { 1 } as u8; const SUM: u8 = { 1 } + { 2 }; static S: &str = "é}{";
pub struct Arr<const N: usize = { 2 }>([u8; N]);
impl<const N: usize> Arr<{ N }> where [u8; N]: Sized { pub fn len_of(&self) -> usize { check_cooldown(N) } }
fn sized() -> Arr<{ 2 }> { Arr([0; 2]) }
/** Block doc. */ fn block_doc() { mark_skipped(); } /* plain */ fn after_plain() {}
// ordinary comment, not an attribute
#[inline]
/// doc after an attribute
#[must_use]
pub fn attributed(x: u32) -> u32 { helper(x) }
macro_rules! make { ($n:ident) => { fn $n() { check_cooldown(0); } }; }
make!(made);
thread_local! { static CELL: u8 = const { 0 }; }
lazy!({ fn inside_macro_block() { check_cooldown(1) } });
extern "C" { fn c_side(x: i32) -> i32; static ERRNO: i32; }
pub trait Gate { fn open(&self) -> bool; fn close(&self) { self.open(); } }
impl Gate for Arr<1> { fn open(&self) -> bool { check_cooldown(1) > 0 } }
mod nested { pub fn deep() { super::helper(1); } mod more { fn deeper() {} } }
#[cfg(test)]
mod tests { use super::*; #[test] fn t() { check_cooldown(2); } fn helper_in_tests() {} }
#[test] fn top_test() { attributed(1); }
#[cfg(all(test, feature = "x"))] fn cfg_test_fn() {}
#[tokio::test] async fn tokio_test() { mark_skipped(); }
fn helper(x: u32) -> u32 { let café = x; format!("{café} {x:>w$}", w = 3); café }
fn check_cooldown(n: usize) -> usize { n }
fn mark_skipped() {}
type F = fn(u8) -> u8; const G: F = |x| { x } ;
pub(crate) const fn konst() -> u8 { 0 }
unsafe extern "C" fn exported() {}
impl Drop for Arr<3> { fn drop(&mut self) { let f = Self::len_of; f(self); } }
"#;

/// Generated files: the split cases (also with CRLF line endings, after a byte order mark and
/// a shebang, under `#![cfg(test)]`) and many small functions, some calling listed names.
fn generated() -> Vec<(String, String)> {
    let mut out = vec![
        ("split cases".to_string(), SPLIT_CASES.to_string()),
        ("split cases crlf".into(), SPLIT_CASES.replace('\n', "\r\n")),
        (
            "split cases after a byte order mark and a shebang".into(),
            format!("\u{feff}#!/usr/bin/env run-cargo-script\n{SPLIT_CASES}"),
        ),
        (
            "split cases under cfg(test)".into(),
            format!("#![cfg(test)]\n{}", SPLIT_CASES.replace("#![", "// #![")),
        ),
    ];
    for (i, g) in generated_corpus().into_iter().enumerate() {
        out.push((format!("agreement corpus {i}"), g));
    }
    for n in [3usize, 17, 40] {
        let mut s = String::from("use crate::routing::{check_cooldown, Skip};\n");
        for i in 0..n {
            s.push_str(&match i % 5 {
                0 => format!("fn f{i}(x: u32) -> u32 {{ check_cooldown(x); g{i}(x) }} "),
                1 => format!("pub fn f{i}(r: &R) {{ r.mark_skipped(\"ü{i}\"); }}\n"),
                2 => format!("struct S{i} {{ skip: Skip }} impl S{i} {{ fn m{i}(&self) {{}} }}\n"),
                3 => format!("/// doc {i}\n#[cfg(test)] fn t{i}() {{ check_cooldown(1); }} "),
                _ => format!("const C{i}: u32 = {{ {i} }} * 2; fn h{i}() {{ f0(C{i}); }}\n"),
            });
        }
        out.push((format!("small functions {n}"), s.clone()));
        out.push((
            format!("small functions {n}, one line"),
            s.replace('\n', " "),
        ));
    }
    out
}

/// The fixtures, the examples, the generated files and, where the registry holds them, the
/// sources of a few crates (`src/` only, at most `per_crate` files each).
fn corpus(per_crate: usize) -> (Vec<(String, String)>, usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    rust_files(&root.join("tests/fixtures"), &mut paths);
    rust_files(&root.join("examples"), &mut paths);
    paths.sort();
    let mut files: Vec<(String, String)> = paths
        .iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(p).ok()?)))
        .collect();
    files.extend(generated());
    let always = files.len();
    let home = std::env::var("HOME").unwrap_or_default();
    let registry = Path::new(&home).join(".cargo/registry/src");
    let indexes = std::fs::read_dir(&registry).into_iter().flatten().flatten();
    let mut crates: Vec<std::path::PathBuf> = indexes
        .flat_map(|i| std::fs::read_dir(i.path()).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().to_string());
            [
                "syn-2.",
                "serde-1.",
                "regex-1.",
                "serde_json-1.",
                "proc-macro2-1.",
            ]
            .iter()
            .any(|c| name.as_deref().is_some_and(|n| n.starts_with(c)))
        })
        .collect();
    crates.sort();
    for c in crates {
        let mut found = Vec::new();
        rust_files(&c.join("src"), &mut found);
        found.sort();
        let step = (found.len() / per_crate).max(1);
        for p in found.iter().step_by(step).take(per_crate) {
            if let Ok(src) = std::fs::read_to_string(p) {
                files.push((p.display().to_string(), src));
            }
        }
    }
    (files, always)
}

#[test]
fn every_item_read_alone_equals_the_whole_file_parse() {
    let (files, always) = corpus(12);
    let mut compared = 0;
    for (name, src) in &files {
        let one = whole(src);
        let split = extract_for(src, &Want::ALL);
        assert_eq!(split.warnings, one.warnings, "{name}");
        assert_eq!(split.functions, one.functions, "{name}");
        assert_eq!(split.occurrences, one.occurrences, "{name}");
        assert_eq!(split.text, one.text, "{name}");
        if one.warnings.is_empty() {
            assert_eq!(declarations(src), no_calls(&one.functions), "{name}");
        }
        compared += 1;
    }
    eprintln!("whole reading: {compared} files compared");
    assert!(compared >= always && always >= 25, "{compared} of {always}");
}

/// Subsets of the names of a file: none, and every 5th distinct name from three starts.
fn selections(one: &FileFacts) -> Vec<HashSet<String>> {
    let mut names: Vec<&str> = one.occurrences.iter().map(|o| o.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut out = vec![HashSet::new()];
    for start in 0..3 {
        out.push(
            names
                .iter()
                .skip(start)
                .step_by(5)
                .map(|s| s.to_string())
                .collect(),
        );
    }
    out
}

#[test]
fn items_holding_a_name_are_read_as_the_whole_file_parse_reads_them() {
    let (files, always) = corpus(6);
    let (mut compared, mut files_compared, mut unread_fns, mut read_fns) = (0, 0, 0, 0);
    for (name, src) in &files {
        let one = whole(src);
        if !one.warnings.is_empty() {
            continue; // a syntax error in an unread item goes unnoticed by design
        }
        files_compared += 1;
        let lines = LineIndex::new(src);
        for chosen in selections(&one) {
            let keep = |n: &str| chosen.contains(n);
            let mut at: Vec<usize> = one
                .occurrences
                .iter()
                .filter(|o| keep(&o.name))
                .map(|o| offset_of(&lines, src, o.span.line, o.span.column))
                .collect();
            at.sort_unstable();
            let want = Want {
                at: Some(&at),
                keep: Some(&keep),
            };
            let part = extract_for(src, &want);
            assert_same_as_whole(&part, &one, &keep, &format!("{name}: names {chosen:?}"));
            assert_eq!(part.text, one.text, "{name}");
            assert!(part.warnings.is_empty(), "{name}: {:?}", part.warnings);
            // a function around a chosen name keeps its calls; no function has other calls
            for (p, o) in part.functions.iter().zip(&one.functions) {
                let s = offset_of(&lines, src, o.span.line, o.span.column);
                let e = offset_of(&lines, src, o.span.end_line, o.span.end_column);
                let i = at.partition_point(|&a| a < s);
                if at.get(i).is_some_and(|&a| a < e) {
                    assert_eq!(p.calls, o.calls, "{name}: {}", o.name);
                    read_fns += 1;
                } else if !p.calls.is_empty() {
                    assert_eq!(p.calls, o.calls, "{name}: {}", o.name);
                } else if !o.calls.is_empty() {
                    unread_fns += 1;
                }
            }
            compared += 1;
        }
    }
    eprintln!(
        "selections: {compared} in {files_compared} files; functions read for a name {read_fns}, left unread {unread_fns}"
    );
    assert!(
        compared >= 4 * (always - 2),
        "{compared} selections compared"
    );
    assert!(
        read_fns > 0 && unread_fns > 0,
        "{read_fns} read, {unread_fns} unread"
    );
}

#[test]
fn an_unread_item_is_not_parsed() {
    // the second function does not parse: read whole, the file is read at token level
    let src = "fn a() { check_cooldown(); }\nfn b() { let = ; }\n";
    let all = extract_for(src, &Want::ALL);
    assert_eq!(all.warnings.len(), 1, "{:?}", all.warnings);
    let keep = |n: &str| n == "check_cooldown";
    let at = [src.find("check_cooldown").unwrap()];
    let part = extract_for(
        src,
        &Want {
            at: Some(&at),
            keep: Some(&keep),
        },
    );
    assert!(part.warnings.is_empty(), "{:?}", part.warnings);
    let names: Vec<(&str, usize)> = part
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.calls.len()))
        .collect();
    assert_eq!(names, [("a", 1), ("b", 0)]);
    assert_eq!(part.occurrences.len(), 1);
    assert_eq!(part.occurrences[0].function, Some(0));
}

#[test]
fn items_split_where_syn_splits_them() {
    let src = "#![cfg(test)]\n/// d\n#[a] fn f() {} const C: u8 = if x { 1 } else { 2 };\nimpl<const N: u8> S<{ N }> {}\nm!{ fn g() {} } m!(x);\n";
    let split = items::split(src).unwrap();
    let texts: Vec<(&str, bool, bool, bool)> = split
        .iter()
        .map(|i| (&src[i.start..i.end], i.inner, i.has_fn, i.doubtful))
        .collect();
    assert_eq!(
        texts,
        [
            ("#![cfg(test)]", true, false, true),
            ("/// d\n#[a] fn f() {}", false, true, false),
            ("const C: u8 = if x { 1 } else { 2 };", false, false, false),
            ("impl<const N: u8> S<{ N }> {}", false, false, false),
            ("m!{ fn g() {} }", false, true, true),
            ("m!(x);", false, false, false),
        ]
    );
    // brackets that do not pair up, an inner attribute after an item: read whole
    assert!(items::split("fn f() { (] }").is_none());
    assert!(items::split("fn f() {} }").is_none());
    assert!(items::split("fn f() {}\n#![cfg(test)]\n").is_none());
}

/// The same comparison over an even sample of every crate in the registry, printing the
/// files that differ: `cargo test --lib registry_sweep -- --ignored --nocapture`
/// (`SWEEP_FILES` sets the sample size, 600 by default).
#[test]
#[ignore]
fn registry_sweep() {
    let home = std::env::var("HOME").unwrap_or_default();
    let mut paths = Vec::new();
    rust_files(&Path::new(&home).join(".cargo/registry/src"), &mut paths);
    paths.sort();
    let want: usize = std::env::var("SWEEP_FILES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let step = (paths.len() / want).max(1);
    let (mut files, mut differ) = (0, 0);
    for p in paths.iter().step_by(step) {
        let Ok(src) = std::fs::read_to_string(p) else {
            continue;
        };
        let one = whole(&src);
        if !one.warnings.is_empty() {
            continue;
        }
        files += 1;
        let lines = LineIndex::new(&src);
        for chosen in selections(&one).into_iter().take(2) {
            let keep = |n: &str| chosen.contains(n);
            let mut at: Vec<usize> = one
                .occurrences
                .iter()
                .filter(|o| keep(&o.name))
                .map(|o| offset_of(&lines, &src, o.span.line, o.span.column))
                .collect();
            at.sort_unstable();
            let part = extract_for(
                &src,
                &Want {
                    at: Some(&at),
                    keep: Some(&keep),
                },
            );
            let (a, b) = (no_calls(&part.functions), no_calls(&one.functions));
            if a != b || part.text != one.text {
                differ += 1;
                let first = a.iter().zip(&b).find(|(x, y)| x != y);
                eprintln!(
                    "{}: {} vs {} functions; first difference {first:?}",
                    p.display(),
                    a.len(),
                    b.len()
                );
                break;
            }
        }
    }
    eprintln!("registry sweep: {files} files, {differ} differ");
}
