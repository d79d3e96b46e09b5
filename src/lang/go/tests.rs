//! Unit tests of the Go front-end: occurrence kinds, calls, extents, positions, limits.
use super::*;

/// (name, kind, line, column, end_column, enclosing function)
fn occ(src: &str) -> Vec<(String, &'static str, u32, u32, u32, String)> {
    let f = extract(src);
    f.occurrences
        .iter()
        .map(|o| {
            (
                o.name.clone(),
                o.kind.as_str(),
                o.span.line,
                o.span.column,
                o.span.end_column,
                o.function
                    .map(|i| f.functions[i].name.clone())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn named(
    all: &[(String, &'static str, u32, u32, u32, String)],
    name: &str,
) -> Vec<(&'static str, u32, u32)> {
    all.iter()
        .filter(|o| o.0 == name)
        .map(|o| (o.1, o.2, o.3))
        .collect()
}

#[test]
fn declarations_of_every_kind() {
    let src = "package p\n\
type Skip struct {\n\
\tA, SkipReason int\n\
\tSkipDetails\n\
\t*pkg.PhaseSkipped\n\
\tInner struct{ SkipReason string }\n\
}\n\
type Router interface{ CheckCooldown() error }\n\
const PhaseSkipped = \"Skipped\"\n\
var NextAllowedExecution int\n\
func CheckCooldown(backoff int) {}\n\
func (r *R[T]) MarkSkipped() { skip := 1; for i, j := range x {} }\n";
    let all = occ(src);
    assert_eq!(named(&all, "Skip"), [("type", 2, 6)]);
    assert_eq!(
        named(&all, "SkipReason"),
        [("field", 3, 5), ("field", 6, 16)]
    );
    assert_eq!(named(&all, "SkipDetails"), [("field", 4, 2)]);
    assert_eq!(
        named(&all, "PhaseSkipped"),
        [("field", 5, 7), ("const", 9, 7)]
    );
    assert_eq!(named(&all, "pkg"), [("reference", 5, 3)]);
    assert_eq!(
        named(&all, "CheckCooldown"),
        [("method", 8, 24), ("func", 11, 6)]
    );
    assert_eq!(named(&all, "NextAllowedExecution"), [("var", 10, 5)]);
    assert_eq!(named(&all, "backoff"), [("var", 11, 20)]);
    assert_eq!(named(&all, "MarkSkipped"), [("method", 12, 16)]);
    assert_eq!(named(&all, "skip"), [("var", 12, 32)]);
    assert_eq!(named(&all, "i"), [("var", 12, 47)]);
    assert_eq!(named(&all, "T"), [("reference", 12, 12)]);
    let f = extract(src);
    let m = f
        .functions
        .iter()
        .find(|f| f.name == "MarkSkipped")
        .unwrap();
    assert_eq!(m.receiver.as_deref(), Some("R"));
    assert_eq!(m.kind, FnKind::Method);
}

#[test]
fn calls_references_and_values() {
    let src = "package p\n\
func (r *R) reconcilePending() {\n\
\tr.CheckCooldown(ctx) // CheckCooldown() in a comment\n\
\tx := \"http://x\"; CheckResourceLock(x)\n\
\tF[int](x)\n\
\tpkg.G[string](x)\n\
\tf := r.MarkSkipped\n\
\trun(r.MarkSkipped, FindMostRecentTerminalWFE)\n\
\ts := Status{SkipReason: `raw CheckCooldown`, Phase: PhaseSkipped}\n\
\t_ = s.SkipDetails\n\
\tvar t SkipDetails\n\
}\n";
    let all = occ(src);
    let pending = "reconcilePending".to_string();
    assert!(
        all.iter()
            .filter(|o| o.0 != "reconcilePending" && o.2 > 1)
            .all(|o| o.5 == pending)
    );
    assert_eq!(named(&all, "CheckCooldown"), [("call", 3, 4)]);
    assert_eq!(named(&all, "CheckResourceLock"), [("call", 4, 19)]);
    assert_eq!(named(&all, "F"), [("call", 5, 2)]);
    assert_eq!(named(&all, "G"), [("call", 6, 6)]);
    assert_eq!(
        named(&all, "MarkSkipped"),
        [("reference", 7, 9), ("reference", 8, 8)]
    );
    assert_eq!(
        named(&all, "FindMostRecentTerminalWFE"),
        [("reference", 8, 21)]
    );
    assert_eq!(named(&all, "SkipReason"), [("reference", 9, 14)]);
    assert_eq!(named(&all, "PhaseSkipped"), [("reference", 9, 54)]);
    assert_eq!(
        named(&all, "SkipDetails"),
        [("reference", 10, 8), ("reference", 11, 8)]
    );

    // values are candidate call edges; the call graph keeps only names that are functions
    let f = extract(src);
    let calls: Vec<(&str, Option<&str>, bool, u32)> = f.functions[0]
        .calls
        .iter()
        .map(|c| {
            (
                c.callee.as_str(),
                c.qualifier.as_deref(),
                c.value,
                c.span.line,
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("CheckCooldown", Some("self"), false, 3),
            ("ctx", None, true, 3),
            ("CheckResourceLock", None, false, 4),
            ("x", None, true, 4),
            ("F", None, false, 5),
            ("G", Some("pkg"), false, 6),
            ("MarkSkipped", Some("self"), true, 7),
            ("run", None, false, 8),
            ("MarkSkipped", Some("self"), true, 8),
            ("FindMostRecentTerminalWFE", None, true, 8),
            ("SkipDetails", Some("s"), true, 10),
        ]
    );
    // comments and strings are text regions, not occurrences
    let kinds: Vec<TextKind> = f.text.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [TextKind::Comment, TextKind::String, TextKind::String]
    );
}

#[test]
fn function_extents() {
    let src = "package p\n\n// doc\nfunc a() {\n\tb()\n}\n\nfunc (x T) b() int {\n\treturn 1\n}\n";
    let f = extract(src);
    let spans: Vec<(&str, u32, u32)> = f
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.span.line, f.span.end_line))
        .collect();
    assert_eq!(spans, [("a", 4, 6), ("b", 8, 10)]);
}

#[test]
fn syntax_error_keeps_partial_tree() {
    let src = "package p\nfunc ok() { CheckCooldown() }\nfunc broken( {\n\nfunc after() { MarkSkipped() }\n";
    let f = extract(src);
    assert!(!f.warnings.is_empty());
    assert_eq!(f.warnings[0].line, 3, "{:?}", f.warnings);
    let all = occ(src);
    assert_eq!(named(&all, "CheckCooldown"), [("call", 2, 13)]);
    assert!(!named(&all, "MarkSkipped").is_empty());
}

#[test]
fn garbage_does_not_panic() {
    for src in [
        "",
        "}}}{{{",
        "package",
        "\u{0}\u{1}func",
        "func (",
        "\"unterminated",
        "`raw",
        "/* open",
    ] {
        let _ = extract(src);
    }
}

#[test]
fn unicode_columns_are_characters() {
    let src = "package p\nfunc f() { s := \"çé\"; CheckCooldown() }\n";
    let all = occ(src);
    assert_eq!(named(&all, "CheckCooldown"), [("call", 2, 23)]);
}
