//! Command-line conventions through the real binary: `--quiet`, the GitHub step summary and
//! `--new-from-merge-base auto`, rule filters, rule documentation links, and outputs that
//! refuse to clobber what they must not.

mod common;
use common::*;

use std::path::Path;
use std::process::{Command, Output};

const POLICY: &str = "\
[[rule]]
id = \"no-routing\"
kind = \"forbid-symbol\"
symbols = [\"CheckCooldown\", \"MarkSkipped\"]
message = \"routing decision inside the executor\"

[[rule]]
id = \"no-skip-api\"
kind = \"forbid-symbol\"
severity = \"warning\"
symbols = [\"SkipReason\"]
";

const IMPURE_GO: &str = "package we\n\nfunc reconcile() {\n\tCheckCooldown()\n\tMarkSkipped()\n}\n\ntype Status struct {\n\tSkipReason string\n}\n";
const PURE_GO: &str =
    "package we\n\n// CheckCooldown moved to the orchestrator.\nfunc reconcile() {}\n";

/// A temporary tree with `routeaudit.toml` (POLICY unless `files` has its own) and `files`.
fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("routeaudit.toml"), POLICY).unwrap();
    for (name, bytes) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

/// `routeaudit ARGS` in `cwd` without any CI variables of the environment the tests run in.
fn run_clean(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = bin();
    for v in CI_VARS {
        c.env_remove(v);
    }
    c.current_dir(cwd).args(args).envs(env.iter().copied());
    c.output().expect("run routeaudit")
}

const CI_VARS: [&str; 6] = [
    "GITHUB_STEP_SUMMARY",
    "GITHUB_BASE_REF",
    "GITHUB_SERVER_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_SHA",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
];

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

// ---------------------------------------------------------------------------------------------
// --quiet

#[test]
fn quiet_check_prints_nothing_keeps_the_exit_code_and_writes_files() {
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    let loud = run_clean(dir.path(), &["check", "."], &[]);
    assert_eq!(code(&loud), 1);
    assert!(!stdout(&loud).is_empty());
    for flag in ["-q", "--quiet"] {
        for format in ["human", "json", "sarif", "github", "junit", "markdown"] {
            let o = run_clean(
                dir.path(),
                &[
                    "check",
                    ".",
                    flag,
                    "--format",
                    format,
                    "--json-output",
                    "r.json",
                ],
                &[],
            );
            assert_eq!(code(&o), 1, "{format}: {}", stderr(&o));
            assert_eq!(stdout(&o), "", "{format}");
            assert_eq!(stderr(&o), "", "{format}");
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap()).unwrap();
            assert_eq!(v["verdict"], "fail");
            std::fs::remove_file(dir.path().join("r.json")).unwrap();
        }
    }
    // `--output` is still written
    let o = run_clean(dir.path(), &["check", ".", "-q", "-o", "out.txt"], &[]);
    assert_eq!((code(&o), stdout(&o).as_str()), (1, ""));
    let text = std::fs::read_to_string(dir.path().join("out.txt")).unwrap();
    assert!(text.contains("error[no-routing]"), "{text}");
    // a passing tree: exit 0, still nothing
    let clean = tree(&[("we/a.go", PURE_GO.as_bytes())]);
    let o = run_clean(clean.path(), &["check", ".", "-q"], &[]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, ""));
}

#[test]
fn quiet_runs_still_report_errors_on_stderr() {
    // an unreadable file (a dangling link) in a human run goes to stderr, not to the report
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    std::os::unix::fs::symlink("gone.go", dir.path().join("we/bad.go")).unwrap();
    let o = run_clean(dir.path(), &["check", ".", "-q"], &[]);
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("error: we/bad.go"), "{}", stderr(&o));
    // a bad policy
    let bad = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    std::fs::write(bad.path().join("routeaudit.toml"), "[[rule]]\nid = 1\n").unwrap();
    for sub in ["check", "report", "baseline", "symbols"] {
        let mut args = vec![sub, ".", "-q"];
        if sub == "baseline" {
            args.extend(["--output", "b.json"]);
        }
        let o = run_clean(bad.path(), &args, &[]);
        assert_eq!(code(&o), 2, "{sub}");
        assert_eq!(stdout(&o), "", "{sub}");
        assert!(stderr(&o).contains("error: "), "{sub}: {}", stderr(&o));
    }
    // an incomplete audit refuses to write a baseline, and says so
    let o = run_clean(dir.path(), &["baseline", ".", "-q", "-o", "b.json"], &[]);
    assert_eq!((code(&o), stdout(&o).as_str()), (2, ""));
    assert!(stderr(&o).contains("the baseline was not written"));
}

