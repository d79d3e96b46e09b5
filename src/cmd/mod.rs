//! The subcommands: each turns its parsed arguments into a [`Request`], runs the audit once
//! and writes what the user asked for. Shared here: building the request, colour, rendering,
//! report files, and the one way run errors and file problems are printed.

pub(crate) mod baseline;
pub(crate) mod check;
pub(crate) mod init;
pub(crate) mod man;
pub(crate) mod policy;
pub(crate) mod report;
pub(crate) mod symbols;

use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};

use crate::audit::{Audit, Verdict};
use crate::cli::{ColorChoice, FailOn, Format, RuleFilter, ScanArgs};
use crate::engine::Needs;
use crate::error::{EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS, Error, Result};
use crate::pipeline::Request;
use crate::policy::Severity;

/// The request for the scan arguments every auditing command shares.
fn request(scan: &ScanArgs, needs: Needs, fail_on: Option<Severity>) -> Request {
    Request {
        paths: scan.paths.clone(),
        policy: scan.policy.clone(),
        walk: crate::walk::WalkOptions {
            no_ignore: scan.no_ignore,
            use_ignore_files: scan.use_ignore_files,
            hidden: scan.hidden,
            follow_links: !scan.no_follow,
            max_filesize: scan.max_filesize,
            threads: scan.threads,
        },
        needs,
        fail_on,
        test_results: scan.test_results.clone(),
        ..Request::default()
    }
}

/// The request with `--rule` / `--exclude-rule` applied.
fn filtered(mut req: Request, filter: &RuleFilter) -> Request {
    req.rules = filter.rules.clone();
    req.exclude_rules = filter.exclude_rules.clone();
    req
}

/// `--rule ID` / `--exclude-rule ID` as typed, for a command line that reproduces the run.
fn filter_words(filter: &RuleFilter) -> Vec<String> {
    let rules = filter.rules.iter().map(|r| ("--rule", r));
    let excluded = filter.exclude_rules.iter().map(|r| ("--exclude-rule", r));
    rules
        .chain(excluded)
        .map(|(flag, id)| format!("{flag} {}", shell_word(id)))
        .collect()
}

