//! The CI recipes in docs/ci.md and the pre-commit hook: every routeaudit command they show
//! parses, and runs against a real tree with the exit code the recipe expects.

mod common;
use common::*;

/// Every `routeaudit ...` command in the recipes: from `run:`/`- ` lines of YAML blocks and
/// from inline code.
fn commands(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        let t = line
            .trim()
            .trim_start_matches("- ")
            .trim_start_matches("run: ");
        if in_block && let Some(rest) = t.strip_prefix("routeaudit ") {
            out.push(format!("routeaudit {rest}"));
            continue;
        }
        if in_block {
            continue;
        }
        for part in line.split('`').skip(1).step_by(2) {
            if part.starts_with("routeaudit ") && !out.iter().any(|c| c == part) {
                out.push(part.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_documented_command_parses() {
    use clap::Parser;
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let cmds = commands(&doc);
    assert!(cmds.len() >= 6, "{cmds:?}");
    for c in &cmds {
        let words: Vec<&str> = c.split_whitespace().collect();
        if let Err(e) = routeaudit::cli::Cli::try_parse_from(&words) {
            panic!("docs/ci.md: `{c}` does not parse:\n{e}");
        }
    }
}

#[test]
fn documented_commands_run_on_the_examples() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("examples/go-impure"), dir.path());
    // the GitHub Actions step
    let o = run_in(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "github",
            "--sarif-output",
            "routeaudit.sarif",
            "--markdown-output",
            "routeaudit.md",
            "--fail-on",
            "error",
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).starts_with("::error ") || stdout(&o).starts_with("::warning "),
        "{}",
        stdout(&o)
    );
    assert!(
        dir.path().join("routeaudit.sarif").exists() && dir.path().join("routeaudit.md").exists()
    );
    // the GitLab step
    let o = run_in(
        dir.path(),
        &[
            "check",
            ".",
            "--junit-output",
            "routeaudit-junit.xml",
            "--markdown-output",
            "routeaudit.md",
        ],
    );
    assert_eq!(code(&o), 1);
    let junit = std::fs::read_to_string(dir.path().join("routeaudit-junit.xml")).unwrap();
    assert!(junit.contains(
        "<testcase classname=\"routeaudit.pure-executor\" name=\"no-routing-functions\">"
    ));
    // the baseline adoption path
    assert_eq!(
        code(&run_in(
            dir.path(),
            &["baseline", ".", "--output", ".routeaudit-baseline.json"]
        )),
        0
    );
    assert_eq!(
        code(&run_in(
            dir.path(),
            &["check", ".", "--baseline", ".routeaudit-baseline.json"]
        )),
        0
    );
}

#[test]
fn pre_commit_hook_runs() {
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let field = |key: &str| {
        hooks
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix(&format!("{key}: "))
                    .map(str::to_string)
            })
            .unwrap_or_else(|| panic!("no {key}"))
    };
    assert_eq!(field("- id"), "routeaudit");
    assert_eq!(field("pass_filenames"), "false");
    let entry = field("entry");
    let args: Vec<String> = serde_json::from_str(&field("args")).unwrap();
    let mut words: Vec<String> = entry
        .split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect();
    words.extend(args);
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    assert_eq!(code(&run_in(&root().join("examples/go-pure"), &refs)), 0);
    assert_eq!(code(&run_in(&root().join("examples/go-impure"), &refs)), 1);
}
