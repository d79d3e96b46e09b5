//! The one error type of a run: everything that stops a command before or instead of a
//! verdict. Every variant exits with code 2; the message says what to fix.
//!
//! Problems inside the audited tree (an unreadable file, a bad suppression) are not errors of
//! this kind: they are recorded in the audit, which then says INCOMPLETE.

use crate::policy::PolicyError;

/// Exit codes: no finding at or above `--fail-on`.
pub const EXIT_OK: u8 = 0;
/// Violations.
pub const EXIT_VIOLATIONS: u8 = 1;
/// The verdict cannot be trusted: bad arguments, bad policy, a file in scope not audited.
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The policy could not be loaded: every problem, with positions.
    #[error("{}", policy_text(.0, false))]
    Policy(Vec<PolicyError>),
    /// The policy of an audit could not be loaded: the problems, then that nothing was audited.
    #[error("{}", policy_text(.0, true))]
    PolicyOfAudit(Vec<PolicyError>),
    /// A command-line value that cannot be used (a path, a flag combination).
    #[error("{0}")]
    Usage(String),
    /// An input file other than the audited tree (baseline, test results, committed document).
    #[error("{0}")]
    Input(String),
    /// A git command that diff mode or the document needed failed.
    #[error("{0}")]
    Git(String),
    /// Writing an output failed.
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Standard output or error failed (a closed pipe is handled apart).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A bug: a worker panicked. The run stops with exit code 2, never Rust's 101.
    #[error("internal error: {0} (please report this with the input that caused it)")]
    Internal(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        EXIT_ERROR
    }

    /// Output to a closed pipe (`routeaudit check | head`): the output ends quietly.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

fn policy_text(es: &[PolicyError], audit: bool) -> String {
    let lines: Vec<String> = es.iter().map(ToString::to_string).collect();
    let mut s = lines.join("\nerror: ");
    if !audit {
        return s;
    }
    s.push_str(&format!(
        "\nerror: the policy has {} problem{}; nothing was audited",
        es.len(),
        if es.len() == 1 { "" } else { "s" }
    ));
    s
}

pub type Result<T> = std::result::Result<T, Error>;
