//! Deep nesting: the lexer's depth bound, the parser's budget and the token-level reading past
//! it. Every construct syn, the visitor or the tree's destructor recurses on is generated at
//! 100,000 levels and must be read without exhausting the stack.

use super::super::{DEPTH_BUDGET, extract, nesting_depth};

/// One construct nested `n` times, in a file that also holds a plain call to find.
fn deep(construct: &str, n: usize) -> String {
    let r = |s: &str| s.repeat(n);
    let body = match construct {
        "generic" => format!("type T = {}u8{};", r("Vec<"), r(">")),
        "dyn_fn" => format!("type T = {}u8{};", r("Box<dyn Fn() -> "), r(">")),
        "closure" => format!("fn f() {{ let c = {}0; }}", r("|| ")),
        "closure_args" => format!("fn f() {{ let c = {}0; }}", r("|a, b| ")),
        "assign" => format!("fn f() {{ {}b; }}", r("a = ")),
        "compound_assign" => format!("fn f() {{ {}b; }}", r("a += ")),
        "return" => format!("fn f() {{ {}1; }}", r("return ")),
        "break" => format!("fn f() {{ loop {{ {}1; }} }}", r("break ")),
        "ptr" => format!("type P = {}u8;", r("*const ")),
        "ref" => format!("type R<'a> = {}u8;", r("&'a ")),
        "fn_ptr" => format!("type F = {}u8;", r("fn() -> ")),
        "qself" => format!("type Q = {}T{};", r("<"), r(" as A>::B")),
        "method" => format!("fn f() {{ x{}; }}", r(".a()")),
        "binary" => format!("fn f() {{ let y = a{}; }}", r(" + a")),
        "mixed_binary" => format!("fn f() {{ let y = a{}; }}", r(" * 2 - 3 / 4 | 5 && 6")),
        "else_if" => format!("fn f() {{ if a {{}} {}}}", r("else if a {} ")),
        "call" => format!("fn f() {{ g{}; }}", r("()")),
        "index" => format!("fn f() {{ g{}; }}", r("[0]")),
        "field" => format!("fn f() {{ x{}; }}", r(".a")),
        "try" => format!("fn f() {{ x{}; }}", r("?")),
        "cast" => format!("fn f() {{ x{}; }}", r(" as u8")),
        "unary" => format!("fn f() {{ let y = {}a; }}", r("!")),
        "deref" => format!("fn f() {{ let y = {}a; }}", r("*")),
        "paren" => format!("fn f() {{ {}1{}; }}", r("("), r(")")),
        "tuple_type" => format!("type T = {}u8{};", r("("), r(",)")),
        "block" => format!("fn f() {{ {}{} }}", r("{ "), r("} ")),
        "struct_lit" => format!("fn f() {{ {}1{}; }}", r("S { a: "), r(" }")),
        "range" => format!("fn f() {{ {}1; }}", r(".. ")),
        "ref_pattern" => format!("fn f() {{ let {}x = y; }}", r("&")),
        "at_pattern" => format!("fn f() {{ match y {{ {}_ => {{}} }} }}", r("x @ ")),
        "if_cond" => format!(
            "fn f() {{ {}1{} }}",
            r("if if "),
            r(" {} else {} {} else {}")
        ),
        "match_scrutinee" => format!("fn f() {{ {}x{}; }}", r("match "), r(" {}")),
        "macro" => format!("fn f() {{ {}1{}; }}", r("m!("), r(")")),
        "cfg_all" => format!("#[cfg({}test{})]\nfn t() {{}}", r("all("), r(")")),
        "use_tree" => format!("use {}x{};", r("a::{"), r("}")),
        "generic_args" => format!("type T = {}u8{};", r("HashMap<K, "), r(">")),
        "bounds" => format!("fn f<T: {}Copy{}>() {{}}", r("Iterator<Item: "), r(">")),
        other => panic!("unknown construct {other}"),
    };
    format!("{body}\nfn g() {{ check_cooldown(); }}\n")
}

const CONSTRUCTS: [&str; 37] = [
    "generic",
    "dyn_fn",
    "closure",
    "closure_args",
    "assign",
    "compound_assign",
    "return",
    "break",
    "ptr",
    "ref",
    "fn_ptr",
    "qself",
    "method",
    "binary",
    "mixed_binary",
    "else_if",
    "call",
    "index",
    "field",
    "try",
    "cast",
    "unary",
    "deref",
    "paren",
    "tuple_type",
    "block",
    "struct_lit",
    "range",
    "ref_pattern",
    "at_pattern",
    "if_cond",
    "match_scrutinee",
    "macro",
    "cfg_all",
    "use_tree",
    "generic_args",
    "bounds",
];

