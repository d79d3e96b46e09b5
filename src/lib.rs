//! routeaudit: proves that an architectural boundary holds in a Go or Rust controller tree.
//!
//! `run` is the whole program behind `main`: it turns parsed arguments into an audit,
//! renders it and returns the exit code. Modules: `policy` (TOML -> rules), `walk` (files),
//! `lang` (front-ends), `engine` (rules -> findings), `pipeline` (stages), `report`
//! (renderers), `audit` (the schema between them).
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod audit;
pub mod baseline;
pub mod cli;
pub mod diffmode;
pub mod engine;
mod fsread;
pub mod init;
pub mod lang;
pub mod pipeline;
pub mod policy;
pub mod report;
pub mod ruletest;
pub mod span;
pub mod suppress;
pub mod testresults;
pub mod walk;

use anyhow::{Context as _, Result};
use clap::CommandFactory;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use audit::Audit;
use cli::{CheckArgs, Cli, ColorChoice, Command, FailOn, Format, PolicyCommand, ScanArgs};
use engine::Needs;
use pipeline::{PolicyErrors, Request};
use policy::Severity;

/// Exit codes (DESIGN.md).
pub const EXIT_OK: u8 = 0;
pub const EXIT_VIOLATIONS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Runs one command. `out` is standard output, `err` standard error.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    match cli.command {
        Command::Check(args) => check(args, out, err),
        Command::Report(args) => report_cmd(args, out, err),
        Command::Symbols(args) => symbols(args, out, err),
        Command::Baseline(args) => baseline_cmd(args, out, err),
        Command::Policy(cmd) => policy_cmd(cmd, out, err),
        Command::Init(args) => init::run(&args.dir, out, err),
        Command::Test(args) => ruletest::run(args, out, err),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "routeaudit", out);
            Ok(EXIT_OK)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(out)?;
            Ok(EXIT_OK)
        }
    }
}

fn request(scan: &ScanArgs, needs: Needs, fail_on: Option<Severity>) -> Request {
    Request {
        paths: scan.paths.clone(),
        policy: scan.policy.clone(),
        walk: walk::WalkOptions {
            no_ignore: scan.no_ignore,
            hidden: scan.hidden,
            follow_links: !scan.no_follow,
            max_filesize: scan.max_filesize,
            threads: scan.threads,
        },
        needs,
        fail_on,
    }
}

