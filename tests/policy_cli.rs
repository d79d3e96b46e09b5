//! Policy problems through the real binary: exit code 2, file:line:column, key and rule id.

mod common;
use common::*;

fn with_policy(toml: &str) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.go"), "package a\n").unwrap();
    std::fs::write(dir.path().join("routeaudit.toml"), toml).unwrap();
    let o = run_in(dir.path(), &["check", "."]);
    (dir, o)
}

#[test]
fn misspelled_key_exits_2_and_names_the_line() {
    let (_d, o) = with_policy(
        "[[rule]]\nid = \"no-routing\"\nkind = \"forbid-symbol\"\nsymbols = [\"A\"]\nseverty = \"error\"\n",
    );
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains(
            "routeaudit.toml:5:1: rule `no-routing`: key `severty`: unknown key in [[rule]]"
        ),
        "{err}"
    );
    assert!(stdout(&o).is_empty(), "nothing is audited on a bad policy");
}

#[test]
fn bad_regex_names_the_rule() {
    let (_d, o) =
        with_policy("[[rule]]\nid = \"pat\"\nkind = \"forbid-pattern\"\nregex = 'skip(('\n");
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("routeaudit.toml:4:9: rule `pat`: key `regex`: invalid regex `skip((`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_glob_names_the_rule() {
    let (_d, o) = with_policy("[[rule]]\nid = \"g\"\nkind = \"forbid-file\"\nfiles = [\"a/[b\"]\n");
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("routeaudit.toml:4:10: rule `g`: key `files`: invalid glob `a/[b`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn empty_symbol_list_and_duplicate_id_are_both_reported() {
    let (_d, o) = with_policy(
        "[[rule]]\nid = \"x\"\nkind = \"forbid-symbol\"\nsymbols = []\n[[rule]]\nid = \"x\"\nkind = \"forbid-file\"\nfiles = [\"a.go\"]\n",
    );
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains(
            "rule `x`: key `symbols`: a forbid-symbol rule needs a non-empty `symbols` list"
        ),
        "{err}"
    );
    assert!(
        err.contains("routeaudit.toml:6:6: rule `x`: key `id`: duplicate rule id `x`"),
        "{err}"
    );
    assert!(err.contains("the policy has 2 problems"), "{err}");
}

#[test]
fn invalid_toml_exits_2() {
    let (_d, o) = with_policy("[[rule]\nid = 1\n");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("routeaudit.toml:1:"), "{}", stderr(&o));
}

#[test]
fn explicit_policy_flag_wins_over_discovery() {
    let (dir, _) = with_policy("this is not toml");
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "[[rule]]\nid = \"f\"\nkind = \"forbid-file\"\nfiles = [\"a.go\"]\n",
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &["check", ".", "--policy", "good.toml", "--format", "json"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["policy"]["source"], "good.toml");
    assert_eq!(v["findings"][0]["rule"], "f");
}

#[test]
fn no_policy_file_uses_the_builtin_pack() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.go"),
        "package a\nfunc CheckCooldown() {}\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["policy"]["source"], "builtin:pure-executor");
}

#[test]
fn policy_subcommands() {
    let o = bin().args(["policy", "list"]).output().unwrap();
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("builtin:pure-executor\t"));
    let o = bin()
        .args(["policy", "show", "pure-executor"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("[[rule]]"));
    let o = bin().args(["policy", "show", "nope"]).output().unwrap();
    assert_eq!(code(&o), 2);
    let o = bin()
        .args([
            "policy",
            "validate",
            fixture("go_impure/routeaudit.toml").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("valid policy `fixture-impure` with 3 rules"));
}

#[test]
fn bad_arguments_exit_2() {
    let o = bin().args(["check", "--format", "xml"]).output().unwrap();
    assert_eq!(code(&o), 2);
    let o = bin().args(["check", "does/not/exist"]).output().unwrap();
    assert_eq!(code(&o), 2, "{}", stdout(&o));
}

#[test]
fn help_snapshot() {
    let o = bin().args(["check", "--help"]).output().unwrap();
    insta::assert_snapshot!("check_help", stdout(&o));
}
