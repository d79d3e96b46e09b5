//! Unit tests of the Rust front-end.

mod agreement;
mod depth;
mod equivalence;
mod recovery;

use super::*;
use crate::lang::TextKind;

type Row = (String, &'static str, u32, u32, u32, Option<String>, bool);

fn rows(facts: &FileFacts) -> Vec<Row> {
    facts
        .occurrences
        .iter()
        .map(|o| {
            (
                o.name.clone(),
                o.kind.as_str(),
                o.span.line,
                o.span.column,
                o.span.end_column,
                o.function.map(|f| facts.functions[f].name.clone()),
                o.test,
            )
        })
        .collect()
}

fn occ(src: &str) -> Vec<Row> {
    let facts = extract(src);
    assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
    check_invariants(src, &facts);
    rows(&facts)
}

/// Only the occurrences named in `names`, as (name, kind, line, column).
fn named(facts: &FileFacts, names: &[&str]) -> Vec<(String, &'static str, u32, u32)> {
    facts
        .occurrences
        .iter()
        .filter(|o| names.contains(&o.name.as_str()))
        .map(|o| (o.name.clone(), o.kind.as_str(), o.span.line, o.span.column))
        .collect()
}

fn r(
    name: &str,
    kind: &'static str,
    line: u32,
    col: u32,
    end: u32,
    func: Option<&str>,
    test: bool,
) -> Row {
    (
        name.into(),
        kind,
        line,
        col,
        end,
        func.map(String::from),
        test,
    )
}

/// (callee, qualifier, value) of a function's calls.
fn calls(facts: &FileFacts, func: &str) -> Vec<(String, Option<String>, bool)> {
    let f = facts.functions.iter().find(|f| f.name == func).unwrap();
    f.calls
        .iter()
        .map(|c| (c.callee.clone(), c.qualifier.clone(), c.value))
        .collect()
}

fn texts<'a>(src: &'a str, facts: &FileFacts) -> Vec<(TextKind, &'a str, bool)> {
    facts
        .text
        .iter()
        .map(|t| (t.kind, &src[t.start..t.end], t.test))
        .collect()
}

/// Spans name their identifier exactly; text is sorted and disjoint; no code in text.
fn check_invariants(src: &str, facts: &FileFacts) {
    let idx = crate::span::LineIndex::new(src);
    for o in &facts.occurrences {
        let line = idx.line_text(src, o.span.line as usize - 1);
        let got: String = line
            .chars()
            .skip(o.span.column as usize - 1)
            .take((o.span.end_column - o.span.column) as usize)
            .collect();
        assert_eq!(got, o.name, "{o:?}");
        assert_eq!(o.span.line, o.span.end_line);
    }
    for w in facts.text.windows(2) {
        assert!(w[0].end <= w[1].start, "{:?}", facts.text);
    }
    for t in &facts.text {
        let (s, e) = (idx.position(src, t.start), idx.position(src, t.end));
        for o in &facts.occurrences {
            let p = (o.span.line, o.span.column);
            // the one kind of code inside a string: a variable a format string captures,
            // `{name}` or a `width$` in a spec
            let line: Vec<char> = idx
                .line_text(src, o.span.line as usize - 1)
                .chars()
                .collect();
            let before = (o.span.column as usize)
                .checked_sub(2)
                .and_then(|i| line.get(i));
            let after = line.get(o.span.end_column as usize - 1);
            let placeholder =
                t.kind == TextKind::String && (before == Some(&'{') || after == Some(&'$'));
            assert!(!(s <= p && p < e) || placeholder, "{o:?} inside {t:?}");
        }
    }
}