fn fail_on(f: FailOn) -> Option<Severity> {
    match f {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

/// The command line that reproduces this run from the repository root, for the document:
/// `sub`, the audited paths, every scan flag that changes what is audited, then `extra`
/// (already normalised by the caller). Paths are written relative to the repository root,
/// so the same audit typed two ways (`./`, an absolute path, from a subdirectory) gives the
/// same command.
fn reproduce(sub: &str, scan: &ScanArgs, root: &Path, extra: &[String]) -> String {
    let mut parts = vec!["routeaudit".to_string(), sub.to_string()];
    let dot = [std::path::PathBuf::from(".")];
    let paths = if scan.paths.is_empty() {
        &dot[..]
    } else {
        &scan.paths[..]
    };
    for p in paths {
        parts.push(shell_word(&repo_path(root, p)));
    }
    if let Some(p) = &scan.policy {
        parts.push(format!("--policy {}", shell_word(&repo_path(root, p))));
    }
    for t in &scan.test_results {
        parts.push(format!(
            "--test-results {}",
            shell_word(&repo_path(root, t))
        ));
    }
    if scan.no_ignore {
        parts.push("--no-ignore".into());
    }
    if scan.hidden {
        parts.push("--hidden".into());
    }
    if scan.no_follow {
        parts.push("--no-follow".into());
    }
    if scan.max_filesize != crate::walk::WalkOptions::default().max_filesize {
        parts.push(format!("--max-filesize {}", scan.max_filesize));
    }
    parts.extend(extra.iter().cloned());
    parts.join(" ")
}

/// The repository root of a run over `scan`'s paths (what the pipeline will use).
fn repo_root(scan: &ScanArgs) -> std::path::PathBuf {
    if scan.paths.is_empty() {
        crate::pipeline::root_of(&[std::path::PathBuf::from(".")])
    } else {
        crate::pipeline::root_of(&scan.paths)
    }
}

/// The command that reproduces a `check` run's document: the content flags (`--fail-on`,
/// `--baseline`, diff mode) and where the document goes.
fn reproduce_check(args: &crate::cli::CheckArgs) -> String {
    let root = repo_root(&args.scan);
    let path = |p: &Path| shell_word(&repo_path(&root, p));
    let mut extra = Vec::new();
    let level = match args.fail_on {
        FailOn::Error => None,
        FailOn::Warning => Some("warning"),
        FailOn::Info => Some("info"),
        FailOn::Never => Some("never"),
    };
    if let Some(l) = level {
        extra.push(format!("--fail-on {l}"));
    }
    if let Some(b) = &args.baseline {
        extra.push(format!("--baseline {}", path(b)));
    }
    if let Some(r) = &args.new_from_rev {
        extra.push(format!("--new-from-rev {}", shell_word(r)));
    }
    if let Some(r) = &args.new_from_merge_base {
        extra.push(format!("--new-from-merge-base {}", shell_word(r)));
    }
    if args.format == Format::Markdown {
        extra.push("--format markdown".into());
        if let Some(o) = &args.output {
            extra.push(format!("--output {}", path(o)));
        }
    }
    if let Some(m) = &args.markdown_output {
        extra.push(format!("--markdown-output {}", path(m)));
    }
    extra.extend(filter_words(&args.filter));
    reproduce("check", &args.scan, &root, &extra)
}

/// `p` as typed (relative to the current directory, or absolute) relative to the repository
/// `root`, `/`-separated; `.` for the root itself. A path that does not exist yet (a new
/// document) is resolved through its nearest existing ancestor; one outside the root stays
/// absolute.
fn repo_path(root: &Path, p: &Path) -> String {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    let real = loop {
        if let Ok(c) = cur.canonicalize() {
            break rest
                .iter()
                .rev()
                .fold(c, |acc: std::path::PathBuf, n| acc.join(n));
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => break abs.clone(),
        }
    };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if real == root {
        return ".".into();
    }
    match crate::walk::relative(&root, &real).as_str() {
        "" => ".".to_string(),
        rel => rel.to_string(),
    }
}

/// Where the document written to `path` sits, relative to the repository root of `audit`
/// (`docs/VERIFICATION.md`), for its links; `None` outside the root (links are then
/// relative to the root, as on standard output).
fn document_place(audit: &Audit, path: &Path) -> Option<String> {
    let place = repo_path(&audit.context.repo_root, path);
    (!place.starts_with('/') && !place.starts_with("..") && place != ".").then_some(place)
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

fn render(audit: &Audit, format: Format, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    use crate::report;
    match format {
        Format::Human => report::human::render(audit, out, &report::human::Style { color }),
        Format::Json => report::json::render(audit, out),
        Format::Markdown => report::markdown::render(audit, out),
        Format::Sarif => report::sarif::render(audit, out),
        Format::Github => report::github::render(audit, out),
        Format::Junit => report::junit::render(audit, out),
    }
}

/// Writes `bytes` to `path` atomically; the error names the file.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::report::write_atomic(path, bytes).map_err(|source| Error::Write {
        path: path.display().to_string(),
        source,
    })
}

/// The policy file a run will read: `--policy`, else the one discovery finds (`None`: a
/// builtin pack).
fn policy_file(scan: &ScanArgs) -> Option<PathBuf> {
    if let Some(p) = &scan.policy {
        return Some(p.clone());
    }
    let start = scan
        .paths
        .first()
        .map(PathBuf::as_path)
        .unwrap_or(Path::new("."));
    match crate::policy::discover::discover(start) {
        crate::policy::discover::PolicySource::File(p) => Some(p),
        crate::policy::discover::PolicySource::Builtin(_) => None,
    }
}