/// The call of `g` is found, as a call inside `g`, whichever way the file was read.
fn finds_the_call(src: &str, facts: &crate::lang::FileFacts) {
    let hit = facts
        .occurrences
        .iter()
        .find(|o| o.name == "check_cooldown")
        .unwrap_or_else(|| panic!("no call in {}", &src[..src.len().min(80)]));
    assert_eq!(hit.kind, crate::lang::OccKind::Call);
    let g = hit.function.map(|f| facts.functions[f].name.as_str());
    assert_eq!(g, Some("g"));
}

#[test]
fn the_bound_is_never_below_the_real_nesting() {
    for c in CONSTRUCTS {
        for n in [1, 2, 7, 50, 300] {
            let d = nesting_depth(&deep(c, n));
            assert!(d >= n, "{c} at {n} levels measured {d}");
        }
    }
}

#[test]
fn constructs_at_100_000_levels_are_read_at_token_level() {
    for c in CONSTRUCTS {
        let src = deep(c, 100_000);
        let facts = extract(&src);
        assert!(
            facts
                .warnings
                .iter()
                .any(|w| w.message.contains("budget") && w.line == 1),
            "{c}: {:?}",
            facts.warnings
        );
        finds_the_call(&src, &facts);
    }
}

/// The largest `n` whose file stays within the budget.
fn largest_within_budget(c: &str) -> usize {
    let (mut lo, mut hi) = (1usize, DEPTH_BUDGET + 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if nesting_depth(&deep(c, mid)) <= DEPTH_BUDGET {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// Right at the budget syn parses, the visitor walks and the tree is dropped on the worker
/// thread's stack (in this unoptimised build, the worst case) without overflowing it.
#[test]
fn constructs_at_the_budget_are_parsed() {
    for c in CONSTRUCTS {
        let n = largest_within_budget(c);
        let src = deep(c, n);
        let facts = extract(&src);
        assert!(
            facts.warnings.iter().all(|w| !w.message.contains("budget")),
            "{c} at {n}: {:?}",
            facts.warnings
        );
        finds_the_call(&src, &facts);
        // one level more is over the budget
        let over = extract(&deep(c, n + 1));
        assert!(
            over.warnings.iter().any(|w| w.message.contains("budget")),
            "{c} at {}",
            n + 1
        );
    }
}

/// An item over the token budget is classified at token level, with a warning on its first
/// line, its names and calls found; the items around it are parsed as usual.
#[test]
fn an_item_over_the_token_budget_is_read_at_token_level() {
    use super::super::{ITEM_TOKEN_BUDGET, extract_for};
    let body = "a(b, c); d.e(f); ".repeat(ITEM_TOKEN_BUDGET / 10);
    let src = String::from("fn small() { check_cooldown(); }\n\n")
        + "fn big() { check_cooldown(); "
        + &body
        + "}\n\nfn after() { mark_skipped(); }\n";
    for want in [
        crate::lang::Want::ALL,
        crate::lang::Want {
            at: Some(&[src.rfind("check_cooldown").unwrap()]),
            keep: None,
        },
    ] {
        let facts = extract_for(&src, &want);
        assert_eq!(facts.warnings.len(), 1, "{:?}", facts.warnings);
        assert_eq!(facts.warnings[0].line, 3);
        assert!(facts.warnings[0].message.contains("tokens only"));
        let names: Vec<String> = facts.functions.iter().map(|f| f.name.clone()).collect();
        assert_eq!(names, ["small", "big", "after"]);
        let big = &facts.functions[1];
        assert_eq!(big.calls[0].callee, "check_cooldown");
        assert_eq!(big.calls.len(), 1 + 2 * (ITEM_TOKEN_BUDGET / 10));
    }
    let facts = extract(&src);
    let cooldowns: Vec<(&str, Option<&str>)> = facts
        .occurrences
        .iter()
        .filter(|o| o.name == "check_cooldown")
        .map(|o| {
            (
                o.kind.as_str(),
                o.function.map(|f| facts.functions[f].name.as_str()),
            )
        })
        .collect();
    assert_eq!(cooldowns, [("call", Some("small")), ("call", Some("big"))]);
}

/// The largest items of the registry, by tokens (what [`super::super::ITEM_TOKEN_BUDGET`] is
/// measured against): `cargo test --lib largest_registry_items -- --ignored --nocapture`.
#[test]
#[ignore]
#[allow(clippy::print_stderr)]
fn largest_registry_items() {
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let home = std::env::var("HOME").unwrap_or_default();
    let mut paths = Vec::new();
    rust_files(
        &std::path::Path::new(&home).join(".cargo/registry/src"),
        &mut paths,
    );
    let mut largest: Vec<(usize, String)> = Vec::new();
    for p in &paths {
        let Ok(src) = std::fs::read_to_string(p) else {
            continue;
        };
        for it in super::super::items::split(&src).unwrap_or_default() {
            largest.push((it.tokens, format!("{}:{}", p.display(), it.start)));
        }
    }
    largest.sort_unstable_by(|a, b| b.cmp(a));
    eprintln!("{} files", paths.len());
    for (tokens, at) in largest.iter().take(10) {
        eprintln!("{tokens:>9} {at}");
    }
}