#[test]
fn review_cases() {
    let src = "lazy_static! { static ref BACKOFF_CONFIG: u32 = compute(); }\n\
fn f(p: Phase) -> bool {\n\
    #[cfg(test)]\n\
    check_cooldown();\n\
    let w = 3;\n\
    println!(\"{p:>w$} {x}\", x = 1);\n\
    matches!(p, Phase::Skipped(..) | Phase::Done if w > 1)\n\
}\n";
    let facts = extract(src);
    check_invariants(src, &facts);
    let row = |n: &str| {
        facts
            .occurrences
            .iter()
            .filter(|o| o.name == n)
            .map(|o| (o.kind.as_str(), o.span.line, o.span.column, o.test))
            .collect::<Vec<_>>()
    };
    assert_eq!(row("BACKOFF_CONFIG"), [("var", 1, 27, false)]);
    // (the `\` line continuations above drop the indentation: every line starts at 1)
    assert_eq!(
        row("check_cooldown"),
        [("call", 4, 1, true)],
        "#[cfg(test)] statement"
    );
    assert_eq!(
        row("w"),
        [
            ("var", 5, 5, false),
            ("reference", 6, 15, false),
            ("reference", 7, 49, false)
        ]
    );
    assert!(
        !row("x").contains(&("reference", 6, 20, false)),
        "a named argument: {:?}",
        row("x")
    );
    assert_eq!(
        row("p"),
        [
            ("var", 2, 6, false),
            ("reference", 6, 12, false),
            ("reference", 7, 10, false)
        ]
    );
    assert_eq!(
        row("Skipped"),
        [("reference", 7, 20, false)],
        "a pattern, not a call"
    );
}

#[test]
fn format_strings_capture_variables() {
    let src = "fn f(check_cooldown: bool) {\n    println!(\"a {check_cooldown:>5} {{check_cooldown}} \\u{41}\");\n    let t = \"{check_cooldown}\";\n    tracing::info!(\"{} {check_cooldown}\", 1);\n}\n";
    let facts = extract(src);
    check_invariants(src, &facts);
    assert_eq!(
        named(&facts, &["check_cooldown"]),
        [
            ("check_cooldown".to_string(), "var", 1, 6),
            ("check_cooldown".to_string(), "reference", 2, 18),
            ("check_cooldown".to_string(), "reference", 4, 25),
        ]
    );
}

#[test]
fn declaration_kinds() {
    let src = "\
struct Status { skip_reason: u8 }
enum E { A, B { why: u8 } }
union U { x: u32 }
trait Route {}
type Alias = Status;
const MAX: u32 = 1;
static COUNT: u32 = 0;
fn f(arg: u8) { let (a, mut b) = (arg, 1); }
";
    assert_eq!(
        occ(src),
        vec![
            r("Status", "type", 1, 8, 14, None, false),
            r("skip_reason", "field", 1, 17, 28, None, false),
            r("u8", "reference", 1, 30, 32, None, false),
            r("E", "type", 2, 6, 7, None, false),
            r("A", "variant", 2, 10, 11, None, false),
            r("B", "variant", 2, 13, 14, None, false),
            r("why", "field", 2, 17, 20, None, false),
            r("u8", "reference", 2, 22, 24, None, false),
            r("U", "type", 3, 7, 8, None, false),
            r("x", "field", 3, 11, 12, None, false),
            r("u32", "reference", 3, 14, 17, None, false),
            r("Route", "type", 4, 7, 12, None, false),
            r("Alias", "type", 5, 6, 11, None, false),
            r("Status", "reference", 5, 14, 20, None, false),
            r("MAX", "const", 6, 7, 10, None, false),
            r("u32", "reference", 6, 12, 15, None, false),
            r("COUNT", "var", 7, 8, 13, None, false),
            r("u32", "reference", 7, 15, 18, None, false),
            r("f", "func", 8, 4, 5, None, false),
            r("arg", "var", 8, 6, 9, Some("f"), false),
            r("u8", "reference", 8, 11, 13, Some("f"), false),
            r("a", "var", 8, 22, 23, Some("f"), false),
            r("b", "var", 8, 29, 30, Some("f"), false),
            r("arg", "reference", 8, 35, 38, Some("f"), false),
        ]
    );
}

