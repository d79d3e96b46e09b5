//! `routeaudit check`: the gate. One audit, rendered in the chosen format to standard output
//! or `--output`, plus any number of extra report files; the exit code is the verdict.

use std::io::Write;

use super::{
    exit_code, fail_on, filtered, inputs, policy_file, print_file_errors, quietly,
    refuse_clobbering, render, render_to_file, reproduce_check, request, use_color,
};
use crate::cli::{CheckArgs, Format};
use crate::engine::Needs;
use crate::error::{Error, Result};
use crate::pipeline::DiffBase;

pub(crate) fn run(args: CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let outputs: Vec<(&str, &std::path::Path)> = [
        ("--output", &args.output),
        ("--json-output", &args.json_output),
        ("--sarif-output", &args.sarif_output),
        ("--markdown-output", &args.markdown_output),
        ("--junit-output", &args.junit_output),
        ("--github-output", &args.github_output),
    ]
    .into_iter()
    .filter_map(|(flag, p)| p.as_deref().map(|p| (flag, p)))
    .collect();
    let policy = policy_file(&args.scan);
    let baseline: Vec<(&'static str, &std::path::Path)> = args
        .baseline
        .iter()
        .map(|b| ("--baseline", b.as_path()))
        .collect();
    refuse_clobbering(&outputs, &inputs(&args.scan, &policy, &baseline))?;
    let needs = Needs {
        inventory: args.format == Format::Markdown || args.markdown_output.is_some(),
        graph: false,
    };
    let mut req = filtered(
        request(&args.scan, needs, fail_on(args.fail_on)),
        &args.filter,
    );
    req.baseline = args.baseline.clone();
    req.diff = match (&args.new_from_rev, &args.new_from_merge_base) {
        (Some(r), _) => Some(DiffBase::Rev(r.clone())),
        (None, Some(reference)) => Some(DiffBase::MergeBase(merge_base_ref(reference, |k| {
            std::env::var(k).ok()
        })?)),
        (None, None) => None,
    };
    req.command = reproduce_check(&args);
    req.progress = crate::progress::wanted(args.quiet);
    let audit = crate::pipeline::run_audit(&req)?;
    let mut sink = std::io::sink();
    let out: &mut dyn Write = if args.quiet { &mut sink } else { out };
    let color = use_color(args.color, args.output.is_some());
    for (format, path) in [
        (Format::Json, &args.json_output),
        (Format::Sarif, &args.sarif_output),
        (Format::Markdown, &args.markdown_output),
        (Format::Junit, &args.junit_output),
        (Format::Github, &args.github_output),
    ] {
        if let Some(path) = path {
            render_to_file(&audit, format, false, path)?;
        }
    }
    if args.format == Format::Github || args.github_output.is_some() {
        step_summary(&audit)?;
    }
    match &args.output {
        Some(path) => render_to_file(&audit, args.format, color, path)?,
        None => quietly(render(&audit, args.format, color, out))?,
    }
    // the human report lists file problems itself; every other format (and a quiet run) gets
    // them on stderr
    if args.format != Format::Human || args.output.is_some() || args.quiet {
        print_file_errors(&audit, err)?;
    }
    Ok(exit_code(&audit))
}

/// The reference of `--new-from-merge-base`: as given, or for `auto` the target branch of the
/// pull request (`GITHUB_BASE_REF`) or merge request (`CI_MERGE_REQUEST_TARGET_BRANCH_NAME`)
/// as `origin/<branch>`, looked up through `var`.
fn merge_base_ref(given: &str, var: impl Fn(&str) -> Option<String>) -> Result<String> {
    if given != "auto" {
        return Ok(given.to_string());
    }
    ["GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"]
        .into_iter()
        .find_map(|k| var(k).filter(|v| !v.trim().is_empty()))
        .map(|branch| format!("origin/{}", branch.trim()))
        .ok_or_else(|| {
            Error::Usage(
                "--new-from-merge-base auto: the base branch is not known here: neither \
                 GITHUB_BASE_REF (GitHub pull requests) nor CI_MERGE_REQUEST_TARGET_BRANCH_NAME \
                 (GitLab merge requests) is set; name it instead, e.g. \
                 `--new-from-merge-base origin/main`"
                    .into(),
            )
        })
}

/// In a GitHub Actions job (`GITHUB_STEP_SUMMARY` set), appends the Markdown summary of the
/// run to the job's summary file.
fn step_summary(audit: &crate::audit::Audit) -> Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let links = crate::report::github::Links::from_env(|k| std::env::var(k).ok());
    // a blank line first: the summary starts a block whatever the file ends with
    let text = format!("\n{}", crate::report::github::step_summary(audit, &links));
    super::append_file(std::path::Path::new(&path), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn auto_merge_base_comes_from_the_ci_variables() {
        assert_eq!(
            merge_base_ref("origin/dev", env(&[("GITHUB_BASE_REF", "main")])).unwrap(),
            "origin/dev"
        );
        assert_eq!(
            merge_base_ref("auto", env(&[("GITHUB_BASE_REF", "main")])).unwrap(),
            "origin/main"
        );
        assert_eq!(
            merge_base_ref(
                "auto",
                env(&[
                    ("GITHUB_BASE_REF", ""),
                    ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "release/1.2")
                ])
            )
            .unwrap(),
            "origin/release/1.2"
        );
        let e = merge_base_ref("auto", env(&[("GITHUB_BASE_REF", " ")])).unwrap_err();
        assert!(e.to_string().contains("GITHUB_BASE_REF"), "{e}");
    }
}