fn fail_on(f: FailOn) -> Option<Severity> {
    match f {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

/// Prints policy errors and returns exit code 2, or passes the audit on.
fn audit_or_report(req: &Request, err: &mut dyn Write) -> Result<Option<(Audit, policy::Policy)>> {
    match pipeline::run_audit(req) {
        Ok(x) => Ok(Some(x)),
        Err(PolicyErrors(es)) => {
            for e in &es {
                writeln!(err, "error: {e}")?;
            }
            writeln!(
                err,
                "error: the policy has {} problem{}; nothing was audited",
                es.len(),
                if es.len() == 1 { "" } else { "s" }
            )?;
            Ok(None)
        }
    }
}

/// The command line that reproduces this run, for the document.
fn reproduce(sub: &str, scan: &ScanArgs, extra: &[String]) -> String {
    let mut parts = vec!["routeaudit".to_string(), sub.to_string()];
    for p in &scan.paths {
        parts.push(shell_word(&p.to_string_lossy()));
    }
    if let Some(p) = &scan.policy {
        parts.push(format!("--policy {}", shell_word(&p.to_string_lossy())));
    }
    for t in &scan.test_results {
        parts.push(format!(
            "--test-results {}",
            shell_word(&t.to_string_lossy())
        ));
    }
    parts.extend(extra.iter().cloned());
    parts.join(" ")
}

fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

fn render(audit: &Audit, format: Format, color: bool, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Human => report::human::render(audit, out, &report::human::Style { color })?,
        Format::Json => report::json::render(audit, out)?,
        Format::Markdown => report::markdown::render(audit, out)?,
        Format::Sarif => report::sarif::render(audit, out)?,
        Format::Github => report::github::render(audit, out)?,
        Format::Junit => report::junit::render(audit, out)?,
    }
    Ok(())
}

/// Whether an error is output to a closed pipe (`routeaudit check | head`).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Output to a closed pipe ends the output quietly; the run still exits with its verdict.
fn quietly(r: Result<()>) -> Result<()> {
    match r {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

/// Renders into memory, then puts the file in place atomically.
fn render_to_file(audit: &Audit, format: Format, color: bool, path: &Path) -> Result<()> {
    let mut buf = Vec::new();
    render(audit, format, color, &mut buf)?;
    report::write_atomic(path, &buf).with_context(|| format!("cannot write {}", path.display()))
}

fn exit_code(audit: &Audit) -> u8 {
    match audit.verdict {
        audit::Verdict::Error => EXIT_ERROR,
        audit::Verdict::Fail => EXIT_VIOLATIONS,
        audit::Verdict::Pass => EXIT_OK,
    }
}

fn check(args: CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let needs = Needs {
        inventory: args.format == Format::Markdown || args.markdown_output.is_some(),
        graph: false,
    };
    let req = request(&args.scan, needs, fail_on(args.fail_on));
    let Some((mut audit, policy)) = audit_or_report(&req, err)? else {
        return Ok(EXIT_ERROR);
    };
    audit.context.command = reproduce("check", &args.scan, &[]);
    let root = pipeline::root_of(&args.scan.paths);
    if let Some(path) = &args.baseline {
        let b = match baseline::read(path) {
            Ok(b) => b,
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(EXIT_ERROR);
            }
        };
        let stale = baseline::apply(&mut audit.findings, &b, &root);
        audit.warnings.extend(stale);
    }
    let rev = match (&args.new_from_rev, &args.new_from_merge_base) {
        (Some(r), _) => Some(r.clone()),
        (None, Some(reference)) => match diffmode::merge_base(&root, reference) {
            Ok(r) => Some(r),
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(EXIT_ERROR);
            }
        },
        (None, None) => None,
    };
    if let Some(rev) = rev {
        let changes = match diffmode::changes_since(&root, &rev) {
            Ok(c) => c,
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(EXIT_ERROR);
            }
        };
        for f in &mut audit.findings {
            if let (Some(file), Some(line)) = (&f.file, f.line)
                && !changes.is_changed(file, line)
            {
                f.baselined = true;
            }
        }
    }
    if let Err(e) = attach_test_results(&mut audit, &policy, &args.scan.test_results) {
        writeln!(err, "error: {e}")?;
        return Ok(EXIT_ERROR);
    }
    if needs.inventory {
        audit.context.git = git_info(&root);
    }
    pipeline::settle(&mut audit, &policy);
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
    if args.format != Format::Human || args.output.is_some() {
        for e in &audit.errors {
            match e.line {
                Some(l) => writeln!(err, "error: {}:{l}: {}", e.file, e.message)?,
                None => writeln!(err, "error: {}: {}", e.file, e.message)?,
            }
        }
    }
    Ok(exit_code(&audit))
}

fn baseline_cmd(args: cli::BaselineArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let req = request(&args.scan, Needs::default(), None);
    let Some((audit, _)) = audit_or_report(&req, err)? else {
        return Ok(EXIT_ERROR);
    };
    for e in &audit.errors {
        writeln!(err, "error: {}: {}", e.file, e.message)?;
    }
    if !audit.errors.is_empty() {
        writeln!(
            err,
            "error: the baseline was not written: the audit is incomplete"
        )?;
        return Ok(EXIT_ERROR);
    }
    let b = baseline::from_findings(&audit.findings);
    let mut text = serde_json::to_string_pretty(&b)?;
    text.push('\n');
    report::write_atomic(&args.output, text.as_bytes())
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    writeln!(
        out,
        "wrote {} with {} finding{}",
        args.output.display(),
        b.findings.len(),
        if b.findings.len() == 1 { "" } else { "s" }
    )?;
    Ok(EXIT_OK)
}

/// Reads `--test-results` files into the audit; the error names the file.
fn attach_test_results(
    audit: &mut Audit,
    policy: &policy::Policy,
    files: &[PathBuf],
) -> std::result::Result<(), String> {
    if files.is_empty() {
        return Ok(());
    }
    let runs = files
        .iter()
        .map(|p| testresults::read(p))
        .collect::<std::result::Result<Vec<_>, String>>()?;
    let matcher = engine::matcher::Matcher::new(policy);
    let is_forbidden = |name: &str| {
        let mut hits = Vec::new();
        matcher.matches(name, &mut hits);
        hits.iter().any(|hit| {
            matches!(
                policy.rules[hit.rule].kind,
                policy::RuleKind::ForbidSymbol { .. }
            )
        })
    };
    audit.tests = Some(testresults::summarize(&runs, is_forbidden));
    Ok(())
}

/// The commit of the audited tree, and whether it has uncommitted changes; `None` outside git.
fn git_info(root: &Path) -> Option<audit::GitInfo> {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "HEAD"])?;
    let status = git(&["status", "--porcelain", "--", "."])?;
    Some(audit::GitInfo {
        commit,
        dirty: !status.is_empty(),
    })
}