#[test]
fn calls_references_and_keywords() {
    let src = "\
use crate::routing::{check_cooldown, SkipDetails as Sd};
impl Reconciler {
    fn go(&self, r: &Self) {
        Self::mark_skipped(r);
        foo::bar::f();
        r.mark_skipped();
        let s = Status { skip_reason: 1 };
        let _ = s.skip_reason;
        let f = Self::mark_skipped;
        super::check_cooldown();
    }
}
";
    assert_eq!(
        occ(src),
        vec![
            r("routing", "reference", 1, 12, 19, None, false),
            r("check_cooldown", "reference", 1, 22, 36, None, false),
            r("SkipDetails", "reference", 1, 38, 49, None, false),
            r("Sd", "reference", 1, 53, 55, None, false),
            r("Reconciler", "reference", 2, 6, 16, None, false),
            r("go", "method", 3, 8, 10, None, false),
            r("r", "var", 3, 18, 19, Some("go"), false),
            r("mark_skipped", "call", 4, 15, 27, Some("go"), false),
            r("r", "reference", 4, 28, 29, Some("go"), false),
            r("foo", "reference", 5, 9, 12, Some("go"), false),
            r("bar", "reference", 5, 14, 17, Some("go"), false),
            r("f", "call", 5, 19, 20, Some("go"), false),
            r("r", "reference", 6, 9, 10, Some("go"), false),
            r("mark_skipped", "call", 6, 11, 23, Some("go"), false),
            r("s", "var", 7, 13, 14, Some("go"), false),
            r("Status", "reference", 7, 17, 23, Some("go"), false),
            r("skip_reason", "reference", 7, 26, 37, Some("go"), false),
            r("s", "reference", 8, 17, 18, Some("go"), false),
            r("skip_reason", "reference", 8, 19, 30, Some("go"), false),
            r("f", "var", 9, 13, 14, Some("go"), false),
            r("mark_skipped", "reference", 9, 23, 35, Some("go"), false),
            r("check_cooldown", "call", 10, 16, 30, Some("go"), false),
        ]
    );
    let facts = extract(src);
    assert_eq!(facts.functions[0].receiver.as_deref(), Some("Reconciler"));
    assert_eq!(
        calls(&facts, "go"),
        vec![
            ("mark_skipped".into(), Some("Self".into()), false),
            ("f".into(), Some("foo::bar".into()), false),
            ("mark_skipped".into(), Some("r".into()), false),
            ("mark_skipped".into(), Some("Self".into()), true),
            ("check_cooldown".into(), Some("super".into()), false),
        ]
    );
}

#[test]
fn string_mention_then_real_call_on_one_line() {
    let src = "fn f() { let u = \"http://x/check_cooldown\"; check_cooldown(1); }\n";
    let facts = extract(src);
    assert_eq!(
        named(&facts, &["check_cooldown"]),
        vec![("check_cooldown".into(), "call", 1, 45)]
    );
    assert_eq!(facts.functions[0].calls[0].span.column, 45);
    assert_eq!(
        texts(src, &facts),
        vec![(TextKind::String, "\"http://x/check_cooldown\"", false)]
    );
}

#[test]
fn comments_nested_and_doc() {
    let src = "\
//! crate doc check_cooldown
/// item doc mark_skipped
/** block doc */
fn f() {
    /* outer /* inner check_cooldown */ still comment */ g(); // tail
    /*/ not closed by this */
}
#[doc = \"attr doc SkipDetails\"]
struct S;
";
    let facts = extract(src);
    check_invariants(src, &facts);
    assert_eq!(
        texts(src, &facts),
        vec![
            (TextKind::Comment, "//! crate doc check_cooldown", false),
            (TextKind::Comment, "/// item doc mark_skipped", false),
            (TextKind::Comment, "/** block doc */", false),
            (
                TextKind::Comment,
                "/* outer /* inner check_cooldown */ still comment */",
                false
            ),
            (TextKind::Comment, "// tail", false),
            (TextKind::Comment, "/*/ not closed by this */", false),
            (TextKind::String, "\"attr doc SkipDetails\"", false),
        ]
    );
    assert_eq!(
        rows(&facts),
        vec![
            r("f", "func", 4, 4, 5, None, false),
            r("g", "call", 5, 58, 59, Some("f"), false),
            r("doc", "reference", 8, 3, 6, None, false),
            r("S", "type", 9, 8, 9, None, false),
        ]
    );
    // the function starts at `fn`, after its doc comments
    assert_eq!(
        (
            facts.functions[0].span.line,
            facts.functions[0].span.end_line
        ),
        (4, 7)
    );
}

