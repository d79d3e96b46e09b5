//! The walk: every file under the audited paths that the policy scope admits, read once,
//! handed to a callback on one of several threads.
//!
//! Owns which files are candidates (inside git: what git lists, see `listed`; elsewhere a
//! directory walk, see `tree`), ignore files (`rules`), hidden files, symbolic links (followed,
//! loops reported), excluded directories (never entered), the size cap, binary detection and
//! decoding (`read`), and how paths are shown (`path`). It knows nothing about rules.

mod listed;
mod once;
mod path;
mod read;
mod rules;
mod tree;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::audit::WarningCode;
use crate::lang::Lang;
use crate::policy::Globs;

pub use path::{escape, relative};
pub(crate) use path::{from_bytes, lexically_under};
pub(crate) use read::read_again;

#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// Audit files that ignore rules leave out (inside git: untracked ignored files too).
    pub no_ignore: bool,
    /// Also honour `.ignore` and `.rgignore` files.
    pub use_ignore_files: bool,
    pub hidden: bool,
    pub follow_links: bool,
    /// Files larger than this are not read and make the verdict incomplete; `0`: no cap.
    pub max_filesize: u64,
    /// `0`: one per core; at most [`MAX_THREADS_PER_CORE`] per core.
    pub threads: usize,
}

/// The default size cap (`--max-filesize`).
pub const DEFAULT_MAX_FILESIZE: u64 = 8 * 1024 * 1024;

/// `-j` beyond this many threads per core is clamped (with a warning): more threads only add
/// start-up and contention.
pub const MAX_THREADS_PER_CORE: usize = 8;

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            no_ignore: false,
            use_ignore_files: false,
            hidden: false,
            follow_links: true,
            max_filesize: DEFAULT_MAX_FILESIZE,
            threads: 0,
        }
    }
}

/// One file in scope, read.
pub struct SourceFile<'a> {
    /// The file's path: its identity (two files never share it, whatever their names show).
    pub path: &'a Path,
    /// `/`-separated, relative to the root, bytes that are not UTF-8 escaped (see [`escape`]).
    pub rel: &'a str,
    pub lang: Lang,
    pub text: &'a str,
}

/// A file in scope the walk met, whether or not it could read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileId {
    pub path: PathBuf,
    pub rel: String,
    pub lang: Lang,
}

/// Something the walk met other than a readable text file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A file in scope whose content is not audited: `binary` (not a source file, NUL bytes),
    /// `too-large` (over `--max-filesize`), `symlink` (`--no-follow`), `not-a-file` (a FIFO,
    /// a socket, a device).
    Skipped { file: FileId, reason: &'static str },
    /// A file in scope that could not be read: the verdict cannot be trusted.
    Unreadable { file: FileId, message: String },
    /// Something else that could not be read (a directory that may hold files in scope).
    Error { rel: String, message: String },
    /// Not fatal: a symbolic link loop (its target is audited once, through its real path), a
    /// bad ignore file, text that is not UTF-8, a clamped thread count.
    Warning {
        rel: Option<String>,
        line: Option<u32>,
        code: WarningCode,
        message: String,
    },
    /// A file in scope left out by an ignore rule.
    Ignored { path: PathBuf },
}

/// What the walk asks about paths, both relative to the root: is this file in scope; is this
/// directory (or one it is in) excluded whole, so that it is never entered.
pub struct Filter<'a> {
    pub file: &'a (dyn Fn(&str) -> bool + Sync),
    pub prune: &'a (dyn Fn(&str) -> bool + Sync),
}

/// The directories an exclude list removes whole: a pattern ending in `/**` whose prefix
/// matches the directory (`vendor/**` prunes `vendor`; `**/testdata/**` every `testdata`).
/// Read relative to the globs' base, as the globs are.
pub struct DirPruner {
    set: Option<GlobSet>,
    base: String,
}