#[test]
fn quiet_report_baseline_and_symbols() {
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    // report: the document is written, nothing is printed
    let o = run_clean(
        dir.path(),
        &["report", ".", "-q", "--output", "doc.md"],
        &[],
    );
    assert_eq!(
        (code(&o), stdout(&o).as_str(), stderr(&o).as_str()),
        (0, "", "")
    );
    assert!(dir.path().join("doc.md").is_file());
    // report --check: the exit code says current (0) or stale (1), nothing else
    let o = run_clean(
        dir.path(),
        &["report", ".", "-q", "--output", "doc.md", "--check"],
        &[],
    );
    assert_eq!((code(&o), stdout(&o).as_str()), (0, ""));
    std::fs::write(dir.path().join("doc.md"), "stale\n").unwrap();
    let loud = run_clean(
        dir.path(),
        &["report", ".", "--output", "doc.md", "--check"],
        &[],
    );
    assert_eq!(code(&loud), 1);
    assert!(stdout(&loud).contains("is stale"));
    let o = run_clean(
        dir.path(),
        &["report", ".", "--quiet", "--output", "doc.md", "--check"],
        &[],
    );
    assert_eq!((code(&o), stdout(&o).as_str()), (1, ""));
    // baseline
    let o = run_clean(dir.path(), &["baseline", ".", "-q", "-o", "b.json"], &[]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, ""));
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("b.json")).unwrap()).unwrap();
    assert_eq!(b["findings"].as_array().unwrap().len(), 3);
    // symbols
    let loud = run_clean(dir.path(), &["symbols", "."], &[]);
    assert!(stdout(&loud).contains("reconcile"));
    let o = run_clean(dir.path(), &["symbols", ".", "-q", "--format", "json"], &[]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, ""));
}

// ---------------------------------------------------------------------------------------------
// GitHub: step summary, PASS notice, `--new-from-merge-base auto`

#[test]
fn github_step_summary_is_appended_with_links() {
    let dir = tree(&[("we/a b.go", IMPURE_GO.as_bytes())]);
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let s = summary.to_str().unwrap();
    // outside Actions' repository variables: links relative to the repository root
    let o = run_clean(
        dir.path(),
        &["check", ".", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", s)],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier step\n\n### routeaudit: FAIL\n"),
        "{text}"
    );
    assert!(text.contains("| `no-routing` | error | 2 | — |"), "{text}");
    assert!(
        text.contains("| `no-skip-api` | warning | 1 | — |"),
        "{text}"
    );
    assert!(
        text.contains("[`we/a b.go:4:2`](we/a%20b.go#L4) error `no-routing`: routing decision"),
        "{text}"
    );
    // a second run appends again; with the repository variables, links are absolute
    let o = run_clean(
        dir.path(),
        &["check", ".", "--github-output", "gh.txt", "-q"],
        &[
            ("GITHUB_STEP_SUMMARY", s),
            ("GITHUB_SERVER_URL", "https://github.example"),
            ("GITHUB_REPOSITORY", "acme/executor"),
            ("GITHUB_SHA", "4b825dc642cb6eb9a060e54bf8d69288fbee4904"),
        ],
    );
    assert_eq!((code(&o), stdout(&o).as_str()), (1, ""));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(text.matches("### routeaudit: FAIL").count(), 2, "{text}");
    assert!(text.contains(
        "(https://github.example/acme/executor/blob/4b825dc642cb6eb9a060e54bf8d69288fbee4904/we/a%20b.go#L5)"
    ), "{text}");
    // other formats leave the summary alone
    let before = std::fs::read(&summary).unwrap();
    let o = run_clean(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "json",
            "--sarif-output",
            "r.sarif",
        ],
        &[("GITHUB_STEP_SUMMARY", s)],
    );
    assert_eq!(code(&o), 1);
    assert_eq!(std::fs::read(&summary).unwrap(), before);
}