#[test]
fn raw_strings_chars_and_lifetimes() {
    let src = r####"fn f<'a>(x: &'a str) -> &'a str {
    let s1 = r#"he said "check_cooldown" # ok"#;
    let b = r##"a "# b"##; let c = br#"x"#; let d = b"y\"z"; let e = c"w";
    let q = '"'; let s = '\''; let t = b'\''; let u = '\u{1F600}'; let v = 'é';
    'outer: loop { break 'outer; }
    let r#type = r"raw\"; mark_skipped(r#type)
}
"####;
    let facts = extract(src);
    check_invariants(src, &facts);
    assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
    let strings: Vec<&str> = texts(src, &facts).iter().map(|t| t.1).collect();
    assert_eq!(
        strings,
        vec![
            "r#\"he said \"check_cooldown\" # ok\"#",
            "r##\"a \"# b\"##",
            "br#\"x\"#",
            "b\"y\\\"z\"",
            "c\"w\"",
            "'\"'",
            "'\\''",
            "b'\\''",
            "'\\u{1F600}'",
            "'é'",
            "r\"raw\\\"",
        ]
    );
    assert!(facts.text.iter().all(|t| t.kind == TextKind::String));
    assert_eq!(
        named(
            &facts,
            &["x", "str", "type", "mark_skipped", "check_cooldown"]
        ),
        vec![
            ("x".into(), "var", 1, 10),
            ("str".into(), "reference", 1, 17),
            ("str".into(), "reference", 1, 29),
            ("type".into(), "var", 6, 11),
            ("mark_skipped".into(), "call", 6, 27),
            ("type".into(), "reference", 6, 42),
        ]
    );
    // no lifetime or label becomes an occurrence
    assert!(
        facts
            .occurrences
            .iter()
            .all(|o| o.name != "a" && o.name != "outer")
    );
}

#[test]
fn test_code_is_flagged() {
    let src = "\
fn prod() { check_cooldown(); }
#[cfg(test)]
mod tests {
    // helper comment
    #[test]
    fn t() { check_cooldown(); }
}
#[tokio::test]
async fn it() { let s = \"x\"; }
#[cfg(not(test))]
fn real() {}
";
    let facts = extract(src);
    check_invariants(src, &facts);
    assert_eq!(
        rows(&facts),
        vec![
            r("prod", "func", 1, 4, 8, None, false),
            r("check_cooldown", "call", 1, 13, 27, Some("prod"), false),
            r("cfg", "reference", 2, 3, 6, None, true),
            r("test", "reference", 2, 7, 11, None, true),
            r("tests", "reference", 3, 5, 10, None, true),
            r("test", "reference", 5, 7, 11, None, true),
            r("t", "func", 6, 8, 9, None, true),
            r("check_cooldown", "call", 6, 14, 28, Some("t"), true),
            r("tokio", "reference", 8, 3, 8, None, true),
            r("test", "reference", 8, 10, 14, None, true),
            r("it", "func", 9, 10, 12, None, true),
            r("s", "var", 9, 21, 22, Some("it"), true),
            r("cfg", "reference", 10, 3, 6, None, false),
            r("not", "reference", 10, 7, 10, None, false),
            r("test", "reference", 10, 11, 15, None, false),
            r("real", "func", 11, 4, 8, None, false),
        ]
    );
    let flags: Vec<(&str, bool)> = facts
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.test))
        .collect();
    assert_eq!(
        flags,
        [("prod", false), ("t", true), ("it", true), ("real", false)]
    );
    assert_eq!(
        texts(src, &facts),
        vec![
            (TextKind::Comment, "// helper comment", true),
            (TextKind::String, "\"x\"", true),
        ]
    );
}

