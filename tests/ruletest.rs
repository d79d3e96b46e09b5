//! `routeaudit test`: policies tested against `ruleid:` / `ok:` annotated fixtures.

mod common;
use common::*;

use std::path::Path;

/// (passed, failed) from the summary line, which must be alone on its line.
fn summary(out: &str) -> (usize, usize) {
    let re = regex::Regex::new(r"(?m)^(\d+) passed, (\d+) failed$").unwrap();
    let all: Vec<_> = re.captures_iter(out).collect();
    assert_eq!(all.len(), 1, "one summary line expected:\n{out}");
    let c = &all[0];
    (c[1].parse().unwrap(), c[2].parse().unwrap())
}

fn test_cmd(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let mut a = vec!["test"];
    a.extend_from_slice(args);
    let o = run_in(cwd, &a);
    (code(&o), stdout(&o), stderr(&o))
}

/// A copy of the builtin pack's tests, to break.
fn pack_tests_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("rules/tests"), dir.path());
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} in {}",
        path.display()
    );
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn the_builtin_pack_passes_its_own_tests() {
    let (code, out, err) = test_cmd(&root(), &["rules/tests"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let (passed, failed) = summary(&out);
    assert_eq!(failed, 0);
    assert!(passed >= 50, "{out}");
    assert!(
        out.contains("pass  rules/tests/pure-executor/routeaudit.toml ("),
        "{out}"
    );
    assert!(
        out.contains("pass  rules/tests/pure-executor/missing-lifecycle/routeaudit.toml ("),
        "{out}"
    );
    assert!(err.is_empty(), "{err}");
}

/// Every builtin rule has a positive (`ruleid:`) and a negative (`ok:`) case in the pack's
/// tests, and the fixtures cover Go, Rust and YAML.
#[test]
fn the_pack_tests_cover_every_builtin_rule_both_ways() {
    let pack = routeaudit::policy::load_builtin("pure-executor").unwrap();
    let mut text = String::new();
    let mut exts = std::collections::BTreeSet::new();
    let mut stack = vec![root().join("rules/tests/pure-executor")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                exts.insert(p.extension().unwrap().to_string_lossy().into_owned());
                text.push_str(&std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    for e in ["go", "rs", "yaml", "toml"] {
        assert!(exts.contains(e), "no .{e} fixture");
    }
    let annotated = |kind: &str, id: &str| {
        text.lines().any(|l| {
            l.split_once(kind).is_some_and(|(before, rest)| {
                (before.trim_end().ends_with("//") || before.trim_end().ends_with('#'))
                    && rest.split(',').any(|x| x.trim() == id)
            })
        })
    };
    for r in &pack.rules {
        assert!(annotated("ruleid:", &r.id), "no positive case for {}", r.id);
        assert!(annotated("ok:", &r.id), "no negative case for {}", r.id);
    }
}

#[test]
fn a_broken_annotation_fails_naming_file_and_line() {
    let dir = pack_tests_copy();
    let (_, clean, _) = test_cmd(dir.path(), &["."]);
    let (clean_passed, _) = summary(&clean);
    let go = dir.path().join("pure-executor/go/controller.go");
    // a reach finding the annotation no longer expects
    edit(
        &go,
        "\t// ruleid: pending-path-no-skip\n",
        "\t// ok: pending-path-no-skip\n",
    );
    // an expectation the line does not meet (it has cooldown findings only)
    edit(
        &go,
        "\t// one helper, whose own name reads as a cooldown check, then the check\n",
        "\t// ruleid: no-routing-state\n",
    );
    let (code, out, err) = test_cmd(dir.path(), &["."]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains("pure-executor/go/controller.go:60: unexpected pending-path-no-skip\n"),
        "{out}"
    );
    // stacked annotations speak for the first line that is not one
    assert!(
        out.contains("pure-executor/go/controller.go:38: expected no-routing-state, got nothing\n"),
        "{out}"
    );
    assert!(
        out.contains("FAIL  pure-executor/routeaudit.toml (2 of "),
        "{out}"
    );
    assert_eq!(summary(&out), (clean_passed - 1, 2), "{out}");
}

#[test]
fn an_unannotated_finding_is_unexpected() {
    let dir = pack_tests_copy();
    let yaml = dir.path().join("pure-executor/crd.yaml");
    edit(
        &yaml,
        "                # ruleid: crd-no-skip-fields\n                skipDetails:",
        "                # a field without an annotation\n                skipDetails:",
    );
    let rs = dir.path().join("pure-executor/rust/src/lib.rs");
    // one of two ids on a line no longer holds
    edit(
        &rs,
        "// ruleid: pending-path-no-backoff, pending-path-no-retry-limit",
        "// ruleid: pending-path-no-backoff, pending-path-no-cooldown",
    );
    let (code, out, _) = test_cmd(dir.path(), &["pure-executor"]);
    assert_eq!(code, 1, "{out}");
    let mismatches: Vec<&str> = out.lines().filter(|l| l.contains(": ")).collect();
    assert_eq!(
        mismatches,
        [
            "pure-executor/crd.yaml:22: unexpected crd-no-skip-fields",
            "pure-executor/rust/src/lib.rs:30: expected pending-path-no-cooldown, got nothing",
            "pure-executor/rust/src/lib.rs:30: unexpected pending-path-no-retry-limit",
        ],
        "{out}"
    );
}

#[test]
fn a_finding_without_a_location_is_checked_against_the_policy_file() {
    let dir = pack_tests_copy();
    let toml = dir
        .path()
        .join("pure-executor/missing-lifecycle/routeaudit.toml");
    edit(
        &toml,
        "# ruleid: execution-functions-present\n",
        "# (no annotation)\n",
    );
    let (code, out, _) = test_cmd(dir.path(), &["pure-executor/missing-lifecycle"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("pure-executor/missing-lifecycle/routeaudit.toml: unexpected execution-functions-present (HandleAlreadyExists, ReconcileTerminal, reconcilePending, reconcileRunning not found in scope)\n"),
        "{out}"
    );
    // the parent's own annotation says the opposite for its tree, and holds
    let (code, out, _) = test_cmd(dir.path(), &["pure-executor/routeaudit.toml"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn an_unknown_rule_id_is_an_error_with_the_closest_id() {
    let dir = pack_tests_copy();
    let go = dir.path().join("pure-executor/go/controller.go");
    edit(
        &go,
        "\t// ruleid: pending-path-no-cooldown\n",
        "\t// ruleid: pending-path-no-cooldwn\n",
    );
    let (code, _, err) = test_cmd(dir.path(), &["."]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("error: pure-executor/go/controller.go:37: unknown rule id `pending-path-no-cooldwn` in the policy (did you mean `pending-path-no-cooldown`?)"),
        "{err}"
    );
}

#[test]
fn errors_exit_2() {
    // no policy under the path
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("a.go"), "package a\n").unwrap();
    let (code, _, err) = test_cmd(empty.path(), &["."]);
    assert_eq!(code, 2);
    assert!(err.contains("no policy found"), "{err}");
    // a path that does not exist
    let (code, _, err) = test_cmd(empty.path(), &["missing"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing"), "{err}");
    // a bad policy: every problem, exit 2
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("routeaudit.toml"),
        "[[rule]]\nid = \"r\"\nkind = \"forbid-symbol\"\nsymbols = [\"X\"]\nseverty = \"error\"\n",
    )
    .unwrap();
    std::fs::write(
        bad.path().join("a.go"),
        "package a\n// ruleid: r\nfunc X() {}\n",
    )
    .unwrap();
    let (code, out, err) = test_cmd(bad.path(), &["."]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("key `severty`"), "{err}");
    // a malformed annotation
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        "[[rule]]\nid = \"r\"\nkind = \"forbid-symbol\"\nsymbols = [\"X\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.go"),
        "package a\n// ruleid:\nfunc X() {}\n",
    )
    .unwrap();
    let (code, _, err) = test_cmd(dir.path(), &["."]);
    assert_eq!(code, 2);
    assert!(err.contains("a.go:2: annotation names no rule id"), "{err}");
}

/// An annotation whose own text matches a rule that also reads comments does not count as a
/// finding of its own.
#[test]
fn annotation_text_is_not_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        "[policy]\nname = \"t\"\n[[rule]]\nid = \"CheckCooldown\"\nkind = \"forbid-symbol\"\nsymbols = [\"CheckCooldown\"]\nin = [\"any\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.go"),
        "package a\n\n// ruleid: CheckCooldown\nfunc CheckCooldown() {}\n\nfunc f() {\n\tg() // ok: CheckCooldown\n}\n",
    )
    .unwrap();
    let (code, out, err) = test_cmd(dir.path(), &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(summary(&out), (2, 0));
    // the same rule does see the name in an ordinary comment
    std::fs::write(
        dir.path().join("a.go"),
        "package a\n\n// CheckCooldown was removed\nfunc f() {}\n\n// ok: CheckCooldown\nfunc g() {}\n",
    )
    .unwrap();
    let (code, out, _) = test_cmd(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(out.contains("a.go:3: unexpected CheckCooldown\n"), "{out}");
}

/// Several policies in one directory: `NAME.toml` owns the files named `NAME.*`.
#[test]
fn policies_named_after_their_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let w = |rel: &str, text: &str| std::fs::write(dir.path().join(rel), text).unwrap();
    w(
        "cooldown.toml",
        "[policy]\nname = \"c\"\n[[rule]]\nid = \"no-cooldown\"\nkind = \"forbid-symbol\"\nsymbols = [\"Cooldown\"]\n",
    );
    w(
        "lock.toml",
        "[policy]\nname = \"l\"\n[[rule]]\nid = \"no-lock\"\nkind = \"forbid-symbol\"\nsymbols = [\"Lock\"]\n",
    );
    w(
        "cooldown.go",
        "package a\n\n// ruleid: no-cooldown\nfunc Cooldown() {}\n",
    );
    w(
        "lock.go",
        "package a\n\n// ruleid: no-lock\nfunc Lock() {}\n",
    );
    // not a policy: no [policy] table
    w("Cargo.toml", "[package]\nname = \"x\"\n");
    let (code, out, err) = test_cmd(dir.path(), &["."]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("pass  cooldown.toml (1 check)"), "{out}");
    assert!(out.contains("pass  lock.toml (1 check)"), "{out}");
    assert_eq!(summary(&out), (2, 0));
}

#[test]
fn ci_runs_the_pack_tests() {
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(ci.contains("-- test rules/tests"), "{ci}");
}

/// A project's own `routeaudit.toml` over its code, with no annotated fixture, is not a
/// policy test: its findings are not reported as failed tests.
#[test]
fn a_policy_without_annotations_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        "[[rule]]\nid = \"r\"\nkind = \"forbid-symbol\"\nsymbols = [\"CheckCooldown\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.go"),
        "package a\n\nfunc f() { CheckCooldown() }\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["test"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("skip  routeaudit.toml"),
        "{}",
        stdout(&o)
    );
    // once annotated, it is tested
    std::fs::write(
        dir.path().join("a.go"),
        "package a\n\n// ok: r\nfunc f() { CheckCooldown() }\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["test"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("a.go:4: unexpected r"),
        "{}",
        stdout(&o)
    );
}
