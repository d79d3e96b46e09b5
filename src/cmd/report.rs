//! `routeaudit report`: the Markdown verification document a team commits, written
//! atomically, or compared with the committed copy (`--check`).

use std::io::Write;

use super::{
    document_place, exit_code_for_errors, filter_words, filtered, inputs, policy_file,
    print_file_errors, quietly, refuse_clobbering, repo_path, repo_root, reproduce, request,
    shell_word, write_file,
};
use crate::cli::ReportArgs;
use crate::engine::Needs;
use crate::error::{EXIT_ERROR, EXIT_VIOLATIONS, Error, Result};
use crate::policy::Severity;

pub(crate) fn run(args: ReportArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    if let (Some(o), false) = (&args.output, args.check) {
        let policy = policy_file(&args.scan);
        refuse_clobbering(&[("--output", o)], &inputs(&args.scan, &policy, &[]))?;
    }
    let needs = Needs {
        inventory: true,
        graph: false,
    };
    let mut req = filtered(
        request(&args.scan, needs, Some(Severity::Error)),
        &args.filter,
    );
    let root = repo_root(&args.scan);
    let mut extra = filter_words(&args.filter);
    if let Some(o) = &args.output {
        extra.push(format!("--output {}", shell_word(&repo_path(&root, o))));
    }
    req.command = reproduce("report", &args.scan, &root, &extra);
    req.progress = crate::progress::wanted(args.quiet);
    let audit = crate::pipeline::run_audit(&req)?;
    let mut sink = std::io::sink();
    let out: &mut dyn Write = if args.quiet { &mut sink } else { out };
    print_file_errors(&audit, err)?;
    let place = args.output.as_ref().and_then(|o| document_place(&audit, o));
    let mut doc = Vec::new();
    crate::report::markdown::render_at(&audit, place.as_deref(), &mut doc)?;
    let code_for_audit = exit_code_for_errors(&audit);
    match (&args.output, args.check) {
        (Some(path), true) => {
            // a document that is not there is stale; one that cannot be read is an error
            let current = match crate::fsread::read_regular(path, crate::fsread::DOCUMENT_LIMIT) {
                Ok(bytes) => bytes,
                Err(_) if path.symlink_metadata().is_err() => Vec::new(),
                Err(e) => return Err(Error::Input(format!("the committed document: {e}"))),
            };
            if current == doc {
                writeln!(out, "{} is up to date", path.display())?;
                Ok(code_for_audit)
            } else {
                if current.is_empty() {
                    writeln!(
                        out,
                        "{} does not exist: run `{}` from the repository root and commit the result",
                        path.display(),
                        audit.context.command
                    )?;
                } else {
                    writeln!(
                        out,
                        "{} is stale: run `{}` from the repository root and commit the result",
                        path.display(),
                        audit.context.command
                    )?;
                }
                short_diff(
                    &String::from_utf8_lossy(&current),
                    &String::from_utf8_lossy(&doc),
                    out,
                )?;
                Ok(if code_for_audit == EXIT_ERROR {
                    EXIT_ERROR
                } else {
                    EXIT_VIOLATIONS
                })
            }
        }
        (Some(path), false) => {
            write_file(path, &doc)?;
            if !args.quiet {
                writeln!(err, "wrote {}", path.display())?;
            }
            Ok(code_for_audit)
        }
        (None, _) => {
            quietly(out.write_all(&doc))?;
            Ok(code_for_audit)
        }
    }
}

/// A unified diff of the committed document against the fresh one, cut at 40 lines.
fn short_diff(old: &str, new: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(1)
        .header("committed", "current")
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    for l in lines.iter().take(40) {
        writeln!(out, "{l}")?;
    }
    if lines.len() > 40 {
        writeln!(out, "... {} more diff line(s)", lines.len() - 40)?;
    }
    Ok(())
}