#[test]
fn macros_keep_their_identifiers() {
    let src = "\
macro_rules! route {
    ($r:expr, $name:ident) => { $r.mark_skipped(); check_cooldown($name) };
}
#[derive(Debug)]
#[serde(rename = \"skip_reason\", default)]
struct S;
async fn run(r: R) {
    let v = vec![check_cooldown(1), mark_skipped];
    println!(\"{} check_cooldown\", r.skip_reason);
    tokio::select! {
        _ = r.mark_skipped() => { let x = 1; }
    }
    m!('outer: loop { break 'outer; } &'static str);
}
";
    let facts = extract(src);
    check_invariants(src, &facts);
    assert_eq!(
        rows(&facts),
        vec![
            r("macro_rules", "reference", 1, 1, 12, None, false),
            r("route", "reference", 1, 14, 19, None, false),
            r("mark_skipped", "call", 2, 36, 48, None, false),
            r("check_cooldown", "call", 2, 52, 66, None, false),
            r("derive", "reference", 4, 3, 9, None, false),
            r("Debug", "reference", 4, 10, 15, None, false),
            r("serde", "reference", 5, 3, 8, None, false),
            r("rename", "reference", 5, 9, 15, None, false),
            r("default", "reference", 5, 33, 40, None, false),
            r("S", "type", 6, 8, 9, None, false),
            r("run", "func", 7, 10, 13, None, false),
            r("r", "var", 7, 14, 15, Some("run"), false),
            r("R", "reference", 7, 17, 18, Some("run"), false),
            r("v", "var", 8, 9, 10, Some("run"), false),
            r("vec", "reference", 8, 13, 16, Some("run"), false),
            r("check_cooldown", "call", 8, 18, 32, Some("run"), false),
            r("mark_skipped", "reference", 8, 37, 49, Some("run"), false),
            r("println", "reference", 9, 5, 12, Some("run"), false),
            r("r", "reference", 9, 35, 36, Some("run"), false),
            r("skip_reason", "reference", 9, 37, 48, Some("run"), false),
            r("tokio", "reference", 10, 5, 10, Some("run"), false),
            r("select", "reference", 10, 12, 18, Some("run"), false),
            r("r", "reference", 11, 13, 14, Some("run"), false),
            r("mark_skipped", "call", 11, 15, 27, Some("run"), false),
            r("x", "var", 11, 39, 40, Some("run"), false),
            r("m", "reference", 13, 5, 6, Some("run"), false),
            r("str", "reference", 13, 48, 51, Some("run"), false),
        ]
    );
    assert_eq!(
        calls(&facts, "run"),
        vec![
            ("check_cooldown".into(), None, false),
            ("mark_skipped".into(), Some("r".into()), false),
        ]
    );
}

#[test]
fn generics_and_trait_declarations() {
    let src = "\
pub trait CheckCooldown: Send {
    type Key;
    const LIMIT: u32;
    fn check_cooldown(&self, key: Self::Key) -> bool;
    fn with_default(&self) -> bool { self.check_cooldown(todo!()) }
}
fn f<T: CheckCooldown, const N: usize>(t: T) where T: Clone {}
";
    assert_eq!(
        occ(src),
        vec![
            r("CheckCooldown", "type", 1, 11, 24, None, false),
            r("Send", "reference", 1, 26, 30, None, false),
            r("Key", "type", 2, 10, 13, None, false),
            r("LIMIT", "const", 3, 11, 16, None, false),
            r("u32", "reference", 3, 18, 21, None, false),
            r("check_cooldown", "method", 4, 8, 22, None, false),
            r("key", "var", 4, 30, 33, Some("check_cooldown"), false),
            r("Key", "reference", 4, 41, 44, Some("check_cooldown"), false),
            r(
                "bool",
                "reference",
                4,
                49,
                53,
                Some("check_cooldown"),
                false
            ),
            r("with_default", "method", 5, 8, 20, None, false),
            r("bool", "reference", 5, 31, 35, Some("with_default"), false),
            r(
                "check_cooldown",
                "call",
                5,
                43,
                57,
                Some("with_default"),
                false
            ),
            r("todo", "reference", 5, 58, 62, Some("with_default"), false),
            r("f", "func", 7, 4, 5, None, false),
            r("T", "type", 7, 6, 7, Some("f"), false),
            r("CheckCooldown", "reference", 7, 9, 22, Some("f"), false),
            r("N", "const", 7, 30, 31, Some("f"), false),
            r("usize", "reference", 7, 33, 38, Some("f"), false),
            r("t", "var", 7, 40, 41, Some("f"), false),
            r("T", "reference", 7, 43, 44, Some("f"), false),
            r("T", "reference", 7, 52, 53, Some("f"), false),
            r("Clone", "reference", 7, 55, 60, Some("f"), false),
        ]
    );
    let facts = extract(src);
    let decl = &facts.functions[0];
    assert_eq!(
        (decl.kind, decl.receiver.as_deref(), decl.span),
        (
            FnKind::Method,
            Some("CheckCooldown"),
            Span {
                line: 4,
                column: 5,
                end_line: 4,
                end_column: 54
            }
        )
    );
}

