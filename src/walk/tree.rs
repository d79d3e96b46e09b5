//! Directory walks with the `ignore` crate, for trees that git does not list: paths outside
//! any repository and symbolic links to directories.
//!
//! The crate's own ignore handling is off: [`IgnoreRules`] decides, so that every file an
//! ignore file leaves out is still counted. Excluded directories are pruned before they are
//! read, and problems under them (or outside the scope) are not problems of the audit.

use ignore::{WalkBuilder, WalkState};
use std::path::PathBuf;

use super::read::read_one;
use super::rules::IgnoreRules;
use super::{Ctx, Event, FileId, relative};
use crate::audit::WarningCode;
use crate::lang::Lang;

/// Walks `roots` (absolute, lexical) in parallel, reading every file in scope.
pub(crate) fn walk(ctx: &Ctx, roots: &[PathBuf]) {
    let Some((first, rest)) = roots.split_first() else {
        return;
    };
    let rules = (!ctx.opts.no_ignore).then(|| {
        let mut names = vec![".gitignore"];
        if ctx.opts.use_ignore_files {
            names.extend([".ignore", ".rgignore"]);
        }
        IgnoreRules::new(names, roots.to_vec(), None)
    });
    let mut b = WalkBuilder::new(first);
    for p in rest {
        b.add(p);
    }
    b.standard_filters(false)
        .hidden(!ctx.opts.hidden)
        .follow_links(ctx.opts.follow_links)
        .threads(ctx.threads);
    let rules = rules.as_ref();
    b.build_parallel().run(|| {
        // one read buffer per walker thread, reused for every file it reads
        let mut buf: Vec<u8> = Vec::new();
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    report_error(ctx, rules, err);
                    return WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            if ft.is_dir() {
                // an excluded tree is never read
                return if entry.depth() > 0 && (ctx.filter.prune)(&relative(ctx.root, entry.path()))
                {
                    WalkState::Skip
                } else {
                    WalkState::Continue
                };
            }
            let path = entry.path();
            let rel = relative(ctx.root, path);
            if !(ctx.filter.file)(&rel) {
                return WalkState::Continue;
            }
            if rules.is_some_and(|r| r.file_ignored(path)) {
                (ctx.event)(Event::Ignored {
                    path: path.to_path_buf(),
                });
                return WalkState::Continue;
            }
            if ft.is_file() {
                read_one(ctx, path, &rel, &mut buf);
            } else {
                let reason = if ft.is_symlink() {
                    "symlink"
                } else {
                    "not-a-file"
                };
                (ctx.event)(Event::Skipped {
                    file: FileId {
                        path: path.to_path_buf(),
                        rel,
                        lang: Lang::from_path(path),
                    },
                    reason,
                });
            }
            WalkState::Continue
        })
    });
    if let Some(r) = rules {
        super::report_rule_problems(ctx, r);
    }
}

/// A problem the walk met. A symbolic link loop is a warning; a path that is outside the scope
/// or left out by an ignore file is nothing; anything else makes the verdict untrustworthy.
fn report_error(ctx: &Ctx, rules: Option<&IgnoreRules>, err: ignore::Error) {
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
            _ => break,
        }
    }
    if let ignore::Error::Loop { child, .. } = cur {
        (ctx.event)(Event::Warning {
            rel: Some(relative(ctx.root, child)),
            line: None,
            code: WarningCode::Walk,
            message: "symbolic link loop: not followed again".into(),
        });
        return;
    }
    let Some(p) = path else {
        (ctx.event)(Event::Error {
            rel: String::new(),
            message: cur.to_string(),
        });
        return;
    };
    let rel = relative(ctx.root, &p);
    if rules.is_some_and(|r| r.dir_ignored(&p) || r.file_ignored(&p)) {
        return;
    }
    match std::fs::metadata(&p) {
        // a directory that cannot be listed may hold sources, unless it is excluded; the path
        // is printed beside the message, so the message is the cause alone
        Ok(m) if m.is_dir() && !(ctx.filter.prune)(&rel) => (ctx.event)(Event::Error {
            rel,
            message: cur.to_string(),
        }),
        Ok(m) if m.is_dir() => {}
        // a dangling link or a file that cannot be examined: a problem only when in scope
        _ if (ctx.filter.file)(&rel) => {
            let dangling = std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_symlink());
            (ctx.event)(Event::Unreadable {
                file: FileId {
                    lang: Lang::from_path(&p),
                    path: p,
                    rel,
                },
                message: if dangling {
                    "cannot read: dangling symbolic link".into()
                } else {
                    format!("cannot read: {cur}")
                },
            });
        }
        _ => {}
    }
}