fn report_cmd(args: cli::ReportArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let req = request(
        &args.scan,
        Needs {
            inventory: true,
            graph: false,
        },
        Some(Severity::Error),
    );
    let Some((mut audit, policy)) = audit_or_report(&req, err)? else {
        return Ok(EXIT_ERROR);
    };
    let root = pipeline::root_of(&args.scan.paths);
    let mut extra = Vec::new();
    if let Some(o) = &args.output {
        extra.push(format!("--output {}", shell_word(&o.to_string_lossy())));
    }
    audit.context.command = reproduce("report", &args.scan, &extra);
    audit.context.git = git_info(&root);
    if let Err(e) = attach_test_results(&mut audit, &policy, &args.scan.test_results) {
        writeln!(err, "error: {e}")?;
        return Ok(EXIT_ERROR);
    }
    pipeline::settle(&mut audit, &policy);
    for e in &audit.errors {
        match e.line {
            Some(l) => writeln!(err, "error: {}:{l}: {}", e.file, e.message)?,
            None => writeln!(err, "error: {}: {}", e.file, e.message)?,
        }
    }
    let mut doc = Vec::new();
    report::markdown::render(&audit, &mut doc)?;
    let code_for_audit = if audit.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    };
    match (&args.output, args.check) {
        (Some(path), true) => {
            let current = std::fs::read(path).unwrap_or_default();
            if current == doc {
                writeln!(out, "{} is up to date", path.display())?;
                Ok(code_for_audit)
            } else {
                writeln!(
                    out,
                    "{} is stale: run `{}` and commit the result",
                    path.display(),
                    audit.context.command
                )?;
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
            report::write_atomic(path, &doc)
                .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(err, "wrote {}", path.display())?;
            Ok(code_for_audit)
        }
        (None, _) => {
            quietly(out.write_all(&doc).map_err(anyhow::Error::from))?;
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

fn symbols(args: cli::SymbolsArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let req = request(
        &args.scan,
        Needs {
            inventory: true,
            graph: args.calls,
        },
        None,
    );
    let Some((audit, _)) = audit_or_report(&req, err)? else {
        return Ok(EXIT_ERROR);
    };
    match args.format {
        cli::SymbolsFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &audit.functions)?;
            writeln!(out)?;
        }
        cli::SymbolsFormat::Human => {
            for f in &audit.functions {
                let recv = f
                    .receiver
                    .as_ref()
                    .map(|r| format!("({r}) "))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{}:{}-{}\t{}\t{recv}{}{}",
                    f.file,
                    f.line,
                    f.end_line,
                    if f.kind == lang::FnKind::Method {
                        "method"
                    } else {
                        "func"
                    },
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
    for e in &audit.errors {
        writeln!(err, "error: {}: {}", e.file, e.message)?;
    }
    Ok(if audit.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    })
}

fn policy_cmd(cmd: PolicyCommand, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    match cmd {
        PolicyCommand::List => {
            for (name, src) in policy::BUILTINS {
                let p = policy::load_builtin(name).map_err(|e| anyhow::anyhow!(PolicyErrors(e)))?;
                writeln!(
                    out,
                    "builtin:{name}\t{}\t({} rules)",
                    p.title,
                    p.rules.len()
                )?;
                let _ = src;
            }
            Ok(EXIT_OK)
        }
        PolicyCommand::Show { name } => {
            let bare = name.strip_prefix("builtin:").unwrap_or(&name);
            if let Some((_, src)) = policy::BUILTINS.iter().find(|(n, _)| *n == bare) {
                out.write_all(src.as_bytes())?;
                return Ok(EXIT_OK);
            }
            let path = Path::new(&name);
            if path.is_file() {
                out.write_all(std::fs::read(path)?.as_slice())?;
                return Ok(EXIT_OK);
            }
            writeln!(
                err,
                "error: no builtin policy or file named `{name}` (see `routeaudit policy list`)"
            )?;
            Ok(EXIT_ERROR)
        }
        PolicyCommand::Validate { file } => match policy::load_file(&file) {
            Ok(p) => {
                writeln!(
                    out,
                    "{}: valid policy `{}` with {} rule{} and {} evidence pattern{}",
                    file.display(),
                    p.name,
                    p.rules.len(),
                    if p.rules.len() == 1 { "" } else { "s" },
                    p.evidence.len(),
                    if p.evidence.len() == 1 { "" } else { "s" },
                )?;
                Ok(EXIT_OK)
            }
            Err(es) => {
                for e in &es {
                    writeln!(err, "error: {e}")?;
                }
                Ok(EXIT_ERROR)
            }
        },
    }
}
