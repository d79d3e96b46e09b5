//! The walk: every file under the audited paths that the policy scope admits, read once,
//! handed to a callback on one of several threads.
//!
//! Owns `.gitignore`/`.ignore` handling (the `ignore` crate), hidden files, symlinks (followed,
//! loops reported), the size limit and binary detection. It knows nothing about rules.

use ignore::{WalkBuilder, WalkState};
use std::path::{Component, Path, PathBuf};

use crate::lang::Lang;

#[derive(Clone, Debug)]
pub struct WalkOptions {
    pub no_ignore: bool,
    pub hidden: bool,
    pub follow_links: bool,
    pub max_filesize: u64,
    pub threads: usize,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            no_ignore: false,
            hidden: false,
            follow_links: true,
            max_filesize: 8 * 1024 * 1024,
            threads: 0,
        }
    }
}

/// One file in scope, read.
pub struct SourceFile<'a> {
    /// `/`-separated, relative to the root.
    pub rel: &'a str,
    pub lang: Lang,
    pub text: &'a str,
    /// Directory of the file relative to the root (the Go package); `""` at the root.
    pub dir: &'a str,
}

/// Something the walk met other than a readable text file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Skipped {
        rel: String,
        reason: &'static str,
    },
    /// Could not be read: the verdict cannot be trusted.
    Error {
        rel: String,
        message: String,
    },
    /// Not fatal (a symlink loop: its target is audited once, through its real path).
    Warning {
        rel: String,
        message: String,
    },
}

/// Path of `p` relative to `root`, with `/` separators. An absolute argument under a relative
/// root (or the reverse) gives the same relative path as its relative form; a path outside the
/// root stays absolute, written with one leading `/`.
pub fn relative(root: &Path, p: &Path) -> String {
    if let Ok(r) = p.strip_prefix(root)
        && let Some(s) = join_normal(r)
    {
        return s;
    }
    if let (Ok(ra), Ok(pa)) = (std::path::absolute(root), std::path::absolute(p)) {
        let (ra, pa) = (lexical(&ra), lexical(&pa));
        if let Ok(r) = pa.strip_prefix(&ra) {
            return join_normal(r).unwrap_or_else(|| file_name(p));
        }
        return format!("/{}", join_normal(&pa).unwrap_or_default());
    }
    join_normal(p).unwrap_or_else(|| file_name(p))
}

/// The plain components of `p` joined with `/` (`.` dropped), or `None` when none are left.
fn join_normal(p: &Path) -> Option<String> {
    let parts: Vec<String> = p
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// `a/./b/../c` -> `a/c`, without touching the file system.
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| ".".into())
}

/// Walks `paths` in parallel. `in_scope(rel)` filters files before they are read; `visit`
/// gets every readable text file; `event` everything else. Both may run on any thread.
pub fn walk(
    root: &Path,
    paths: &[PathBuf],
    opts: &WalkOptions,
    in_scope: &(dyn Fn(&str) -> bool + Sync),
    visit: &(dyn Fn(SourceFile) + Sync),
    event: &(dyn Fn(Event) + Sync),
) {
    let Some((first, rest)) = paths.split_first() else {
        return;
    };
    let mut b = WalkBuilder::new(first);
    for p in rest {
        b.add(p);
    }
    b.hidden(!opts.hidden)
        .follow_links(opts.follow_links)
        .threads(opts.threads)
        .require_git(false);
    if opts.no_ignore {
        b.standard_filters(false).hidden(!opts.hidden);
    }
    b.build_parallel().run(|| {
        // one read buffer per walker thread, reused for every file it reads
        let mut buf: Vec<u8> = Vec::new();
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    report_walk_error(root, err, event);
                    return WalkState::Continue;
                }
            };
            let is_file = entry.file_type().is_some_and(|t| t.is_file());
            if !is_file {
                return WalkState::Continue;
            }
            let path = entry.path();
            let rel = relative(root, path);
            if !in_scope(&rel) {
                return WalkState::Continue;
            }
            read_one(path, &rel, opts, &mut buf, visit, event);
            WalkState::Continue
        })
    });
}

fn report_walk_error(root: &Path, err: ignore::Error, event: &(dyn Fn(Event) + Sync)) {
    let mut loop_path = None;
    let mut path = None;
    let mut cur = &err;
    loop {
        match cur {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.clone());
                cur = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                cur = err
            }
            ignore::Error::Loop { child, .. } => {
                loop_path = Some(child.clone());
                break;
            }
            _ => break,
        }
    }
    if let Some(child) = loop_path {
        event(Event::Warning {
            rel: relative(root, &child),
            message: "symbolic link loop: not followed again".into(),
        });
        return;
    }
    let rel = path.map(|p| relative(root, &p)).unwrap_or_default();
    // a bad .gitignore line is not a problem with the audited sources
    if matches!(cur, ignore::Error::Glob { .. } | ignore::Error::Partial(_)) {
        event(Event::Warning {
            rel,
            message: err.to_string(),
        });
        return;
    }
    event(Event::Error {
        rel,
        message: err.to_string(),
    });
}

fn read_one(
    path: &Path,
    rel: &str,
    opts: &WalkOptions,
    buf: &mut Vec<u8>,
    visit: &(dyn Fn(SourceFile) + Sync),
    event: &(dyn Fn(Event) + Sync),
) {
    use std::io::Read;
    let file = std::fs::File::open(path).and_then(|f| f.metadata().map(|m| (f, m)));
    let (mut file, meta) = match file {
        Ok(x) => x,
        Err(e) => {
            event(Event::Error {
                rel: rel.to_string(),
                message: format!("cannot read: {e}"),
            });
            return;
        }
    };
    if meta.len() > opts.max_filesize {
        event(Event::Skipped {
            rel: rel.to_string(),
            reason: "too-large",
        });
        return;
    }
    buf.clear();
    if let Err(e) = file.read_to_end(buf) {
        event(Event::Error {
            rel: rel.to_string(),
            message: format!("cannot read: {e}"),
        });
        return;
    }
    if buf.len() as u64 > opts.max_filesize {
        event(Event::Skipped {
            rel: rel.to_string(),
            reason: "too-large",
        });
        return;
    }
    let head = &buf[..buf.len().min(8192)];
    if head.contains(&0) {
        event(Event::Skipped {
            rel: rel.to_string(),
            reason: "binary",
        });
        return;
    }
    let text = match std::str::from_utf8(buf) {
        Ok(t) => t,
        Err(e) => {
            let line = buf[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            event(Event::Error {
                rel: rel.to_string(),
                message: format!(
                    "invalid UTF-8 at line {line} (byte {}): the file cannot be audited",
                    e.valid_up_to()
                ),
            });
            return;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    visit(SourceFile {
        rel,
        lang: Lang::from_path(path),
        text,
        dir,
    });
}

#[cfg(test)]
mod relative_tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(relative(Path::new("."), Path::new("./a/b.go")), "a/b.go");
        assert_eq!(relative(Path::new("."), Path::new("a/b.go")), "a/b.go");
        assert_eq!(relative(Path::new("."), &cwd.join("a/b.go")), "a/b.go");
        assert_eq!(relative(&cwd, Path::new("a/b.go")), "a/b.go");
        assert_eq!(relative(Path::new("x"), Path::new("x/y/z.rs")), "y/z.rs");
        assert_eq!(
            relative(Path::new("/nowhere/root"), Path::new("/elsewhere/a.go")),
            "/elsewhere/a.go"
        );
    }
}