#[test]
fn github_pass_says_pass() {
    let dir = tree(&[("we/a.go", PURE_GO.as_bytes())]);
    let summary = dir.path().join("summary.md");
    let o = run_clean(
        dir.path(),
        &["check", ".", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        "::notice title=routeaudit PASS::routeaudit PASS: policy routeaudit — 0 errors, 0 warnings (1 file scanned)\n"
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("\n### routeaudit: PASS\n"), "{text}");
    assert!(!text.contains("#### Findings"), "{text}");
    // a summary path that is not a regular file is refused
    let o = run_clean(
        dir.path(),
        &["check", ".", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", dir.path().to_str().unwrap())],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
}

#[test]
fn merge_base_auto_needs_a_ci_variable() {
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    let o = run_clean(
        dir.path(),
        &["check", ".", "--new-from-merge-base", "auto"],
        &[("GITHUB_BASE_REF", "")],
    );
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    let e = stderr(&o);
    assert!(
        e.contains("--new-from-merge-base auto")
            && e.contains("GITHUB_BASE_REF")
            && e.contains("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
        "{e}"
    );
}

/// A repository with `main` (one violation) and `feature` (one more on a new line), and a
/// shallow clone of `feature` alone.
fn repo_and_shallow_clone() -> (tempfile::TempDir, std::path::PathBuf) {
    let top = tempfile::tempdir().unwrap();
    let origin = top.path().join("origin");
    std::fs::create_dir_all(origin.join("we")).unwrap();
    git(&origin, &["init", "-q"]);
    std::fs::write(origin.join("routeaudit.toml"), POLICY).unwrap();
    std::fs::write(
        origin.join("we/a.go"),
        "package we\n\nfunc reconcile() {\n\tCheckCooldown()\n}\n",
    )
    .unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-qm", "base"]);
    git(&origin, &["checkout", "-qb", "feature"]);
    std::fs::write(
        origin.join("we/a.go"),
        "package we\n\nfunc reconcile() {\n\tCheckCooldown()\n\tMarkSkipped()\n}\n",
    )
    .unwrap();
    git(&origin, &["commit", "-qam", "feature"]);
    let clone = top.path().join("clone");
    let url = format!("file://{}", origin.display());
    git(
        top.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, "clone",
        ],
    );
    (top, clone)
}

#[test]
fn merge_base_auto_in_a_shallow_clone_says_to_fetch_the_base() {
    let (_top, clone) = repo_and_shallow_clone();
    for env in [
        ("GITHUB_BASE_REF", "main"),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
    ] {
        let o = run_clean(
            &clone,
            &["check", ".", "--new-from-merge-base", "auto"],
            &[env],
        );
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("`origin/main`"), "{e}");
        assert!(
            e.contains("fetch the base branch") && e.contains("fetch-depth: 0"),
            "{e}"
        );
    }
    // the base fetched, but only its tip: still no merge base in a shallow history
    git(
        &clone,
        &[
            "fetch",
            "-q",
            "--depth",
            "1",
            "origin",
            "main:refs/remotes/origin/main",
        ],
    );
    let o = run_clean(
        &clone,
        &["check", ".", "--new-from-merge-base", "auto"],
        &[("GITHUB_BASE_REF", "main")],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("fetch the base branch"),
        "{}",
        stderr(&o)
    );
    // with the history, diff mode counts only the line the branch added
    git(&clone, &["fetch", "-q", "--unshallow", "origin"]);
    let o = run_clean(
        &clone,
        &[
            "check",
            ".",
            "--new-from-merge-base",
            "auto",
            "--format",
            "json",
        ],
        &[("GITHUB_BASE_REF", "main")],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let counted: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "counted")
        .map(|f| f["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(counted, ["MarkSkipped"]);
    assert_eq!(v["summary"]["outside_diff"], 1);
}

// ---------------------------------------------------------------------------------------------
// --rule / --exclude-rule

fn rules_of(v: &serde_json::Value, key: &str, field: &str) -> Vec<String> {
    let mut ids: Vec<String> = v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[field].as_str().unwrap().to_string())
        .collect();
    ids.dedup();
    ids
}

#[test]
fn rule_filters_choose_what_is_evaluated() {
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    let (c, v) = check_json(dir.path(), &["--rule", "no-skip-api"]);
    assert_eq!(c, 0, "a warning alone does not fail");
    assert_eq!(rules_of(&v, "findings", "rule"), ["no-skip-api"]);
    assert_eq!(rules_of(&v, "rules", "id"), ["no-skip-api"]);
    let (c, v) = check_json(dir.path(), &["--exclude-rule", "no-skip-api"]);
    assert_eq!(c, 1);
    assert_eq!(rules_of(&v, "findings", "rule"), ["no-routing"]);
    let (c, v) = check_json(
        dir.path(),
        &["--rule", "no-skip-api", "--rule", "no-routing"],
    );
    assert_eq!(c, 1);
    assert_eq!(v["findings"].as_array().unwrap().len(), 3);
    // baseline and report take the same filters
    let o = run_clean(
        dir.path(),
        &["baseline", ".", "--rule", "no-routing", "-o", "b.json"],
        &[],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("b.json")).unwrap()).unwrap();
    assert_eq!(rules_of(&b, "findings", "rule"), ["no-routing"]);
    let o = run_clean(
        dir.path(),
        &["report", ".", "--exclude-rule", "no-routing"],
        &[],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = stdout(&o);
    assert!(doc.contains("--exclude-rule no-routing"), "{doc}");
    assert!(!doc.contains("`no-routing`"), "{doc}");
}

#[test]
fn unknown_rule_ids_are_errors_with_a_suggestion() {
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    for (sub, flag) in [
        ("check", "--rule"),
        ("check", "--exclude-rule"),
        ("report", "--rule"),
        ("baseline", "--exclude-rule"),
    ] {
        let mut args = vec![sub, ".", flag, "no-rooting"];
        if sub == "baseline" {
            args.extend(["-o", "b.json"]);
        }
        let o = run_clean(dir.path(), &args, &[]);
        assert_eq!(code(&o), 2, "{sub} {flag}");
        assert_eq!(stdout(&o), "");
        let e = stderr(&o);
        assert!(
            e.contains(&format!("{flag} `no-rooting`")) && e.contains("did you mean `no-routing`?"),
            "{e}"
        );
    }
    assert!(!dir.path().join("b.json").exists());
    let o = run_clean(
        dir.path(),
        &[
            "check",
            ".",
            "--exclude-rule",
            "no-routing",
            "--exclude-rule",
            "no-skip-api",
        ],
        &[],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("leave no rule"), "{}", stderr(&o));
}

#[test]
fn left_out_rules_leave_no_stale_suppressions_or_baseline_entries() {
    let go = "package we\n\nfunc reconcile() {\n\t// routeaudit:allow no-routing -- kept for v1\n\tCheckCooldown()\n}\n\ntype Status struct {\n\tSkipReason string\n}\n";
    let dir = tree(&[("we/a.go", go.as_bytes())]);
    let o = run_clean(dir.path(), &["baseline", ".", "-o", "b.json"], &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // the directive and the baseline entry of `no-routing` are not reported when it is left out
    let (c, v) = check_json(
        dir.path(),
        &["--rule", "no-skip-api", "--baseline", "b.json"],
    );
    assert_eq!(c, 0);
    assert_eq!(v["warnings"], serde_json::json!([]), "{v}");
    assert_eq!(v["summary"]["baselined"], 1);
    // ...and they are when it is evaluated and matches nothing
    std::fs::write(
        dir.path().join("we/a.go"),
        "package we\n\nfunc reconcile() {\n\t// routeaudit:allow no-routing -- kept for v1\n}\n",
    )
    .unwrap();
    let (_, v) = check_json(dir.path(), &["--baseline", "b.json"]);
    let codes = rules_of(&v, "warnings", "code");
    assert!(
        codes.contains(&"unused-suppression".to_string())
            && codes.contains(&"stale-baseline-entry".to_string()),
        "{codes:?}"
    );
    let (_, v) = check_json(
        dir.path(),
        &["--exclude-rule", "no-routing", "--baseline", "b.json"],
    );
    let codes = rules_of(&v, "warnings", "code");
    assert!(
        codes.iter().all(|c| c == "stale-baseline-entry"),
        "{codes:?}"
    );
    assert_eq!(codes.len(), 1, "only the no-skip-api entry is stale: {v}");
}

// ---------------------------------------------------------------------------------------------
// rule documentation

#[test]
fn rule_docs_reach_sarif_json_and_the_human_report() {
    let policy = "\
[[rule]]
id = \"no-routing\"
kind = \"forbid-symbol\"
symbols = [\"CheckCooldown\"]
message = \"routing decision inside the executor\"
description = \"Cooldown is decided by the orchestrator.\"
owner = \"RemediationOrchestrator\"
url = \"https://docs.example/boundary#no-routing\"

[[rule]]
id = \"no-skip-api\"
kind = \"forbid-symbol\"
symbols = [\"SkipReason\"]
";
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    std::fs::write(dir.path().join("routeaudit.toml"), policy).unwrap();
    let o = run_clean(
        dir.path(),
        &[
            "check",
            ".",
            "--color",
            "never",
            "--sarif-output",
            "r.sarif",
            "--json-output",
            "r.json",
        ],
        &[],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let human = stdout(&o);
    let block = human
        .split("\n\n")
        .find(|b| b.starts_with("error[no-routing]"))
        .unwrap();
    assert!(
        block.contains("= help: this responsibility belongs to RemediationOrchestrator")
            && block.ends_with("= see: https://docs.example/boundary#no-routing"),
        "{block}"
    );
    let other = human
        .split("\n\n")
        .find(|b| b.starts_with("error[no-skip-api]"))
        .unwrap();
    assert!(!other.contains("= see:"), "{other}");

    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("r.sarif")).unwrap()).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules[0]["id"], "no-routing");
    assert_eq!(
        rules[0]["helpUri"],
        "https://docs.example/boundary#no-routing"
    );
    assert_eq!(
        rules[0]["fullDescription"]["text"],
        "Cooldown is decided by the orchestrator."
    );
    let help = rules[0]["help"]["markdown"].as_str().unwrap();
    assert!(
        help.contains("Cooldown is decided by the orchestrator.")
            && help.contains("**RemediationOrchestrator**")
            && help.contains("[Documentation](https://docs.example/boundary#no-routing)"),
        "{help}"
    );
    assert!(rules[1].get("helpUri").is_none());

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(
        json["rules"][0]["url"],
        "https://docs.example/boundary#no-routing"
    );
    assert!(
        json["rules"][1].get("url").is_none(),
        "url is left out when unset"
    );
}

// ---------------------------------------------------------------------------------------------
// the man page

/// `-` as roff writes it in a man page.
fn roff(s: &str) -> String {
    s.replace('-', "\\-")
}

#[test]
fn the_man_page_documents_every_subcommand_and_flag() {
    use clap::CommandFactory;
    let help = stdout(&bin().arg("--help").output().unwrap());
    assert!(
        help.lines().any(|l| l.trim_start().starts_with("man ")),
        "`man` is listed in --help:\n{help}"
    );
    let o = bin().arg("man").output().unwrap();
    assert_eq!(code(&o), 0);
    let page = stdout(&o);
    assert!(page.contains(".TH routeaudit"), "{page}");
    let mut top = routeaudit::cli::Cli::command();
    top.build();
    let mut checked = 0;
    let mut stack: Vec<(String, clap::Command)> = top
        .get_subcommands()
        .map(|c| (format!("routeaudit {}", c.get_name()), c.clone()))
        .collect();
    while let Some((name, cmd)) = stack.pop() {
        if cmd.get_name() == "help" {
            continue;
        }
        let heading = format!(".SH \"{}\"\n", roff(&name.to_uppercase()));
        let start = page
            .find(&heading)
            .unwrap_or_else(|| panic!("no section for `{name}`"));
        let rest = &page[start + heading.len()..];
        let section = &rest[..rest.find("\n.SH ").unwrap_or(rest.len())];
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long() {
                assert!(
                    section.contains(&format!("\\fB{}\\fR", roff(&format!("--{long}")))),
                    "`{name} --{long}` is not in its man section"
                );
                checked += 1;
            }
        }
        stack.extend(
            cmd.get_subcommands()
                .map(|c| (format!("{name} {}", c.get_name()), c.clone())),
        );
    }
    assert!(checked > 50, "{checked} flags checked");
    for flag in [
        "--quiet",
        "--rule",
        "--exclude-rule",
        "--new-from-merge-base",
    ] {
        assert!(page.contains(&roff(flag)), "{flag}");
    }
}

// ---------------------------------------------------------------------------------------------
// outputs that must not clobber

#[cfg(unix)]
#[test]
fn outputs_refuse_devices_fifos_and_directories() {
    use std::os::unix::fs::FileTypeExt as _;
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    let d = dir.path();
    std::fs::create_dir(d.join("out-dir")).unwrap();
    let mut special = vec![("out-dir", "a directory")];
    if Command::new("mkfifo")
        .arg(d.join("fifo"))
        .status()
        .is_ok_and(|s| s.success())
    {
        special.push(("fifo", "a FIFO"));
    }
    // a character device of our own (the null device's numbers), where mknod is permitted
    if Command::new("mknod")
        .arg(d.join("dev"))
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success())
    {
        special.push(("dev", "a device"));
    }
    for (name, kind) in &special {
        for (sub, flag) in [
            ("check", "--json-output"),
            ("check", "--sarif-output"),
            ("check", "-o"),
            ("report", "--output"),
            ("baseline", "--output"),
        ] {
            let o = run_clean(d, &[sub, ".", flag, name], &[]);
            assert_eq!(code(&o), 2, "{sub} {flag} {name}");
            let e = stderr(&o);
            assert!(
                e.contains(&format!(
                    "cannot write {name}: it is {kind}, not a regular file"
                )),
                "{e}"
            );
            assert_eq!(e.lines().count(), 1, "one message: {e}");
        }
    }
    assert!(d.join("out-dir").is_dir());
    if d.join("fifo").exists() {
        assert!(
            d.join("fifo")
                .symlink_metadata()
                .unwrap()
                .file_type()
                .is_fifo()
        );
    }
    if d.join("dev").exists() {
        assert!(
            d.join("dev")
                .symlink_metadata()
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }
    // nothing else was written either: the refusal comes before the audit
    let o = run_clean(
        d,
        &[
            "check",
            ".",
            "--json-output",
            "r.json",
            "--sarif-output",
            "out-dir",
        ],
        &[],
    );
    assert_eq!(code(&o), 2);
    assert!(!d.join("r.json").exists());
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_is_written_through() {
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    let d = dir.path();
    std::fs::create_dir(d.join("reports")).unwrap();
    std::fs::write(d.join("reports/latest.json"), "old content").unwrap();
    std::os::unix::fs::symlink("reports/latest.json", d.join("r.json")).unwrap();
    let o = run_clean(d, &["check", ".", "-q", "--json-output", "r.json"], &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        d.join("r.json")
            .symlink_metadata()
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("reports/latest.json")).unwrap()).unwrap();
    assert_eq!(v["verdict"], "fail");
    // no temporary file beside the link or the target
    for sub in [d.to_path_buf(), d.join("reports")] {
        for e in std::fs::read_dir(&sub).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.ends_with(".routeaudit-tmp"), "{name}");
        }
    }
}

#[test]
fn a_killed_run_leaves_temporary_files_that_a_later_run_removes() {
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    let d = dir.path();
    // what a killed run leaves: a hidden file that is not a source file, never audited
    let stale = d.join("we/.r.json.k1ll3d.routeaudit-tmp");
    std::fs::write(&stale, "package we\nfunc x() { CheckCooldown() }\n").unwrap();
    let (_, v) = check_json(d, &[]);
    assert_eq!(v["summary"]["files_scanned"], 1, "{v}");
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    let fresh = d.join("we/.r.json.runn1n.routeaudit-tmp");
    std::fs::write(&fresh, "").unwrap();
    let o = run_clean(d, &["check", ".", "-q", "--json-output", "we/r.json"], &[]);
    assert_eq!(code(&o), 1);
    assert!(!stale.exists(), "the stale temporary file is removed");
    assert!(fresh.exists(), "a recent one may be a running write's");
}

#[test]
fn outputs_must_not_name_the_same_file_or_an_input() {
    let dir = tree(&[("we/a.go", IMPURE_GO.as_bytes())]);
    let d = dir.path();
    let results = root().join("tests/fixtures/test-results/go-test.json");
    std::fs::copy(&results, d.join("go-test.json")).unwrap();
    let o = run_clean(d, &["baseline", ".", "-o", "b.json"], &[]);
    assert_eq!(code(&o), 0);
    let policy_before = std::fs::read(d.join("routeaudit.toml")).unwrap();
    let baseline_before = std::fs::read(d.join("b.json")).unwrap();
    let cases: [(&[&str], &str); 8] = [
        (
            &[
                "check",
                ".",
                "--json-output",
                "r.json",
                "--sarif-output",
                "./we/../r.json",
            ],
            "--json-output r.json and --sarif-output ./we/../r.json name the same file",
        ),
        (
            &["check", ".", "-o", "out.txt", "--junit-output", "out.txt"],
            "--output out.txt and --junit-output out.txt name the same file",
        ),
        (
            &["check", ".", "--json-output", "routeaudit.toml"],
            "--json-output routeaudit.toml would overwrite the policy",
        ),
        (
            &[
                "check",
                ".",
                "--policy",
                "routeaudit.toml",
                "-o",
                "./routeaudit.toml",
            ],
            "would overwrite the policy routeaudit.toml",
        ),
        (
            &[
                "check",
                ".",
                "--baseline",
                "b.json",
                "--markdown-output",
                "b.json",
            ],
            "--markdown-output b.json would overwrite --baseline b.json",
        ),
        (
            &[
                "check",
                ".",
                "--test-results",
                "go-test.json",
                "--github-output",
                "go-test.json",
            ],
            "--github-output go-test.json would overwrite --test-results go-test.json",
        ),
        (
            &["report", ".", "--output", "routeaudit.toml"],
            "--output routeaudit.toml would overwrite the policy",
        ),
        (
            &[
                "baseline",
                ".",
                "--test-results",
                "go-test.json",
                "-o",
                "go-test.json",
            ],
            "--output go-test.json would overwrite --test-results go-test.json",
        ),
    ];
    for (args, message) in cases {
        let o = run_clean(d, args, &[]);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "", "{args:?}");
    }
    assert_eq!(
        std::fs::read(d.join("routeaudit.toml")).unwrap(),
        policy_before
    );
    assert_eq!(std::fs::read(d.join("b.json")).unwrap(), baseline_before);
    assert!(!d.join("r.json").exists() && !d.join("out.txt").exists());
    // through a symbolic link, too
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("routeaudit.toml", d.join("p.json")).unwrap();
        let o = run_clean(d, &["check", ".", "--json-output", "p.json"], &[]);
        assert_eq!(code(&o), 2);
        assert!(
            stderr(&o).contains("would overwrite the policy"),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            std::fs::read(d.join("routeaudit.toml")).unwrap(),
            policy_before
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_reported_once() {
    let Ok(full) = std::fs::File::options().write(true).open("/dev/full") else {
        return;
    };
    let o = bin()
        .current_dir(root().join("examples/go-impure"))
        .args(["check", ".", "--format", "json"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert_eq!(
        e.lines().collect::<Vec<_>>(),
        ["error: cannot write output: No space left on device (os error 28)"],
        "{e}"
    );
}
