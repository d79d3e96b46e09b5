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

/// The fenced blocks of a Markdown document: (info string, body).
fn blocks(doc: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in doc.lines() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            match current.take() {
                Some(b) => out.push(b),
                None => current = Some((info.to_string(), String::new())),
            }
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

#[test]
fn install_commands_work_today() {
    let version = env!("CARGO_PKG_VERSION");
    let repository = env!("CARGO_PKG_REPOSITORY");
    assert!(
        repository.starts_with("https://"),
        "Cargo.toml names the repository"
    );
    let mut seen = 0;
    for file in ["docs/ci.md", "README.md"] {
        let doc = std::fs::read_to_string(root().join(file)).unwrap();
        for line in doc.lines() {
            let cmd = line
                .trim()
                .trim_start_matches("- ")
                .trim_start_matches("run: ")
                .trim_matches('`');
            if !cmd.starts_with("cargo install ") {
                continue;
            }
            seen += 1;
            let words: Vec<&str> = cmd.split_whitespace().collect();
            assert!(
                words.contains(&"--locked"),
                "{file}: `{cmd}` without --locked"
            );
            if words.contains(&"--path") {
                assert!(cmd.contains("--path ."), "{file}: `{cmd}`");
                continue;
            }
            // not on crates.io: from the repository, pinned to the version in Cargo.toml
            let git = words.iter().position(|w| *w == "--git");
            let git = git.unwrap_or_else(|| panic!("{file}: `{cmd}` installs from crates.io"));
            assert_eq!(words[git + 1], repository, "{file}: `{cmd}`");
            assert!(
                words.contains(&format!("routeaudit@{version}").as_str()),
                "{file}: `{cmd}` does not pin routeaudit@{version}"
            );
        }
    }
    assert!(seen >= 4, "{seen} install commands");
}

#[test]
fn no_recipe_pins_a_tag_that_is_not_the_crate_version() {
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    for file in ["docs/ci.md", ".pre-commit-hooks.yaml", "README.md"] {
        let doc = std::fs::read_to_string(root().join(file)).unwrap();
        for line in doc.lines() {
            if let Some(rev) = line.trim().strip_prefix("rev: ") {
                assert!(
                    rev.starts_with('<') || rev == version,
                    "{file}: `{line}` pins a version that is not {version}"
                );
            }
        }
    }
}

/// The documented pre-commit recipe: write the baseline with the documented command, then the
/// local hook (its entry and args as documented) passes on the baselined tree, silently, and
/// fails on a new finding.
#[test]
fn pre_commit_recipe_with_a_baseline() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let section = &doc[doc.find("## pre-commit").expect("a pre-commit section")..];
    let bs = blocks(section);
    let baseline_cmd = bs
        .iter()
        .flat_map(|(_, body)| body.lines())
        .find(|l| l.starts_with("routeaudit baseline "))
        .expect("the baseline command");
    let config = &bs
        .iter()
        .find(|(_, body)| body.contains(".pre-commit-config.yaml"))
        .expect("the .pre-commit-config.yaml block")
        .1;
    let field = |key: &str| {
        config
            .lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{key}: ")))
            .unwrap_or_else(|| panic!("no {key} in {config}"))
            .to_string()
    };
    assert_eq!(field("language"), "system");
    assert_eq!(field("pass_filenames"), "false");
    let mut hook: Vec<String> = field("entry")
        .split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect();
    hook.extend(serde_json::from_str::<Vec<String>>(&field("args")).unwrap());
    assert!(hook.iter().any(|a| a == "--baseline"), "{hook:?}");
    let hook: Vec<&str> = hook.iter().map(String::as_str).collect();

    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("examples/go-impure"), dir.path());
    // without the baseline the tree fails; the documented baseline command makes it pass
    let words: Vec<&str> = baseline_cmd.split_whitespace().skip(1).collect();
    assert_eq!(code(&run_in(dir.path(), &words)), 0);
    let o = run_in(dir.path(), &hook);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "a passing hook is silent");
    // a new finding fails the commit
    let ctrl = dir
        .path()
        .join("internal/controller/workflowexecution/workflowexecution_controller.go");
    let text = std::fs::read_to_string(&ctrl).unwrap() + "\nfunc extra() { CheckResourceLock() }\n";
    std::fs::write(&ctrl, text).unwrap();
    assert_eq!(code(&run_in(dir.path(), &hook)), 1);
}

/// The pull request recipe (`--new-from-merge-base auto`) in a clone whose branch adds one
/// violation to a base that already has some: only the new one is annotated.
#[test]
fn pull_request_recipe_fails_only_on_new_findings() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let cmd = commands(&doc)
        .into_iter()
        .find(|c| c.contains("--new-from-merge-base auto") && c.contains("--format github"))
        .expect("the pull request step");
    let git = |dir: &std::path::Path, args: &[&str]| {
        let o = std::process::Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "git {args:?}");
    };
    let top = tempfile::tempdir().unwrap();
    let origin = top.path().join("origin");
    copy_tree(&root().join("examples/go-impure"), &origin);
    git(&origin, &["init", "-q"]);
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-qm", "base"]);
    git(
        top.path(),
        &["clone", "-q", origin.to_str().unwrap(), "work"],
    );
    let work = top.path().join("work");
    git(&work, &["checkout", "-qb", "feature"]);
    let ctrl = work.join("internal/controller/workflowexecution/workflowexecution_controller.go");
    let text = std::fs::read_to_string(&ctrl).unwrap() + "\nfunc extra() { CheckResourceLock() }\n";
    std::fs::write(&ctrl, text).unwrap();
    git(&work, &["commit", "-qam", "feature"]);
    let words: Vec<&str> = cmd.split_whitespace().skip(1).collect();
    let o = bin()
        .current_dir(&work)
        .args(&words)
        .env("GITHUB_BASE_REF", "main")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let errors: Vec<String> = stdout(&o)
        .lines()
        .filter(|l| l.starts_with("::error "))
        .map(str::to_string)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("CheckResourceLock"), "{errors:?}");
}
