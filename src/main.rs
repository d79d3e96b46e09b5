//! The `routeaudit` binary: parse arguments, call [`routeaudit::run`], map the result to an
//! exit code. A closed standard output (`| head`) ends the output quietly; the exit code is
//! still the verdict's.

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = routeaudit::cli::Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let code = match routeaudit::run(cli, &mut out, &mut err) {
        Ok(code) => code,
        Err(e) if routeaudit::is_broken_pipe(&e) => return ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(err, "error: {e:#}");
            routeaudit::EXIT_ERROR
        }
    };
    match out.flush() {
        // a closed pipe ends the output, not the verdict
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(code),
        Err(e) => {
            let _ = writeln!(err, "error: cannot write output: {e}");
            ExitCode::from(routeaudit::EXIT_ERROR)
        }
        Ok(()) => ExitCode::from(code),
    }
}
