//! `routeaudit symbols`: the inventory of every function and method in scope, with line
//! ranges, and with `--calls` the resolved callers and callees.

use std::io::Write;

use super::{exit_code_for_errors, print_file_errors, request};
use crate::cli::{SymbolsArgs, SymbolsFormat};
use crate::engine::Needs;
use crate::error::Result;
use crate::lang::FnKind;

pub(crate) fn run(args: SymbolsArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let needs = Needs {
        inventory: true,
        graph: args.calls,
    };
    let mut req = request(&args.scan, needs, None);
    req.progress = crate::progress::wanted(args.quiet);
    let audit = crate::pipeline::run_audit(&req)?;
    let mut sink = std::io::sink();
    let out: &mut dyn Write = if args.quiet { &mut sink } else { out };
    match args.format {
        SymbolsFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &audit.functions)
                .map_err(std::io::Error::other)?;
            writeln!(out)?;
        }
        SymbolsFormat::Human => {
            for f in &audit.functions {
                let recv = f
                    .receiver
                    .as_ref()
                    .map(|r| format!("({r}) "))
                    .unwrap_or_default();
                let kind = match f.kind {
                    FnKind::Method => "method",
                    FnKind::Func => "func",
                };
                writeln!(
                    out,
                    "{}:{}-{}\t{kind}\t{recv}{}{}",
                    f.file,
                    f.line,
                    f.end_line,
                    f.name,
                    if f.test { "\t(test)" } else { "" }
                )?;
                if args.calls {
                    for c in &f.callees {
                        writeln!(out, "    calls     {c}")?;
                    }
                    for c in &f.callers {
                        writeln!(out, "    called by {c}")?;
                    }
                }
            }
        }
    }
    print_file_errors(&audit, err)?;
    Ok(exit_code_for_errors(&audit))
}
