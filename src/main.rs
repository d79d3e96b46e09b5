//! The `routeaudit` binary: parse arguments, call [`routeaudit::run`], print its error if any
//! and exit with its code. A closed standard output (`| head`) ends the output quietly; the
//! exit code is still the verdict's. A panic anywhere is an internal error with exit code 2,
//! never Rust's 101.

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = routeaudit::cli::Cli::parse();
    // a panicking worker thread reports once, as an internal error; the run then exits 2
    std::panic::set_hook(Box::new(|info| {
        let _ = writeln!(
            std::io::stderr(),
            "error: internal error: {info} (please report this with the input that caused it)"
        );
    }));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        routeaudit::run(cli, &mut out, &mut err)
    }));
    let code = match result {
        Ok(Ok(code)) => code,
        Ok(Err(e)) if e.is_broken_pipe() => return ExitCode::SUCCESS,
        Ok(Err(e)) => {
            // what was buffered goes out, or fails with the error just reported: one message
            let _ = out.flush();
            match &e {
                routeaudit::Error::Io(io) => {
                    let _ = writeln!(err, "error: cannot write output: {io}");
                }
                _ => {
                    let _ = writeln!(err, "error: {e}");
                }
            }
            return ExitCode::from(e.exit_code());
        }
        // the hook has printed the panic
        Err(_) => routeaudit::EXIT_ERROR,
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