#[test]
fn function_spans_calls_and_values() {
    let src = "\
/// Doc.
#[instrument]
pub(crate) async fn outer(items: Vec<u8>) {
    let f = Self::mark_skipped;
    let g = check_cooldown;
    let h = items;
    run(Self::mark_skipped, &check_cooldown, items, None, MAX);
    items.iter().map(check_cooldown).for_each(|x| inner(x));
    fn nested() {
        helper::go()
    }
}
";
    let facts = extract(src);
    check_invariants(src, &facts);
    let spans: Vec<(&str, u32, u32, u32, u32)> = facts
        .functions
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.span.line,
                f.span.column,
                f.span.end_line,
                f.span.end_column,
            )
        })
        .collect();
    assert_eq!(spans, [("outer", 3, 1, 12, 2), ("nested", 9, 5, 11, 6)]);
    assert_eq!(
        facts.functions[0].name_span,
        Span {
            line: 3,
            column: 21,
            end_line: 3,
            end_column: 26
        }
    );
    assert_eq!(
        calls(&facts, "outer"),
        vec![
            ("mark_skipped".into(), Some("Self".into()), true),
            ("check_cooldown".into(), None, true),
            ("run".into(), None, false),
            ("mark_skipped".into(), Some("Self".into()), true),
            ("check_cooldown".into(), None, true),
            ("iter".into(), Some("items".into()), false),
            ("map".into(), Some("items.iter()".into()), false),
            ("check_cooldown".into(), None, true),
            ("for_each".into(), Some("items.iter().map()".into()), false),
            ("inner".into(), None, false),
        ]
    );
    assert_eq!(
        calls(&facts, "nested"),
        vec![("go".into(), Some("helper".into()), false)]
    );
    // the nested function's name lies inside `outer`
    let nested = facts
        .occurrences
        .iter()
        .find(|o| o.name == "nested")
        .unwrap();
    assert_eq!(nested.function, Some(0));
    assert_eq!(
        facts
            .occurrences
            .iter()
            .find(|o| o.name == "outer")
            .unwrap()
            .function,
        None
    );
}

#[test]
fn syntax_error_falls_back_to_tokens() {
    let src = "\
pub struct SkipDetails { skip_reason: u8 }
impl<T> Handler for Reconciler<T> {
    pub async fn reconcile(&self) -> u8 {
        let x = \"check_cooldown()\"; check_cooldown(1);
        self.status.mark_skipped() + ;
        'outer: loop { break 'outer; }
    }
}
#[cfg(test)]
mod tests {
    #[test]
    fn t() { check_cooldown(); }
}
";
    let facts = extract(src);
    check_invariants(src, &facts);
    assert!(facts.occurrences.iter().all(|o| o.name != "outer"));
    assert_eq!(facts.warnings.len(), 1);
    assert_eq!(facts.warnings[0].line, 5);
    assert!(
        facts.warnings[0].message.starts_with("syntax error"),
        "{:?}",
        facts.warnings
    );
    assert_eq!(
        named(
            &facts,
            &[
                "SkipDetails",
                "reconcile",
                "check_cooldown",
                "mark_skipped",
                "t"
            ]
        ),
        vec![
            ("SkipDetails".into(), "type", 1, 12),
            ("reconcile".into(), "method", 3, 18),
            ("check_cooldown".into(), "call", 4, 37),
            ("mark_skipped".into(), "call", 5, 21),
            ("t".into(), "func", 12, 8),
            ("check_cooldown".into(), "call", 12, 14),
        ]
    );
    let summary: Vec<_> = facts
        .functions
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.kind,
                f.receiver.as_deref(),
                f.span.line,
                f.span.end_line,
                f.test,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("reconcile", FnKind::Method, Some("Reconciler"), 3, 7, false),
            ("t", FnKind::Func, None, 12, 12, true),
        ]
    );
    assert_eq!(
        calls(&facts, "reconcile"),
        vec![
            ("check_cooldown".into(), None, false),
            ("mark_skipped".into(), Some("self.status".into()), false),
        ]
    );
    assert_eq!(
        texts(src, &facts),
        vec![(TextKind::String, "\"check_cooldown()\"", false)]
    );
}

