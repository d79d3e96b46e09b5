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
    // the receiver's type parameter is declared there, as in `func F[T any]`
    assert_eq!(named(&all, "T"), [("type", 12, 12)]);
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
fn type_switch_binding_is_a_var() {
    let src = "package p\nfunc f(v any) {\n\tswitch x := v.(type) {\n\tcase int:\n\t\t_ = x\n\t}\n\tswitch v.(type) {\n\t}\n}\n";
    let all = occ(src);
    assert_eq!(named(&all, "x"), [("var", 3, 9), ("reference", 5, 7)]);
    assert_eq!(
        named(&all, "v"),
        [("var", 2, 8), ("reference", 3, 14), ("reference", 7, 9)]
    );
}

#[test]
fn select_receive_bindings_are_vars() {
    let src = "package p\nfunc f() {\n\tselect {\n\tcase v, ok := <-ch:\n\t\t_, _ = v, ok\n\tcase w = <-ch:\n\tcase <-done:\n\t}\n}\n";
    let all = occ(src);
    assert_eq!(named(&all, "v"), [("var", 4, 7), ("reference", 5, 10)]);
    assert_eq!(named(&all, "ok"), [("var", 4, 10), ("reference", 5, 13)]);
    // `=` assigns, it declares nothing
    assert_eq!(named(&all, "w"), [("reference", 6, 7)]);
}

#[test]
fn embedded_generic_fields() {
    let src = "package p\ntype S struct {\n\t*pkg.Client[T]\n\tResult[T]\n\tpkg.Other\n\tName Result[T]\n}\n";
    let all = occ(src);
    assert_eq!(named(&all, "Client"), [("field", 3, 7)]);
    assert_eq!(
        named(&all, "Result"),
        [("field", 4, 2), ("reference", 6, 7)]
    );
    assert_eq!(named(&all, "Other"), [("field", 5, 6)]);
    assert_eq!(
        named(&all, "pkg"),
        [("reference", 3, 3), ("reference", 5, 2)]
    );
    // type arguments stay references
    assert!(named(&all, "T").iter().all(|o| o.0 == "reference"));
    assert_eq!(named(&all, "Name"), [("field", 6, 2)]);
}

#[test]
fn receiver_type_parameters_are_types() {
    let src = "package p\nfunc (s Set[T]) Insert(v T) {}\nfunc (s *Map[K, V]) Get(k K) V { return nil }\nfunc F[T any](v T) {}\n";
    let all = occ(src);
    assert_eq!(
        named(&all, "T"),
        [
            ("type", 2, 13),
            ("reference", 2, 26),
            ("type", 4, 8),
            ("reference", 4, 17)
        ]
    );
    assert_eq!(named(&all, "K"), [("type", 3, 14), ("reference", 3, 27)]);
    assert_eq!(named(&all, "V"), [("type", 3, 17), ("reference", 3, 30)]);
}

#[test]
fn predeclared_constants_are_references() {
    let src = "package p\nconst (\n\tA = iota\n)\nvar x, y, z = nil, true, false\n";
    let all = occ(src);
    for (name, col) in [("nil", 15), ("true", 20), ("false", 26)] {
        assert_eq!(named(&all, name), [("reference", 5, col)], "{name}");
    }
    assert_eq!(named(&all, "iota"), [("reference", 3, 6)]);
}

#[test]
fn names_in_literals_are_never_code() {
    // `new(expr)` with a literal argument is not in the grammar: the parser's error
    // recovery reads the literal's text as a type name; it is a string all the same
    let src =
        "package p\nfunc f() {\n\t_ = S{Kind: new(\"Certificate\")}\n\t_ = new(`Issuer`)\n}\n";
    let f = extract(src);
    let all = occ(src);
    assert!(named(&all, "Certificate").is_empty(), "{all:?}");
    assert!(named(&all, "Issuer").is_empty(), "{all:?}");
    assert_eq!(named(&all, "new")[0], ("call", 3, 14));
    let texts: Vec<&str> = f.text.iter().map(|t| &src[t.start..t.end]).collect();
    assert_eq!(texts, ["\"Certificate\"", "`Issuer`"]);
    assert!(!f.warnings.is_empty(), "the error region is reported");
    assert_eq!(f.warnings[0].line, 3, "{:?}", f.warnings);
}

#[test]
fn callees_in_parentheses_are_calls() {
    let src = "package p\nvar x = (syscall.Pointer)(unsafe.Pointer(p))\nvar y = ((f))(1)\n";
    let all = occ(src);
    assert_eq!(named(&all, "Pointer"), [("call", 2, 18), ("call", 2, 34)]);
    assert_eq!(named(&all, "f"), [("call", 3, 11)]);
}

#[test]
fn long_parameter_name_lists_are_names() {
    // the grammar may read the first name of a long list as a type of its own
    let src = "package p\nfunc f(a, b, c, d, e, f, g, h, i, j int) (int, int) { return 0, 0 }\nfunc g(int, string) {}\n";
    let all = occ(src);
    for name in ["a", "b", "j"] {
        assert_eq!(
            named(&all, name).first().map(|o| o.0),
            Some("var"),
            "{name}"
        );
    }
    assert!(named(&all, "int").iter().all(|o| o.0 == "reference"));
    assert_eq!(named(&all, "string"), [("reference", 3, 13)]);
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

/// The token scanner finds the parser's functions: name, kind, receiver, extent and name span.
#[test]
fn declarations_match_the_parser() {
    let mut files: Vec<(String, String)> = [
        include_str!("../../../tests/fixtures/go_mentions/controller.go"),
        include_str!("../../../tests/fixtures/go_impure/internal/we/calls.go"),
        include_str!("../../../tests/fixtures/go_impure/internal/we/decl.go"),
        include_str!(
            "../../../examples/go-pure/internal/controller/workflowexecution/workflowexecution_controller.go"
        ),
    ]
    .iter()
    .enumerate()
    .map(|(i, s)| (format!("fixture {i}"), s.to_string()))
    .collect();
    // the Go standard library, where installed
    for dir in ["net/http", "go/types", "encoding/json"] {
        let found = std::fs::read_dir("/usr/lib")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("src").join(dir))
            .find(|p| p.is_dir() && p.to_string_lossy().contains("/go"));
        for e in found
            .iter()
            .flat_map(|d| std::fs::read_dir(d).into_iter().flatten().flatten())
        {
            if e.path().extension().is_some_and(|x| x == "go")
                && let Ok(src) = std::fs::read_to_string(e.path())
            {
                files.push((e.path().display().to_string(), src));
            }
        }
    }
    let key = |f: &Function| {
        (
            f.name.clone(),
            f.kind,
            f.receiver.clone(),
            f.span,
            f.name_span,
        )
    };
    let mut functions = 0;
    for (name, src) in &files {
        let facts = extract(src);
        if !facts.warnings.is_empty() {
            continue;
        }
        let parsed: Vec<_> = facts.functions.iter().map(key).collect();
        let scanned: Vec<_> = declarations(src).iter().map(key).collect();
        for (a, b) in scanned.iter().zip(&parsed) {
            assert_eq!(a, b, "{name}");
        }
        assert_eq!(scanned.len(), parsed.len(), "{name}");
        functions += parsed.len();
    }
    assert!(functions > 20, "{functions} functions compared");
}
