//! `routeaudit baseline`: records today's findings so that `check --baseline` fails only on
//! new ones. Refuses to write a baseline from an incomplete audit.

use std::io::Write;

use super::{
    filtered, inputs, policy_file, print_file_errors, refuse_clobbering, request, write_file,
};
use crate::cli::BaselineArgs;
use crate::engine::Needs;
use crate::error::{EXIT_ERROR, EXIT_OK, Result};

pub(crate) fn run(args: BaselineArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let policy = policy_file(&args.scan);
    refuse_clobbering(
        &[("--output", &args.output)],
        &inputs(&args.scan, &policy, &[]),
    )?;
    let mut req = filtered(request(&args.scan, Needs::default(), None), &args.filter);
    req.progress = crate::progress::wanted(args.quiet);
    let audit = crate::pipeline::run_audit(&req)?;
    let mut sink = std::io::sink();
    let out: &mut dyn Write = if args.quiet { &mut sink } else { out };
    print_file_errors(&audit, err)?;
    if !audit.errors.is_empty() {
        writeln!(
            err,
            "error: the baseline was not written: the audit is incomplete"
        )?;
        return Ok(EXIT_ERROR);
    }
    let root = crate::pipeline::root_of(&req.paths);
    let b = crate::baseline::from_findings(&audit.findings, &root);
    let mut text = serde_json::to_string_pretty(&b).map_err(std::io::Error::other)?;
    text.push('\n');
    write_file(&args.output, text.as_bytes())?;
    writeln!(
        out,
        "wrote {} with {} finding{}",
        args.output.display(),
        b.findings.len(),
        if b.findings.len() == 1 { "" } else { "s" }
    )?;
    Ok(EXIT_OK)
}