#[test]
fn unbalanced_brackets_keep_code_and_text() {
    let src = "fn f() { let s = \"check_cooldown\"; g(\n// mark_skipped\n";
    let facts = extract(src);
    check_invariants(src, &facts);
    assert_eq!(
        rows(&facts),
        vec![
            r("f", "func", 1, 4, 5, None, false),
            r("s", "var", 1, 14, 15, Some("f"), false),
            r("g", "call", 1, 36, 37, Some("f"), false),
        ]
    );
    assert_eq!(facts.warnings.len(), 1);
    assert_eq!(
        (facts.warnings[0].line, facts.warnings[0].message.as_str()),
        (
            1,
            "syntax error: unclosed `{`; identifiers classified from tokens only"
        )
    );
    assert_eq!(facts.text.len(), 2);
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "",
        "\n\n",
        "}}}{{{",
        "fn (",
        "\"unterminated",
        "/* unterminated /* nested */",
        "r##\"unterminated raw\"#",
        "'",
        "'a",
        "b'",
        "'\\",
        "fn café() { let naïve = ünïcode(1); }",
        "#!/usr/bin/env run-cargo-script\nfn main() {}",
        "\u{feff}fn bom() { check_cooldown(); }",
        "\u{0}\u{1}\u{7f}\u{fffd}",
        "fn f() { let x = 1 +++ ; }",
        "impl impl impl for for where { fn fn fn }",
        "macro_rules! m { ($($t:tt)*) => { $($t)* } }",
    ];
    for src in inputs {
        let facts = extract(src);
        check_invariants(src, &facts);
    }
    let deep = format!("fn f() {{ {}1{} }}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(extract(&deep).warnings.len(), 1);
    let unary = format!("fn f() {{ let x = {}y; }}", "!".repeat(20000));
    assert_eq!(extract(&unary).warnings.len(), 1);
    // every prefix of a realistic file: unbalanced braces, cut strings and comments
    let full = include_str!("../../../../tests/fixtures/rust_tricky/src/controller.rs");
    let mut cut = 0;
    while cut < full.len() {
        let src = &full[..cut];
        check_invariants(src, &extract(src));
        cut += 13;
        while cut < full.len() && !full.is_char_boundary(cut) {
            cut += 1;
        }
    }
}

#[test]
fn non_ascii_raw_identifiers_bom_and_shebang() {
    let src = "\u{feff}fn café() { let r#match = naïve(1); }\n";
    assert_eq!(
        occ(src),
        vec![
            r("café", "func", 1, 5, 9, None, false),
            r("match", "var", 1, 20, 25, Some("café"), false),
            r("naïve", "call", 1, 28, 33, Some("café"), false),
        ]
    );
    let src = "#!/usr/bin/env rust-script\nfn main() { check_cooldown(); }\n";
    let facts = extract(src);
    assert_eq!(
        named(&facts, &["main", "check_cooldown", "usr"]),
        vec![
            ("main".into(), "func", 2, 4),
            ("check_cooldown".into(), "call", 2, 13)
        ]
    );
}

