//! Every `git` invocation of routeaudit: the repository root, the merge base, the diff of
//! diff mode, the files the walk audits and the list of untracked files.
//!
//! Owns how git is called (fixed prefixes, no colour, no external diff, unquoted paths) and
//! how its failures are worded. It does not parse diffs (see `diffmode`).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::Error;

/// Runs `git -C dir ARGS`, returning standard output; the error is git's own message.
fn run(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    run_os(dir, &args)
}

/// Which files [`ls_files`] lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Listing {
    /// Tracked files, with their modes (reads the index only).
    Tracked,
    /// Untracked files that no ignore rule excludes (`.gitignore`, `.git/info/exclude`, the
    /// global excludes file).
    Untracked,
    /// Untracked files, ignore rules or not (`--no-ignore`).
    UntrackedAll,
    /// Untracked files that an ignore rule excludes.
    Ignored,
}

/// `git ls-files` of `spec` (relative to `dir`, taken literally; `""`: all of `dir`) run in
/// `dir`: the raw, NUL-separated entries, paths relative to `dir`. Tracked files come as
/// `MODE OBJECT STAGE\tPATH`, untracked ones as the bare path. A nested repository or a
/// submodule is one entry (a directory, with a trailing `/` when untracked).
pub(crate) fn ls_files(dir: &Path, spec: &Path, listing: Listing) -> Result<Vec<u8>, Error> {
    let mut args: Vec<&OsStr> = ["--literal-pathspecs", "ls-files", "-z"]
        .iter()
        .map(OsStr::new)
        .collect();
    let flags: &[&str] = match listing {
        Listing::Tracked => &["--stage", "--cached"],
        Listing::Untracked => &["--others", "--exclude-standard"],
        Listing::UntrackedAll => &["--others"],
        Listing::Ignored => &["--others", "--ignored", "--exclude-standard"],
    };
    args.extend(flags.iter().map(OsStr::new));
    args.push(OsStr::new("--"));
    args.push(if spec.as_os_str().is_empty() {
        OsStr::new(".")
    } else {
        spec.as_os_str()
    });
    run_os(dir, &args).map_err(|e| Error::Git(format!("git ls-files failed: {e}")))
}

/// Like [`run`], with arguments that may not be UTF-8 (paths).
fn run_os(dir: &Path, args: &[&OsStr]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(if msg.is_empty() {
            let shown: Vec<_> = args.iter().map(|a| a.to_string_lossy()).collect();
            format!("git {} failed with {}", shown.join(" "), out.status)
        } else {
            msg
        });
    }
    Ok(out.stdout)
}

fn run_text(dir: &Path, args: &[&str]) -> Result<String, String> {
    run(dir, args).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The work tree that holds `dir`, or `None` outside git (or without git installed).
pub(crate) fn toplevel(dir: &Path) -> Option<PathBuf> {
    run_text(dir, &["rev-parse", "--show-toplevel"])
        .ok()
        .map(|s| PathBuf::from(s.trim_end_matches(['\n', '\r'])))
        .filter(|p| !p.as_os_str().is_empty())
}

fn require_repo(dir: &Path) -> Result<(), Error> {
    toplevel(dir).map(|_| ()).ok_or_else(|| {
        Error::Git(format!(
            "diff mode needs a git repository, and {} is not in one",
            dir.display()
        ))
    })
}

/// Whether the repository is a shallow clone.
fn is_shallow(dir: &Path) -> bool {
    run_text(dir, &["rev-parse", "--is-shallow-repository"]).is_ok_and(|s| s.trim() == "true")
}

/// The merge base of HEAD and `reference`.
pub(crate) fn merge_base(dir: &Path, reference: &str) -> Result<String, Error> {
    require_repo(dir)?;
    match run_text(dir, &["merge-base", "HEAD", reference]) {
        Ok(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        other => {
            let why = match other {
                Err(e) => e,
                Ok(_) => "the two histories share no commit".to_string(),
            };
            let hint = if is_shallow(dir) {
                " (shallow clone: fetch the base branch, e.g. `fetch-depth: 0` in actions/checkout)"
            } else {
                ""
            };
            Err(Error::Git(format!(
                "cannot find the merge base of HEAD and `{reference}`: {why}{hint}"
            )))
        }
    }
}

/// The commit `rev` names, checked.
pub(crate) fn resolve_commit(dir: &Path, rev: &str) -> Result<String, Error> {
    require_repo(dir)?;
    run_text(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map(|s| s.trim().to_string())
    .map_err(|_| {
        let hint = if is_shallow(dir) {
            " (shallow clone: fetch more history, e.g. `fetch-depth: 0` in actions/checkout)"
        } else {
            ""
        };
        Error::Git(format!("unknown revision `{rev}`{hint}"))
    })
}

/// `git diff --unified=0 COMMIT -- .` run in `dir`, with paths relative to the work tree's
/// top, fixed `a/` `b/` prefixes and unquoted non-ASCII names, whatever the user's git
/// configuration says.
pub(crate) fn diff_unified0(dir: &Path, commit: &str) -> Result<Vec<u8>, Error> {
    run(
        dir,
        &[
            "-c",
            "core.quotePath=false",
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--unified=0",
            "--no-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            commit,
            "--",
            ".",
        ],
    )
    .map_err(|e| Error::Git(format!("git diff failed: {e}")))
}

/// The path of `dir` inside its work tree, `/`-terminated (`""` at the top).
pub(crate) fn show_prefix(dir: &Path) -> Result<String, Error> {
    run_text(dir, &["rev-parse", "--show-prefix"])
        .map(|s| s.trim_end_matches(['\n', '\r']).to_string())
        .map_err(|e| Error::Git(format!("git rev-parse failed: {e}")))
}

/// Untracked, not ignored files under `dir`, relative to the work tree's top.
pub(crate) fn untracked(dir: &Path) -> Result<Vec<String>, Error> {
    let out = run(
        dir,
        &[
            "ls-files",
            "-z",
            "--full-name",
            "--others",
            "--exclude-standard",
            "--",
            ".",
        ],
    )
    .map_err(|e| Error::Git(format!("git ls-files failed: {e}")))?;
    Ok(out
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect())
}
