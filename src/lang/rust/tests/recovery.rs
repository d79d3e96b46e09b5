//! Unit tests of what the Rust front-end recovers beyond a clean parse: files that do not
//! tokenise, an unsure lexer, items syn keeps as raw tokens, format-string captures in the
//! format-like macros of well-known crates.

use super::*;

#[test]
fn a_file_that_does_not_tokenise_keeps_its_code() {
    let src = "fn h( {\nfn f(){ check_cooldown(); }\n";
    let facts = extract(src);
    check_invariants(src, &facts);
    assert_eq!(
        rows(&facts),
        vec![
            r("h", "func", 1, 4, 5, None, false),
            r("f", "func", 2, 4, 5, Some("h"), false),
            r("check_cooldown", "call", 2, 9, 23, Some("f"), false),
        ]
    );
    assert_eq!(
        calls(&facts, "f"),
        vec![("check_cooldown".to_string(), None, false)]
    );
    assert_eq!(facts.warnings.len(), 1);
    assert_eq!(facts.warnings[0].line, 1);
    assert_eq!(
        facts.warnings[0].message,
        "syntax error: unclosed `(`; identifiers classified from tokens only"
    );
    // a stray closer is named where it stands
    let facts = extract("fn a() {}\n}\nfn b() { check_cooldown(); }\n");
    assert_eq!(
        (facts.warnings[0].line, facts.warnings[0].message.as_str()),
        (
            2,
            "syntax error: unexpected closing `}`; identifiers classified from tokens only"
        )
    );
    assert_eq!(
        named(&facts, &["check_cooldown"]),
        vec![("check_cooldown".to_string(), "call", 3, 10)]
    );
}

#[test]
fn the_lexer_says_when_it_is_unsure() {
    let sure = "fn f() { /* a */ let s = \"b\"; } // c\n";
    assert_eq!(text_regions(sure).map(|r| r.len()), Some(3));
    for unsure in [
        "fn f() {}\n/* never closed\nfn g() { check_cooldown(); }\n",
        "fn f() {}\n/* /* nested */ still open\n",
        "fn f() { let s = \"never closed; check_cooldown(); }\n",
        "fn f() { let s = r#\"never closed\"; }\n",
        "fn f() { let s = b\"never closed; }\n",
    ] {
        assert_eq!(text_regions(unsure), None, "{unsure}");
    }
    // parsed instead, the file says why its code was not read
    let src = "fn f() {}\n/* never closed\nfn g() { check_cooldown(); }\n";
    let facts = extract(src);
    assert_eq!(
        named(&facts, &["f", "check_cooldown"]),
        vec![("f".to_string(), "func", 1, 4)]
    );
    assert_eq!(
        (facts.warnings[0].line, facts.warnings[0].message.as_str()),
        (
            2,
            "syntax error: unterminated block comment (the rest of the file was read as a comment); identifiers classified from tokens only"
        )
    );
}

#[test]
fn items_syn_keeps_as_raw_tokens_are_read() {
    let src = "\
impl Name {
    pub(crate) const fn new_validated(s: &str) -> &Self;
    fn real(&self) { check_cooldown(); }
}
static MAX: Config;
trait T { default fn later(x: u8) -> u8 { x } }
extern \"C\" { pub fn ext(a: u8) -> u8 { 1 } }
fn g() -> usize { builtin # offset_of(Status, skip_reason) }
";
    let facts = extract(src);
    check_invariants(src, &facts);
    assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
    let fns: Vec<(&str, FnKind, Option<&str>, u32, u32)> = facts
        .functions
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.kind,
                f.receiver.as_deref(),
                f.span.line,
                f.span.column,
            )
        })
        .collect();
    assert_eq!(
        fns,
        [
            ("new_validated", FnKind::Method, Some("Name"), 2, 5),
            ("real", FnKind::Method, Some("Name"), 3, 5),
            ("later", FnKind::Method, Some("T"), 6, 11),
            ("ext", FnKind::Func, None, 7, 14),
            ("g", FnKind::Func, None, 8, 1),
        ]
    );
    assert_eq!(
        named(
            &facts,
            &[
                "new_validated",
                "s",
                "str",
                "MAX",
                "Config",
                "later",
                "ext",
                "Status",
                "skip_reason"
            ]
        ),
        vec![
            ("new_validated".to_string(), "method", 2, 25),
            ("s".to_string(), "var", 2, 39),
            ("str".to_string(), "reference", 2, 43),
            ("MAX".to_string(), "var", 5, 8),
            ("Config".to_string(), "reference", 5, 13),
            ("later".to_string(), "method", 6, 22),
            ("ext".to_string(), "func", 7, 21),
            ("Status".to_string(), "reference", 8, 39),
            ("skip_reason".to_string(), "reference", 8, 47),
        ]
    );
    let s = facts.occurrences.iter().find(|o| o.name == "s").unwrap();
    assert_eq!(
        s.function.map(|f| facts.functions[f].name.as_str()),
        Some("new_validated")
    );
}

#[test]
fn format_like_macros_of_well_known_crates_capture_variables() {
    let src = "\
fn f(check_cooldown: u8, field: &str) {
    let a = format_ident!(\"{check_cooldown}_x\");
    let b = quote::format_ident!(\"get_{field}\", span = s);
    anyhow::bail!(\"{check_cooldown} failed\");
    log::warn!(\"{check_cooldown}\");
    tracing::info!(target: \"t\", key = 1, \"{check_cooldown} {key}\");
    writeln!(out, r\"{check_cooldown}\");
    my_macro!(\"{check_cooldown}\");
}
";
    let facts = extract(src);
    check_invariants(src, &facts);
    assert!(facts.warnings.is_empty(), "{:?}", facts.warnings);
    assert_eq!(
        named(&facts, &["check_cooldown", "field", "key"]),
        vec![
            ("check_cooldown".to_string(), "var", 1, 6),
            ("field".to_string(), "var", 1, 26),
            ("check_cooldown".to_string(), "reference", 2, 29),
            ("field".to_string(), "reference", 3, 40),
            ("check_cooldown".to_string(), "reference", 4, 21),
            ("check_cooldown".to_string(), "reference", 5, 18),
            // a named argument, not a capture: `{key}` names it
            ("key".to_string(), "reference", 6, 33),
            ("check_cooldown".to_string(), "reference", 6, 44),
            ("check_cooldown".to_string(), "reference", 7, 22),
        ]
    );
    // captures belong to the function around them
    let in_f = facts
        .occurrences
        .iter()
        .filter(|o| o.kind == OccKind::Reference && o.name == "check_cooldown")
        .all(|o| o.function == Some(0));
    assert!(in_f);
}

#[test]
fn captures_are_found_at_token_level_too() {
    let src = "fn f(check_cooldown: u8) {\n    println!(\"{check_cooldown}\", x = );\n    eprintln!(\"{check_cooldown:>w$}\"\n}\n";
    let facts = extract(src);
    assert!(!facts.warnings.is_empty());
    check_invariants(src, &facts);
    assert_eq!(
        named(&facts, &["check_cooldown", "w"]),
        vec![
            ("check_cooldown".to_string(), "var", 1, 6),
            ("check_cooldown".to_string(), "reference", 2, 16),
            ("check_cooldown".to_string(), "reference", 3, 17),
            ("w".to_string(), "reference", 3, 33),
        ]
    );
}
