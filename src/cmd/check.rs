//! `routeaudit check`: the gate. One audit, rendered in the chosen format to standard output
//! or `--output`, plus any number of extra report files; the exit code is the verdict.

use std::io::Write;

use super::{
    exit_code, fail_on, print_file_errors, quietly, render, render_to_file, reproduce, request,
    use_color,
};
use crate::cli::{CheckArgs, Format};
use crate::engine::Needs;
use crate::error::Result;
use crate::pipeline::DiffBase;

pub(crate) fn run(args: CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let needs = Needs {
        inventory: args.format == Format::Markdown || args.markdown_output.is_some(),
        graph: false,
    };
    let mut req = request(&args.scan, needs, fail_on(args.fail_on));
    req.baseline = args.baseline.clone();
    req.diff = match (&args.new_from_rev, &args.new_from_merge_base) {
        (Some(r), _) => Some(DiffBase::Rev(r.clone())),
        (None, Some(reference)) => Some(DiffBase::MergeBase(reference.clone())),
        (None, None) => None,
    };
    req.command = reproduce("check", &args.scan, &[]);
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
