//! routeaudit: proves that an architectural boundary holds in a Go or Rust controller tree.
//!
//! The pipeline: `policy` reads the TOML rules; `walk` lists the files in scope; each file is
//! read by the front-end of its language (`lang`) and evaluated by the `engine` on the walker
//! threads; `pipeline` merges the results, resolves call paths, applies suppressions, the
//! baseline, diff mode and test evidence, and settles one [`audit::Audit`]; `report` renders
//! it. `cmd` holds one module per subcommand; this file only dispatches.
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(unreachable_pub)]

pub mod audit;
mod baseline;
pub mod cli;
mod cmd;
mod diffmode;
pub mod engine;
pub mod error;
mod fsread;
#[doc(hidden)]
pub mod fuzzing;
mod git;
pub mod lang;
pub mod pipeline;
pub mod policy;
mod progress;
mod report;
mod rulefilter;
mod ruletest;
pub mod span;
mod suppress;
mod testresults;
pub mod walk;

use clap::CommandFactory;
use std::io::Write;

use cli::{Cli, Command};
pub use error::{EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS, Error};

/// Runs one command. `out` is standard output, `err` standard error. Problems that stop the
/// command are returned as [`Error`] (exit code 2); `main` prints them.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> error::Result<u8> {
    match cli.command {
        Command::Check(args) => cmd::check::run(args, out, err),
        Command::Report(args) => cmd::report::run(args, out, err),
        Command::Symbols(args) => cmd::symbols::run(args, out, err),
        Command::Baseline(args) => cmd::baseline::run(args, out, err),
        Command::Policy(c) => cmd::policy::run(c, out, err),
        Command::Init(args) => cmd::init::run(&args.dir, out, err),
        Command::Test(args) => ruletest::run(args, out, err),
        Command::Completions { shell } => {
            let mut c = Cli::command();
            clap_complete::generate(shell, &mut c, "routeaudit", out);
            Ok(EXIT_OK)
        }
        Command::Man => cmd::man::run(out),
    }
}
