//! Unit tests of the policy reader: positions, keys and rule ids in messages, `extends`.

use super::*;
use crate::policy::{NamePat, Naming, RuleKind, Severity};

fn errors(src: &str) -> Vec<String> {
    match parse_policy(src, "p.toml", None) {
        Ok(_) => Vec::new(),
        Err(es) => es.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn builtin_pack_is_valid() {
    let p = load_builtin("pure-executor").unwrap();
    assert_eq!(p.name, "pure-executor");
    assert_eq!(p.naming, Naming::Words);
    assert_eq!(p.rules.len(), 5);
    assert!(p.handoff.as_ref().is_some_and(|h| h.items.len() == 5));
    assert_eq!(p.evidence.len(), 1);
}

#[test]
fn misspelled_key_names_line_column_and_rule() {
    let src = "[[rule]]\nid = \"r1\"\nkind = \"forbid-symbol\"\nsymbls = [\"A\"]\n";
    let e = errors(src);
    assert_eq!(e.len(), 2, "{e:?}");
    // in line order: the rule (line 1) lacks symbols; line 4 has the misspelled key
    assert!(e[1].starts_with("p.toml:4:1: rule `r1`: key `symbls`: unknown key in [[rule]] (expected one of: id, kind,"), "{}", e[1]);
    assert!(
        e[0].contains("needs a non-empty `symbols` list"),
        "{}",
        e[0]
    );
}

#[test]
fn every_problem_is_collected() {
    let src = r#"
[policy]
naming = "fuzzy"
[scope]
tests = "maybe"
include = ["src/[z-a]"]
[[rule]]
id = "a"
kind = "forbid-pattern"
regex = "(unclosed"
[[rule]]
id = "a"
kind = "forbid-file"
files = ["**/x.go"]
regex = "x"
[[rule]]
id = "c"
kind = "forbid-everything"
[[rule]]
id = "d"
kind = "forbid-symbol"
symbols = []
in = ["codes"]
"#;
    let e = errors(src);
    let want = [
        "p.toml:3:10: key `naming`: unknown naming `fuzzy`",
        "p.toml:5:9: key `tests`: unknown value `maybe`",
        "p.toml:6:12: key `include`: invalid glob `src/[z-a]`",
        "p.toml:10:9: rule `a`: key `regex`: invalid regex `(unclosed`",
        "p.toml:12:6: rule `a`: key `id`: duplicate rule id `a`",
        "p.toml:15:1: rule `a`: key `regex`: does not apply to rules of kind `forbid-file`",
        "p.toml:18:8: rule `c`: key `kind`: unknown rule kind `forbid-everything`",
        "p.toml:23:7: rule `d`: key `in`: unknown occurrence kind `codes`",
    ];
    for w in want {
        assert!(
            e.iter().any(|x| x.starts_with(w)),
            "missing {w:?} in {e:#?}"
        );
    }
    assert!(
        e.iter()
            .any(|x| x.contains("rule `d`: key `symbols`: a forbid-symbol rule needs")),
        "{e:#?}"
    );
}

#[test]
fn one_error_per_problem() {
    let e = errors(
        "[[rule]]\nid = \"x\"\nkind = \"forbid-symbol\"\nsymbols = [\"A\"]\nin = [\"cod\"]\n[[rule]]\nid = \"y\"\nkind = \"forbid-reach\"\nfrom = [\"f\"]\nto = [\"(\"]\n",
    );
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].starts_with("p.toml:5:7: rule `x`: key `in`: unknown occurrence kind `cod`"),
        "{e:?}"
    );
    assert!(
        e[1].starts_with("p.toml:10:7: rule `y`: key `to`: invalid regex"),
        "{e:?}"
    );
}

#[test]
fn require_symbol_cannot_be_satisfied_by_text() {
    let e = errors(
        "[[rule]]\nid = \"r\"\nkind = \"require-symbol\"\nsymbols = [\"f\"]\nin = [\"comment\"]\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with(
            "p.toml:5:6: rule `r`: key `in`: a required symbol must be declared or used in code"
        ),
        "{e:?}"
    );
}

#[test]
fn errors_come_in_line_order() {
    let e = errors(
        "[[rule]]\nid = \"a\"\nkind = \"forbid-file\"\nfiles = [\"[\"]\n[scope]\ntests = \"x\"\n",
    );
    let lines: Vec<&str> = e.iter().map(|x| x.split(':').nth(1).unwrap()).collect();
    assert_eq!(lines, ["4", "6"], "{e:?}");
}

#[test]
fn invalid_toml_is_an_error_with_position() {
    let e = errors("[policy\nname = 1\n");
    assert!(e[0].starts_with("p.toml:1:"), "{e:?}");
    assert!(e[0].contains("invalid TOML"), "{e:?}");
}

