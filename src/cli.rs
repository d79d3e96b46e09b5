//! Command-line arguments (clap derive). Parsing only: `lib::run` decides what they mean.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "routeaudit",
    version,
    about = "Prove that an architectural boundary holds in a Go or Rust controller tree",
    long_about = "routeaudit parses Go (tree-sitter-go) and Rust (syn) sources plus YAML manifests, \
evaluates a policy of boundary rules (forbidden symbols, files and patterns, required functions, \
call-path reachability) and writes the verdict for people, for CI and as a verification document.\n\n\
Exit codes: 0 no finding at or above --fail-on; 1 violations; 2 the verdict cannot be trusted \
(bad arguments, bad policy, a file in scope that could not be read)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Audit the tree and report findings (the CI gate).
    Check(CheckArgs),
    /// Write the Markdown verification document.
    Report(ReportArgs),
    /// List every declaration (functions, methods, types, fields, ...) with kind and lines.
    Symbols(SymbolsArgs),
    /// Record today's findings so `check --baseline` fails only on new ones.
    Baseline(BaselineArgs),
    /// List, show or validate policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Write a starter routeaudit.toml that extends the builtin pack.
    Init(InitArgs),
    /// Test policies against annotated fixtures (`// ruleid: <id>`, `// ok: <id>`).
    Test(TestArgs),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on standard output: every subcommand and every option.
    Man,
}

#[derive(Args, Debug, Clone, Default)]
pub struct ScanArgs {
    /// Files or directories to audit [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Policy file; default: routeaudit.toml in the audited directory or an ancestor, else
    /// the builtin `pure-executor` pack.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Also audit files that ignore rules leave out (inside git: untracked ignored files;
    /// tracked files are always audited).
    #[arg(long)]
    pub no_ignore: bool,
    /// Also honour .ignore and .rgignore files (never honoured otherwise).
    #[arg(long, conflicts_with = "no_ignore")]
    pub use_ignore_files: bool,
    /// Also audit hidden files and directories.
    #[arg(long)]
    pub hidden: bool,
    /// Do not follow symbolic links.
    #[arg(long)]
    pub no_follow: bool,
    /// Files in scope larger than this many bytes are not read, and the verdict is incomplete
    /// (exit 2) naming them; 0: no cap.
    #[arg(long, value_name = "BYTES", default_value_t = crate::walk::DEFAULT_MAX_FILESIZE)]
    pub max_filesize: u64,
    /// Worker threads (0: one per core; at most 8 per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Test results to include as evidence: `go test -json` output or JUnit XML (repeatable).
    #[arg(long, value_name = "FILE")]
    pub test_results: Vec<PathBuf>,
}

/// Which of the policy's rules a run evaluates.
#[derive(Args, Debug, Clone, Default)]
pub struct RuleFilter {
    /// Evaluate only this rule (repeatable); an id the policy does not have is an error.
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,
    /// Do not evaluate this rule (repeatable).
    #[arg(long = "exclude-rule", value_name = "ID")]
    pub exclude_rules: Vec<String>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Human,
    Json,
    Markdown,
    Sarif,
    Github,
    Junit,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub filter: RuleFilter,
    /// Output format. `github`: workflow annotations, and in a GitHub Actions job a Markdown
    /// summary appended to $GITHUB_STEP_SUMMARY.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print nothing on standard output: report files are still written, errors still go to
    /// standard error and the exit code is the same.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Write the output to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that fails the run (exit code 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// When to use colours in human output (NO_COLOR is honoured under auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Also write JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub json_output: Option<PathBuf>,
    /// Also write SARIF 2.1.0 to FILE.
    #[arg(long, value_name = "FILE")]
    pub sarif_output: Option<PathBuf>,
    /// Also write the Markdown verification document to FILE.
    #[arg(long, value_name = "FILE")]
    pub markdown_output: Option<PathBuf>,
    /// Also write JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit_output: Option<PathBuf>,
    /// Also write GitHub workflow annotations to FILE (and append the step summary to
    /// $GITHUB_STEP_SUMMARY when it is set).
    #[arg(long, value_name = "FILE")]
    pub github_output: Option<PathBuf>,
    /// Fail only on findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Fail only on findings on lines added or changed since REV (working tree included).
    #[arg(long, value_name = "REV", conflicts_with = "new_from_merge_base")]
    pub new_from_rev: Option<String>,
    /// Like --new-from-rev, from the merge base of HEAD and REF. `auto`: the target branch of
    /// the pull or merge request, `origin/$GITHUB_BASE_REF` (GitHub Actions) or
    /// `origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME` (GitLab CI); an error elsewhere.
    #[arg(long, value_name = "REF")]
    pub new_from_merge_base: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub filter: RuleFilter,
    /// Write the document to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Do not write: exit 1 with a short diff when FILE is not what would be written.
    #[arg(long, requires = "output")]
    pub check: bool,
    /// Print nothing on standard output: report files are still written, errors still go to
    /// standard error and the exit code is the same.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Args, Debug, Clone)]
pub struct SymbolsArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Also list each function's callers and callees.
    #[arg(long)]
    pub calls: bool,
    /// Output format (human or json).
    #[arg(long, value_enum, default_value_t = SymbolsFormat::Human)]
    pub format: SymbolsFormat,
    /// Print nothing on standard output: report files are still written, errors still go to
    /// standard error and the exit code is the same.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum SymbolsFormat {
    #[default]
    Human,
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub filter: RuleFilter,
    /// Where to write the baseline.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    /// Print nothing on standard output: report files are still written, errors still go to
    /// standard error and the exit code is the same.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// List the builtin policy packs.
    List,
    /// Print a builtin pack's TOML (`pure-executor`) or a policy file.
    Show { name: String },
    /// Check a policy file and report every problem in it.
    Validate { file: PathBuf },
}

#[derive(Args, Debug, Clone)]
pub struct InitArgs {
    /// Directory to write routeaudit.toml into.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct TestArgs {
    /// Policy files, or directories to search for policies (routeaudit.toml, or *.toml with
    /// a [policy] table); each is tested on the annotated fixtures under its directory
    /// [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