impl DirPruner {
    pub fn new(exclude: Option<&Globs>) -> DirPruner {
        let Some(g) = exclude else {
            return DirPruner {
                set: None,
                base: String::new(),
            };
        };
        let mut b = GlobSetBuilder::new();
        let mut any = false;
        for p in &g.patterns {
            // a pattern with a `/` is anchored at the base (see `policy::parse::build_glob`)
            if let Some(prefix) = p.strip_suffix("/**")
                && !prefix.is_empty()
                && let Ok(glob) = GlobBuilder::new(prefix.trim_start_matches("./"))
                    .literal_separator(true)
                    .build()
            {
                b.add(glob);
                any = true;
            }
        }
        DirPruner {
            set: any.then(|| b.build().ok()).flatten(),
            base: g.base.clone(),
        }
    }

    /// Whether the directory `rel` (relative to the root, no trailing `/`), or one of the
    /// directories it is in, is excluded whole.
    pub fn is_pruned(&self, rel: &str) -> bool {
        let Some(set) = &self.set else {
            return false;
        };
        let Some(r) = rel.strip_prefix(self.base.as_str()) else {
            return false;
        };
        let ends = r.match_indices('/').map(|(i, _)| i).chain([r.len()]);
        ends.filter(|&i| i > 0).any(|i| set.is_match(&r[..i]))
    }
}

/// What every part of the walk shares.
pub(crate) struct Ctx<'a> {
    pub root: &'a Path,
    pub opts: &'a WalkOptions,
    pub filter: &'a Filter<'a>,
    pub visit: &'a (dyn Fn(SourceFile) + Sync),
    pub event: &'a (dyn Fn(Event) + Sync),
    pub threads: usize,
}

/// The number of threads for `-j requested` on this machine: one per core by default, at most
/// [`MAX_THREADS_PER_CORE`] per core (a larger request is clamped, with a warning).
fn thread_count(requested: usize, event: &(dyn Fn(Event) + Sync)) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max = cores.saturating_mul(MAX_THREADS_PER_CORE);
    match requested {
        0 => cores,
        n if n > max => {
            event(Event::Warning {
                rel: None,
                line: None,
                code: WarningCode::Walk,
                message: format!(
                    "-j {n} is more than {MAX_THREADS_PER_CORE} threads per core ({cores} core(s)): using {max}"
                ),
            });
            max
        }
        n => n,
    }
}

/// Reports the problems met in ignore files as warnings.
pub(crate) fn report_rule_problems(ctx: &Ctx, rules: &rules::IgnoreRules) {
    for (file, message) in rules.take_problems() {
        (ctx.event)(Event::Warning {
            rel: Some(relative(ctx.root, &file)),
            line: None,
            code: WarningCode::Walk,
            message,
        });
    }
}