#[test]
fn wrong_types_are_reported() {
    let e = errors(
        "[policy]\nname = 3\n[[rule]]\nid = \"x\"\nkind = \"forbid-symbol\"\nsymbols = [1]\n",
    );
    assert!(
        e.iter()
            .any(|x| x.starts_with("p.toml:2:8: key `name`: expected a string, found an integer")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|x| x.starts_with("p.toml:6:12: rule `x`: key `symbols`: expected a string")),
        "{e:?}"
    );
}

#[test]
fn extends_builtin_and_overrides_by_id() {
    let src = r#"
extends = ["builtin:pure-executor"]
[policy]
name = "ours"
[[rule]]
id = "no-routing-functions"
kind = "forbid-symbol"
symbols = ["CheckCooldown"]
severity = "warning"
[[rule]]
id = "extra"
kind = "forbid-file"
files = ["legacy.go"]
"#;
    let p = parse_policy(src, "p.toml", None).unwrap();
    assert_eq!(p.name, "ours");
    assert_eq!(p.naming, Naming::Words, "inherited from the pack");
    assert_eq!(p.rules.len(), 6);
    let r = p.rule("no-routing-functions").unwrap();
    assert_eq!(r.severity, Severity::Warning);
    assert_eq!(r.listed_symbols(), ["CheckCooldown"]);
    assert_eq!(r.origin.file, "p.toml");
    let extra = p.rule("extra").unwrap();
    let RuleKind::ForbidFile { files } = &extra.kind else {
        panic!()
    };
    assert!(
        files.is_match("a/b/legacy.go"),
        "a bare name matches in any directory"
    );
    assert_eq!(
        p.rule("no-compat-stubs").unwrap().origin.file,
        "builtin:pure-executor"
    );
}

#[test]
fn extends_unknown_builtin() {
    let e = errors("extends = [\"builtin:nope\"]\n");
    assert!(
        e[0].starts_with("p.toml:1:12: key `extends`: no builtin policy named `nope`"),
        "{e:?}"
    );
}

#[test]
fn extends_loop_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.toml");
    let b = tmp.path().join("b.toml");
    std::fs::write(&a, "extends = [\"b.toml\"]\n").unwrap();
    std::fs::write(&b, "extends = [\"a.toml\"]\n").unwrap();
    let e = load_file(&a).unwrap_err();
    assert!(e.iter().any(|x| x.message.contains("loops back")), "{e:?}");
}

#[test]
fn reach_rule_parses_names_and_regexes() {
    let src = "[[rule]]\nid = \"r\"\nkind = \"forbid-reach\"\nfrom = [\"reconcilePending\", \"^reconcile.*\"]\nto = ['(?i)cooldown']\nsymbols = [\"MarkSkipped\"]\nmax-depth = 4\n";
    let p = parse_policy(src, "p.toml", None).unwrap();
    let RuleKind::ForbidReach {
        from,
        to,
        max_depth,
    } = &p.rules[0].kind
    else {
        panic!()
    };
    assert!(matches!(&from[0], NamePat::Name(n) if n == "reconcilePending"));
    assert!(matches!(&from[1], NamePat::Regex(_)));
    assert_eq!(to.len(), 2);
    assert_eq!(*max_depth, Some(4));
}

#[test]
fn pattern_rule_rejects_empty_matching_regex() {
    let e = errors("[[rule]]\nid = \"r\"\nkind = \"forbid-pattern\"\nregex = 'x*'\n");
    assert!(e[0].contains("matches the empty string"), "{e:?}");
}

#[test]
fn every_kind_round_trips_through_its_name() {
    for k in crate::policy::Kind::ALL {
        assert_eq!(crate::policy::Kind::parse(k.name()), Some(k));
        assert!(rule_keys(k).starts_with(COMMON_RULE_KEYS));
    }
    assert_eq!(crate::policy::Kind::parse("forbid-everything"), None);
}

#[test]
fn include_and_exclude_narrow_one_way_everywhere() {
    let src = "[scope]\ninclude = [\"src/**\"]\nexclude = [\"src/gen/**\"]\n[[rule]]\nid = \"f\"\nkind = \"forbid-file\"\nfiles = [\"x.go\"]\ninclude = [\"src/**\"]\nexclude = [\"src/gen/**\"]\n[[evidence]]\nid = \"e\"\nregex = \"x\"\ninclude = [\"src/**\"]\nexclude = [\"src/gen/**\"]\n";
    let p = parse_policy(src, "p.toml", None).unwrap();
    for (rel, want) in [
        ("src/a.go", true),
        ("src/gen/a.go", false),
        ("other/a.go", false),
    ] {
        assert_eq!(p.scope.contains(rel), want, "{rel}");
        assert_eq!(p.rules[0].applies_to(rel), want, "{rel}");
        assert_eq!(p.evidence[0].applies_to(rel), want, "{rel}");
    }
    let d = default_scope();
    assert!(d.contains("a/b.go") && !d.contains("vendor/x/b.go") && !d.contains("a.txt"));
}
