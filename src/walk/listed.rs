//! Inside a git repository the walk audits what git lists: tracked files, and untracked files
//! that no ignore rule excludes. A `.gitignore` (wherever it is) can then hide nothing that is
//! committed; what it does leave out is counted.
//!
//! Owns reading `git ls-files` output (modes, nested repositories, hidden paths) into the list
//! of files to read, and the parallel read of that list.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::path::{from_bytes, has_hidden_component};
use super::read::{Outcome, read_one};
use super::rules::IgnoreRules;
use super::{Ctx, Event, FileId, relative};
use crate::git::{self, Listing};
use crate::lang::Lang;

/// The files to read, kept compactly: a listing names every file of the tree, so each is one
/// flag byte (a symbolic link, as git records it, or not) and the bytes of its path (relative
/// to the root when under it), ended by a NUL byte (which no path holds), one after another.
/// The path as the audit shows it is derived again from the path when the file is read.
#[derive(Default)]
pub(crate) struct Candidates {
    bytes: Vec<u8>,
    count: usize,
}

const FILE: u8 = b'f';
const LINK: u8 = b'l';

impl Candidates {
    pub(crate) fn push(&mut self, root: &Path, path: &Path, symlink: bool) {
        let short = path.strip_prefix(root).unwrap_or(path);
        self.bytes.push(if symlink { LINK } else { FILE });
        self.bytes
            .extend_from_slice(short.as_os_str().as_encoded_bytes());
        self.bytes.push(0);
        self.count += 1;
    }

    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// The entry that starts at `at`: the path, whether git records a symbolic link, and where
    /// the next entry starts. `None` past the last one.
    fn entry(&self, root: &Path, at: usize) -> Option<(PathBuf, bool, usize)> {
        let (&flag, rest) = self.bytes.get(at..)?.split_first()?;
        let len = memchr::memchr(0, rest).unwrap_or(rest.len());
        let path = root.join(from_bytes(&rest[..len]));
        Some((path, flag == LINK, at + 1 + len + 1))
    }
}

/// What git listed: files to read, and directories to look into.
#[derive(Default)]
pub(crate) struct Listed {
    pub files: Candidates,
    /// Directories git lists as one entry (submodules, nested repositories).
    pub dirs: Vec<PathBuf>,
    /// Symbolic links to directories (followed unless `--no-follow`).
    pub links: Vec<PathBuf>,
}

/// Lists the tracked files under `arg` (a directory, absolute and lexical) with git, and
/// returns the directory git ran in (resolved). `None` when git cannot: `arg` is not in a work
/// tree (or git is missing), and the caller walks it instead.
pub(crate) fn list_tracked(ctx: &Ctx, arg: &Path, out: &mut Listed) -> Option<PathBuf> {
    let dir = arg.canonicalize().unwrap_or_else(|_| arg.to_path_buf());
    // run in the directory itself, git lists the files under it, relative to it
    let bytes = git::ls_files(&dir, Path::new(""), Listing::Tracked).ok()?;
    add_entries(ctx, &dir, &bytes, out);
    Some(dir)
}

/// Lists the untracked files under `dir` (returned by [`list_tracked`]) that no ignore rule
/// excludes, or all of them under `--no-ignore`.
pub(crate) fn list_untracked(ctx: &Ctx, dir: &Path, out: &mut Listed) {
    let listing = if ctx.opts.no_ignore {
        Listing::UntrackedAll
    } else {
        Listing::Untracked
    };
    match git::ls_files(dir, Path::new(""), listing) {
        Ok(bytes) => add_entries(ctx, dir, &bytes, out),
        Err(e) => (ctx.event)(Event::Error {
            rel: relative(ctx.root, dir),
            message: e.to_string(),
        }),
    }
}

/// Adds the entries of one `ls-files` output, run in `dir`.
fn add_entries(ctx: &Ctx, dir: &Path, bytes: &[u8], out: &mut Listed) {
    // `.ignore` / `.rgignore` only when asked for, read from the top of the work tree down
    let extra = (ctx.opts.use_ignore_files && !ctx.opts.no_ignore).then(|| {
        let top = git::toplevel(dir).and_then(|t| t.canonicalize().ok());
        IgnoreRules::new(
            vec![".rgignore", ".ignore"],
            vec![dir.to_path_buf()],
            Some(top.unwrap_or_else(|| dir.to_path_buf())),
        )
    });
    let mut last: &[u8] = b"";
    for entry in bytes.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let (mode, name) = parse_entry(entry);
        // an unmerged file is listed once per stage
        if name == last {
            continue;
        }
        last = name;
        let (name, untracked_dir) = match name.strip_suffix(b"/") {
            Some(n) => (n, true),
            None => (name, false),
        };
        let below = from_bytes(name);
        if !ctx.opts.hidden && has_hidden_component(&below) {
            continue;
        }
        let path = dir.join(&below);
        if untracked_dir || mode == Some(Mode::Gitlink) {
            out.dirs.push(path);
            continue;
        }
        let rel = relative(ctx.root, &path);
        if !(ctx.filter.file)(&rel) {
            // a link to a directory is not a file in scope, but what it leads to may be
            let link = match mode {
                Some(m) => m == Mode::Symlink,
                None => std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink()),
            };
            if link && ctx.opts.follow_links && !(ctx.filter.prune)(&rel) && path.is_dir() {
                out.links.push(path);
            }
            continue;
        }
        if let Some(r) = &extra
            && r.file_ignored(&path)
        {
            (ctx.event)(Event::Ignored { path });
            continue;
        }
        out.files.push(ctx.root, &path, mode == Some(Mode::Symlink));
    }
    if let Some(r) = &extra {
        super::report_rule_problems(ctx, r);
    }
}