#[test]
fn tricky_controller_fixture() {
    let src = include_str!("../../../../tests/fixtures/rust_tricky/src/controller.rs");
    let facts = extract(src);
    assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
    check_invariants(src, &facts);
    let names = [
        "check_cooldown",
        "mark_skipped",
        "CheckCooldown",
        "skip_reason",
        "SkipDetails",
    ];
    let got = named(&facts, &names);
    let want: Vec<(String, &str, u32, u32)> = [
        ("check_cooldown", "reference", 10, 22),
        ("CheckCooldown", "reference", 10, 38),
        ("skip_reason", "field", 19, 9),
        ("SkipDetails", "reference", 20, 25),
        ("SkipDetails", "type", 23, 12),
        ("skip_reason", "field", 29, 15),
        ("CheckCooldown", "type", 32, 11),
        ("check_cooldown", "method", 33, 8),
        ("check_cooldown", "call", 44, 60),
        ("mark_skipped", "call", 49, 22),
        ("skip_reason", "reference", 53, 39),
        ("mark_skipped", "reference", 54, 23),
        ("check_cooldown", "reference", 55, 32),
        ("skip_reason", "reference", 56, 46),
        ("check_cooldown", "call", 57, 22),
        ("mark_skipped", "call", 59, 70),
        ("mark_skipped", "method", 64, 8),
        ("mark_skipped", "call", 69, 12),
        ("check_cooldown", "call", 79, 17),
    ]
    .iter()
    .map(|&(n, k, l, c)| (n.to_string(), k, l, c))
    .collect();
    assert_eq!(got, want);
    // only the test module's call is test code
    let tests: Vec<u32> = facts
        .occurrences
        .iter()
        .filter(|o| o.test && names.contains(&o.name.as_str()))
        .map(|o| o.span.line)
        .collect();
    assert_eq!(tests, [79]);
    let rec = facts
        .functions
        .iter()
        .find(|f| f.name == "reconcile")
        .unwrap();
    assert_eq!((rec.span.line, rec.span.end_line), (43, 62));
    let routed: Vec<(String, Option<String>, bool)> = calls(&facts, "reconcile")
        .into_iter()
        .filter(|c| names.contains(&c.0.as_str()))
        .collect();
    assert_eq!(
        routed,
        vec![
            ("check_cooldown".into(), None, false),
            ("mark_skipped".into(), Some("self".into()), false),
            ("mark_skipped".into(), Some("Self".into()), true),
            ("check_cooldown".into(), None, true),
            ("check_cooldown".into(), None, false),
            ("mark_skipped".into(), Some("self".into()), false),
        ]
    );
}

#[test]
fn pure_fixture_mentions_names_only_in_text() {
    let src = include_str!("../../../../tests/fixtures/rust_pure/src/lib.rs");
    let facts = extract(src);
    assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
    check_invariants(src, &facts);
    let names = [
        "check_cooldown",
        "mark_skipped",
        "CheckCooldown",
        "skip_reason",
        "SkipDetails",
    ];
    assert_eq!(named(&facts, &names), vec![]);
    for name in names {
        let hits = facts
            .text
            .iter()
            .filter(|t| src[t.start..t.end].contains(name))
            .count();
        assert!(hits >= 2, "{name} appears in {hits} text regions");
    }
    let kinds: Vec<(TextKind, bool)> = facts.text.iter().map(|t| (t.kind, t.test)).collect();
    assert_eq!(
        kinds,
        [
            (TextKind::Comment, false),
            (TextKind::Comment, false),
            (TextKind::Comment, false),
            (TextKind::Comment, false),
            (TextKind::Comment, false),
            (TextKind::Comment, false),
            (TextKind::Comment, false),
            (TextKind::String, false),
            (TextKind::String, false),
            (TextKind::String, false),
            (TextKind::String, false),
            (TextKind::String, false),
            (TextKind::String, false),
            (TextKind::String, false),
            (TextKind::Comment, false),
            (TextKind::Comment, true),
            (TextKind::String, true),
            (TextKind::String, true),
        ]
    );
}