/// Walks `paths`, reading every file in scope in parallel: `visit` gets every readable file,
/// `event` everything else. Both may run on any thread. Inside a git work tree the files are
/// those git lists (tracked, and untracked but not ignored); elsewhere a directory walk that
/// honours `.gitignore`. A file named as a path is read whatever the ignore files say. Each
/// file is handed out once, however many of the paths (or linked directories) lead to it.
pub fn walk(
    root: &Path,
    paths: &[PathBuf],
    opts: &WalkOptions,
    filter: &Filter,
    visit: &(dyn Fn(SourceFile) + Sync),
    event: &(dyn Fn(Event) + Sync),
) {
    let once = once::Once::new(root, paths);
    let visit_once = |f: SourceFile| {
        if once.first(f.path) {
            visit(f);
        }
    };
    let event_once = |e: Event| {
        let first = match &e {
            Event::Skipped { file, .. } | Event::Unreadable { file, .. } => once.first(&file.path),
            Event::Ignored { path } => once.first_ignored(path),
            _ => true,
        };
        if first {
            event(e);
        }
    };
    let ctx = Ctx {
        root,
        opts,
        filter,
        visit: &visit_once,
        event: &event_once,
        threads: thread_count(opts.threads, event),
    };
    // (directory or file, whether git listed it as one entry: a nested repository)
    let mut pending: Vec<(PathBuf, bool)> =
        paths.iter().map(|p| (path::absolute(p), false)).collect();
    let mut done: HashSet<PathBuf> = HashSet::new();
    while !pending.is_empty() {
        let mut out = listed::Listed::default();
        let mut trees = Vec::new();
        // directories git listed: their untracked and ignored files are listed while the
        // tracked ones are read
        let mut repos = Vec::new();
        for (p, nested) in std::mem::take(&mut pending) {
            let is_dir = std::fs::metadata(&p).is_ok_and(|m| m.is_dir());
            if !is_dir {
                let p = canonical_parent(&p);
                let rel = relative(root, &p);
                if (filter.file)(&rel) {
                    out.files.push(root, &p, false);
                }
                continue;
            }
            let canon = p.canonicalize().unwrap_or_else(|_| p.clone());
            if !done.insert(canon.clone()) {
                continue;
            }
            // a directory git listed as one entry is listed on its own only when it is a
            // repository itself (a submodule that is not checked out is empty)
            let own_repo = !nested
                || crate::git::toplevel(&p)
                    .is_some_and(|t| t.canonicalize().is_ok_and(|t| t == canon));
            match own_repo
                .then(|| listed::list_tracked(&ctx, &p, &mut out))
                .flatten()
            {
                Some(dir) => repos.push(dir),
                None => trees.push(p),
            }
        }
        if !repos.is_empty() {
            // a listing may lead to linked directories whose real paths were listed already
            once.record_all();
        }
        let (dirs, untracked) = std::thread::scope(|s| {
            let count = || {
                if !opts.no_ignore {
                    for dir in &repos {
                        listed::count_ignored(&ctx, dir);
                    }
                }
            };
            let others = || {
                let mut o = listed::Listed::default();
                for dir in &repos {
                    listed::list_untracked(&ctx, dir, &mut o);
                }
                o
            };
            let counting = std::thread::Builder::new().spawn_scoped(s, count);
            let listing = std::thread::Builder::new().spawn_scoped(s, others);
            let mut dirs = listed::read_all(&ctx, &out.files);
            let untracked = match listing {
                Ok(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                Err(_) => others(),
            };
            dirs.extend(listed::read_all(&ctx, &untracked.files));
            if counting.is_err() {
                count();
            }
            (dirs, untracked)
        });
        tree::walk(&ctx, &trees);
        for d in out.dirs.into_iter().chain(untracked.dirs) {
            pending.push((d, true));
        }
        // symbolic links to directories
        for d in dirs.into_iter().chain(out.links).chain(untracked.links) {
            let rel = relative(root, &d);
            if (filter.prune)(&rel) {
                continue;
            }
            if is_loop(&d) {
                event(Event::Warning {
                    rel: Some(rel),
                    line: None,
                    code: WarningCode::Walk,
                    message: "symbolic link loop: not followed again".into(),
                });
            } else {
                pending.push((d, false));
            }
        }
    }
}

/// `p` with its directory resolved (the file name kept): a file named on the command line gets
/// the same path as when git lists it.
fn canonical_parent(p: &Path) -> PathBuf {
    match (p.parent(), p.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map(|d| d.join(name))
            .unwrap_or_else(|_| p.to_path_buf()),
        _ => p.to_path_buf(),
    }
}

/// Whether the symbolic link `link` points at one of its own ancestors.
fn is_loop(link: &Path) -> bool {
    match (link.canonicalize(), link.parent().map(Path::canonicalize)) {
        (Ok(target), Some(Ok(parent))) => parent.starts_with(&target),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(patterns: &[&str], base: &str) -> Globs {
        let mut g = crate::policy::parse::compile_globs(patterns.iter().copied()).unwrap();
        g.base = base.into();
        g
    }

    #[test]
    fn directories_are_pruned_only_when_everything_below_is_excluded() {
        let g = globs(
            &["vendor/**", "**/testdata/**", "vendor/*.go", "*.pb.go"],
            "",
        );
        let p = DirPruner::new(Some(&g));
        assert!(p.is_pruned("vendor"));
        assert!(p.is_pruned("vendor/lib/loop"));
        assert!(p.is_pruned("testdata"));
        assert!(p.is_pruned("a/b/testdata"));
        assert!(!p.is_pruned("a/vendor"), "anchored at the base");
        assert!(!p.is_pruned("pkg"));
        assert!(!p.is_pruned("vendorx"));
        // anchored at the policy's directory
        let g = globs(&["vendor/**"], "svc/");
        let p = DirPruner::new(Some(&g));
        assert!(p.is_pruned("svc/vendor"));
        assert!(!p.is_pruned("vendor"));
        assert!(!p.is_pruned("svc"));
        assert!(!DirPruner::new(None).is_pruned("vendor"));
    }
}
