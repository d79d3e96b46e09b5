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
    assert_eq!(p.rules.len(), 11);
    assert!(p.handoff.as_ref().is_some_and(|h| h.items.len() == 6));
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
    assert_eq!(p.rules.len(), 12);
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
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].message.contains("loops back"), "{e:?}");
}

/// `a/a.toml` -> `../sub/x.toml` -> `../a/a.toml`: every spelling differs, the file is the same.
#[test]
fn extends_loop_through_relative_paths_is_reported_once_with_the_chain() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("a")).unwrap();
    std::fs::create_dir_all(tmp.path().join("sub")).unwrap();
    let a = tmp.path().join("a/a.toml");
    std::fs::write(&a, "extends = [\"../sub/x.toml\"]\n").unwrap();
    std::fs::write(
        tmp.path().join("sub/x.toml"),
        "# a base\nextends = [\"../a/a.toml\"]\n",
    )
    .unwrap();
    let e = load_file(&a).unwrap_err();
    assert_eq!(e.len(), 1, "{e:#?}");
    let a_shown = a.to_string_lossy().replace('\\', "/");
    let x_shown = tmp
        .path()
        .join("sub/x.toml")
        .to_string_lossy()
        .replace('\\', "/");
    assert_eq!(e[0].file, x_shown);
    assert_eq!((e[0].line, e[0].column), (2, 12));
    assert_eq!(
        e[0].message,
        format!("`extends` loops back to `{a_shown}`: {a_shown} -> {x_shown} -> {a_shown}")
    );
}

#[test]
fn a_file_extended_twice_without_a_loop_is_fine() {
    let tmp = tempfile::tempdir().unwrap();
    let rule = |id: &str| {
        format!("[[rule]]\nid = \"{id}\"\nkind = \"forbid-file\"\nfiles = [\"{id}.go\"]\n")
    };
    std::fs::write(tmp.path().join("base.toml"), rule("base")).unwrap();
    std::fs::write(
        tmp.path().join("l.toml"),
        format!("extends = [\"base.toml\"]\n{}", rule("l")),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("r.toml"),
        format!("extends = [\"./base.toml\"]\n{}", rule("r")),
    )
    .unwrap();
    let top = tmp.path().join("top.toml");
    std::fs::write(&top, "extends = [\"l.toml\", \"r.toml\"]\n").unwrap();
    let p = load_file(&top).unwrap();
    let ids: Vec<&str> = p.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["base", "l", "r"]);
}

#[test]
fn extends_depth_is_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..40 {
        let body = if i == 39 {
            "[[rule]]\nid = \"x\"\nkind = \"forbid-file\"\nfiles = [\"x.go\"]\n".to_string()
        } else {
            format!("extends = [\"p{}.toml\"]\n", i + 1)
        };
        std::fs::write(tmp.path().join(format!("p{i}.toml")), body).unwrap();
    }
    let e = load_file(&tmp.path().join("p0.toml")).unwrap_err();
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].message.contains("nests more than 32 files deep"),
        "{e:?}"
    );
}

#[cfg(unix)]
#[test]
fn devices_fifos_and_directories_are_refused_with_the_file_named() {
    let e = load_file(Path::new("/dev/zero")).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(
        e[0].to_string(),
        "/dev/zero:1:1: cannot read the policy file: it is a device, not a regular file"
    );
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let e = load_file(&fifo).unwrap_err();
    assert!(
        e[0].message.ends_with("it is a FIFO, not a regular file"),
        "{e:?}"
    );

    let top = tmp.path().join("top.toml");
    std::fs::write(&top, "extends = [\"/dev/zero\", \"fifo.toml\", \".\"]\n").unwrap();
    let e: Vec<String> = load_file(&top)
        .unwrap_err()
        .iter()
        .map(|e| e.to_string())
        .collect();
    let shown = top.to_string_lossy().replace('\\', "/");
    let fifo_shown = fifo.to_string_lossy().replace('\\', "/");
    let dir_shown = tmp.path().to_string_lossy().replace('\\', "/");
    assert_eq!(
        e,
        [
            format!(
                "{shown}:1:12: key `extends`: cannot read `/dev/zero`: it is a device, not a regular file"
            ),
            format!(
                "{shown}:1:25: key `extends`: cannot read `{fifo_shown}`: it is a FIFO, not a regular file"
            ),
            format!(
                "{shown}:1:38: key `extends`: cannot read `{dir_shown}`: it is a directory, not a regular file"
            ),
        ]
    );
}

#[test]
fn an_oversized_policy_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.toml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(crate::fsread::POLICY_LIMIT + 1).unwrap();
    let e = load_file(&big).unwrap_err();
    assert!(e[0].message.contains("larger than the limit"), "{e:?}");
}

#[test]
fn invalid_utf8_is_reported_at_the_bad_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p.toml");
    std::fs::write(&p, b"[policy]\nname = \"caf\xc3\xa9 \xff\"\n").unwrap();
    let e = load_file(&p).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].line, e[0].column), (2, 14), "{e:?}");
    assert!(
        e[0].message.contains("not valid UTF-8 (byte 0xff)"),
        "{e:?}"
    );
    // in an extended file, the error points into that file
    let top = tmp.path().join("top.toml");
    std::fs::write(&top, "extends = [\"p.toml\"]\n").unwrap();
    let e = load_file(&top).unwrap_err();
    assert!(e[0].file.ends_with("/p.toml") && e[0].line == 2, "{e:?}");
}