/// Counts the files in scope under `dir` (returned by [`list_tracked`]) that git's ignore
/// rules leave out.
pub(crate) fn count_ignored(ctx: &Ctx, dir: &Path) {
    let Ok(bytes) = git::ls_files(dir, Path::new(""), Listing::Ignored) else {
        // the count is information, not the audit: the audited listing already succeeded
        return;
    };
    for name in bytes.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        if name.ends_with(b"/") {
            continue;
        }
        let below = from_bytes(name);
        if !ctx.opts.hidden && has_hidden_component(&below) {
            continue;
        }
        let path = dir.join(&below);
        if (ctx.filter.file)(&relative(ctx.root, &path)) {
            (ctx.event)(Event::Ignored { path });
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    File,
    Symlink,
    Gitlink,
}

/// One `ls-files -s -z` entry: `MODE OBJECT STAGE\tPATH` for a tracked file, the bare path for
/// an untracked one.
fn parse_entry(e: &[u8]) -> (Option<Mode>, &[u8]) {
    let Some(tab) = memchr::memchr(b'\t', e) else {
        return (None, e);
    };
    let head = &e[..tab];
    let mut parts = head.split(|&b| b == b' ');
    let (Some(mode), Some(object), Some(stage), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return (None, e);
    };
    let octal = mode.len() == 6 && mode.iter().all(|b| (b'0'..=b'7').contains(b));
    let hex = object.len() >= 40 && object.iter().all(u8::is_ascii_hexdigit);
    let staged = stage.len() == 1 && stage[0].is_ascii_digit();
    if !(octal && hex && staged) {
        return (None, e);
    }
    let mode = match mode {
        b"120000" => Mode::Symlink,
        b"160000" => Mode::Gitlink,
        _ => Mode::File,
    };
    (Some(mode), &e[tab + 1..])
}

/// Reads `files` on `ctx.threads` threads (the calling thread is one of them). Returns the
/// directories met among them: symbolic links to directories, for the caller to walk.
pub(crate) fn read_all(ctx: &Ctx, files: &Candidates) -> Vec<PathBuf> {
    // where the next entry to read starts
    let next = Mutex::new(0);
    let dirs = Mutex::new(Vec::new());
    let work = || {
        let mut buf = Vec::new();
        loop {
            let taken = {
                let mut at = next.lock().expect("candidate lock");
                files
                    .entry(ctx.root, *at)
                    .inspect(|&(_, _, after)| *at = after)
            };
            let Some((path, symlink, _)) = taken else {
                break;
            };
            let rel = relative(ctx.root, &path);
            if symlink && !ctx.opts.follow_links {
                (ctx.event)(Event::Skipped {
                    file: FileId {
                        lang: Lang::from_path(&path),
                        path,
                        rel,
                    },
                    reason: "symlink",
                });
                continue;
            }
            if let Outcome::Dir = read_one(ctx, &path, &rel, &mut buf) {
                dirs.lock().expect("dirs lock").push(path);
            }
        }
    };
    let helpers = ctx.threads.min(files.len()).saturating_sub(1);
    std::thread::scope(|s| {
        for _ in 0..helpers {
            // a thread that cannot be started leaves its share to the others
            if std::thread::Builder::new().spawn_scoped(s, work).is_err() {
                break;
            }
        }
        work();
    });
    dirs.into_inner().expect("dirs lock")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_with_and_without_stage() {
        let e = b"100644 78981922613b2afb6025042ff6bd878ac1994e85 0\tpkg/a b.go";
        assert_eq!(parse_entry(e), (Some(Mode::File), &b"pkg/a b.go"[..]));
        let e = b"120000 66df565d857050e7356e7ab43aad3513f13e4dce 0\tl.go";
        assert_eq!(parse_entry(e), (Some(Mode::Symlink), &b"l.go"[..]));
        let e = b"160000 66df565d857050e7356e7ab43aad3513f13e4dce 0\tsub";
        assert_eq!(parse_entry(e), (Some(Mode::Gitlink), &b"sub"[..]));
        assert_eq!(parse_entry(b"new\tfile.go"), (None, &b"new\tfile.go"[..]));
        assert_eq!(parse_entry(b"nested/"), (None, &b"nested/"[..]));
    }

    #[test]
    fn candidates_come_back_in_order_with_their_paths_and_link_flags() {
        let root = Path::new("/repo/top");
        let mut c = Candidates::default();
        c.push(root, &root.join("pkg/a.go"), false);
        c.push(root, &root.join("pkg/link.go"), true);
        c.push(root, Path::new("/elsewhere/b.go"), false);
        #[cfg(unix)]
        let odd = root.join(from_bytes(b"pkg/r\xffx.go"));
        #[cfg(not(unix))]
        let odd = root.join("pkg/rx.go");
        c.push(root, &odd, false);
        assert_eq!(c.len(), 4);
        let mut back = Vec::new();
        let mut at = 0;
        while let Some((path, link, next)) = c.entry(root, at) {
            back.push((path, link));
            at = next;
        }
        assert_eq!(
            back,
            [
                (root.join("pkg/a.go"), false),
                (root.join("pkg/link.go"), true),
                (PathBuf::from("/elsewhere/b.go"), false),
                (odd, false),
            ]
        );
        assert!(Candidates::default().entry(root, 0).is_none());
    }
}