/// The files a run reads besides the tree, by flag: the policy, `--test-results` files and
/// `extra` (`--baseline`).
fn inputs<'a>(
    scan: &'a ScanArgs,
    policy: &'a Option<PathBuf>,
    extra: &[(&'static str, &'a Path)],
) -> Vec<(&'static str, &'a Path)> {
    let mut v: Vec<(&'static str, &'a Path)> = Vec::new();
    if let Some(p) = policy {
        v.push(("the policy", p.as_path()));
    }
    v.extend(
        scan.test_results
            .iter()
            .map(|p| ("--test-results", p.as_path())),
    );
    v.extend_from_slice(extra);
    v
}

/// Refuses, before anything is audited or written, an output that is not a regular file (a
/// device, a FIFO, a directory), two outputs that name the same file and an output that
/// names a file the run reads (the policy, the baseline, test results). Paths are
/// compared as the files they stand for (links followed, canonical).
fn refuse_clobbering(outputs: &[(&str, &Path)], inputs: &[(&str, &Path)]) -> Result<()> {
    use crate::report::identity;
    let outs: Vec<(&str, &Path, PathBuf)> = outputs
        .iter()
        .map(|(flag, p)| (*flag, *p, identity(p)))
        .collect();
    for (i, (flag, path, id)) in outs.iter().enumerate() {
        // a device, FIFO or directory is refused before the audit, not after it
        if let Ok(meta) = std::fs::metadata(id)
            && !meta.is_file()
        {
            return Err(Error::Write {
                path: path.display().to_string(),
                source: crate::report::not_regular(&meta),
            });
        }
        if let Some((first, first_path, _)) = outs[..i].iter().find(|o| o.2 == *id) {
            return Err(Error::Usage(format!(
                "{first} {} and {flag} {} name the same file: give each output its own file",
                first_path.display(),
                path.display()
            )));
        }
        if let Some((what, input)) = inputs.iter().find(|(_, p)| identity(p) == *id) {
            return Err(Error::Usage(format!(
                "{flag} {} would overwrite {what} {}, which this run reads: write the output \
                 elsewhere",
                path.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Appends `bytes` to `path` (created when missing); anything but a regular file is refused.
fn append_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let err = |source| Error::Write {
        path: path.display().to_string(),
        source,
    };
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(err(std::io::Error::other("not a regular file")));
    }
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(err)?;
    f.write_all(bytes).map_err(err)
}

/// Renders into memory, then puts the file in place atomically. The document's links are
/// relative to where it is written.
fn render_to_file(audit: &Audit, format: Format, color: bool, path: &Path) -> Result<()> {
    let mut buf = Vec::new();
    if format == Format::Markdown {
        let place = document_place(audit, path);
        crate::report::markdown::render_at(audit, place.as_deref(), &mut buf)?;
    } else {
        render(audit, format, color, &mut buf)?;
    }
    write_file(path, &buf)
}

/// Output to a closed pipe ends the output quietly; the run still exits with its verdict.
fn quietly(r: std::io::Result<()>) -> Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// The exit code of a settled audit.
fn exit_code(audit: &Audit) -> u8 {
    match audit.verdict {
        Verdict::Error => EXIT_ERROR,
        Verdict::Fail => EXIT_VIOLATIONS,
        Verdict::Pass => EXIT_OK,
    }
}

/// The one way problems with files in scope are printed, by every command:
/// `error: FILE:LINE: message`.
fn print_file_errors(audit: &Audit, err: &mut dyn Write) -> Result<()> {
    for e in &audit.errors {
        match e.line {
            Some(l) => writeln!(err, "error: {}:{l}: {}", e.file, e.message)?,
            None => writeln!(err, "error: {}: {}", e.file, e.message)?,
        }
    }
    Ok(())
}

/// For commands without a verdict (`symbols`, `report`): 2 when a file in scope was not
/// audited, else 0.
fn exit_code_for_errors(audit: &Audit) -> u8 {
    if audit.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    }
}