#[test]
fn reach_rule_parses_names_and_regexes() {
    let src = "[[rule]]\nid = \"r\"\nkind = \"forbid-reach\"\nfrom = [\"reconcilePending\", \"^reconcile.*\"]\nto = ['(?i)cooldown']\nsymbols = [\"MarkSkipped\"]\nstop = [\"reconcileTerminal\", \"^dispatch\"]\nmax-depth = 4\n";
    let p = parse_policy(src, "p.toml", None).unwrap();
    let RuleKind::ForbidReach {
        from,
        to,
        stop,
        max_depth,
    } = &p.rules[0].kind
    else {
        panic!()
    };
    assert!(matches!(&from[0], NamePat::Name(n) if n == "reconcilePending"));
    assert!(matches!(&from[1], NamePat::Regex(_)));
    assert_eq!(to.len(), 2);
    assert!(matches!(&stop[0], NamePat::Name(n) if n == "reconcileTerminal"));
    assert!(matches!(&stop[1], NamePat::Regex(r) if r.as_str() == "^dispatch"));
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

#[test]
fn a_policy_without_rules_is_an_error() {
    for src in [
        "",
        "# only a comment\n",
        "[policy]\nname = \"x\"\n",
        "[[evidence]]\nid = \"e\"\nregex = \"x\"\n",
    ] {
        let e = errors(src);
        assert_eq!(
            e,
            [
                "p.toml:1:1: the policy has no rules: add a `[[rule]]`, or `extends = [\"builtin:pure-executor\"]` to start from the builtin pack"
            ],
            "{src:?}"
        );
    }
    // rules that all come from `extends` are rules
    let p = parse_policy("extends = [\"builtin:pure-executor\"]\n", "p.toml", None).unwrap();
    assert_eq!(p.rules.len(), 11);
}

#[test]
fn rule_url_is_kept_and_checked() {
    let rule = |url: &str| {
        format!(
            "[[rule]]\nid = \"r\"\nkind = \"forbid-file\"\nfiles = [\"x.go\"]\nurl = \"{url}\"\n"
        )
    };
    let p = parse_policy(&rule("https://example.com/rules#r"), "p.toml", None).unwrap();
    assert_eq!(
        p.rules[0].url.as_deref(),
        Some("https://example.com/rules#r")
    );
    for bad in ["docs/rules.md", "", "https://example.com/a b", "1http://x"] {
        let e = errors(&rule(bad));
        assert_eq!(e.len(), 1, "{bad:?}: {e:?}");
        assert!(
            e[0].starts_with("p.toml:5:7: rule `r`: key `url`: "),
            "{bad:?}: {e:?}"
        );
    }
    let e = errors("[[rule]]\nid = \"r\"\nkind = \"forbid-file\"\nfiles = [\"x.go\"]\nurl = 3\n");
    assert!(e[0].contains("key `url`: expected a string"), "{e:?}");
}

#[test]
fn verdict_labels_are_read_inherited_and_overridden() {
    let p = load_builtin("pure-executor").unwrap();
    assert_eq!(p.pass_label.as_deref(), Some("PURE"));
    assert_eq!(p.fail_label.as_deref(), Some("NOT PURE"));
    let p = parse_policy(
        "extends = [\"builtin:pure-executor\"]\n[policy]\nfail-label = \"IMPURE\"\n",
        "p.toml",
        None,
    )
    .unwrap();
    assert_eq!(p.pass_label.as_deref(), Some("PURE"), "inherited");
    assert_eq!(p.fail_label.as_deref(), Some("IMPURE"), "overridden");
    let p = parse_policy(
        "[[rule]]\nid = \"f\"\nkind = \"forbid-file\"\nfiles = [\"x.go\"]\n",
        "p.toml",
        None,
    )
    .unwrap();
    assert_eq!((p.pass_label, p.fail_label), (None, None));
    let e = errors(
        "[policy]\npass-label = \" \"\nfail_label = \"NO\"\n[[rule]]\nid = \"f\"\nkind = \"forbid-file\"\nfiles = [\"x.go\"]\n",
    );
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e[0].starts_with(
            "p.toml:2:14: key `pass-label`: a verdict label is a non-empty single line"
        ),
        "{e:?}"
    );
    assert!(
        e[1].starts_with("p.toml:3:1: key `fail_label`: unknown key in [policy] (expected one of: name, title, description, naming, pass-label, fail-label)"),
        "{e:?}"
    );
}

#[test]
fn base_dir_is_the_top_level_files_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let top_dir = tmp.path().join("repo");
    let base_dir = tmp.path().join("shared");
    std::fs::create_dir_all(&top_dir).unwrap();
    std::fs::create_dir_all(&base_dir).unwrap();
    std::fs::write(
        base_dir.join("base.toml"),
        "[scope]\ninclude = [\"internal/**\"]\n[[rule]]\nid = \"f\"\nkind = \"forbid-file\"\nfiles = [\"x.go\"]\n",
    )
    .unwrap();
    let top = top_dir.join("routeaudit.toml");
    std::fs::write(&top, "extends = [\"../shared/base.toml\"]\n").unwrap();
    let p = load_file(&top).unwrap();
    assert_eq!(p.base_dir, Some(std::fs::canonicalize(&top_dir).unwrap()));
    assert!(
        p.scope.contains("internal/a.go"),
        "the scope comes from the base"
    );
    // a file named without a directory: the current directory
    let p = parse_policy(
        "extends = [\"builtin:pure-executor\"]\n",
        "routeaudit.toml",
        Some(Path::new("")),
    )
    .unwrap();
    assert_eq!(
        p.base_dir,
        Some(std::env::current_dir().unwrap().canonicalize().unwrap())
    );
    assert_eq!(load_builtin("pure-executor").unwrap().base_dir, None);
}
