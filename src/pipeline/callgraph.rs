//! The call graph after the walk: the files the walk did not parse whose unit turns out to
//! hold an entry function are read again, and, unit by unit, the call-path rules evaluated.
//!
//! Owns how the walk remembers those files (their paths alone) and how many of the functions
//! parsed during the walk are held until their unit is complete.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::Collected;
use crate::audit::FileError;
use crate::engine::{Engine, FileResult, GraphFn};
use crate::walk;

/// Evaluated unit by unit, the call graph holds the functions files give during the walk up to
/// about this many bytes; past it, a file's functions are dropped and the file is read again
/// with the rest of its unit, so memory stays bounded on any tree at the cost of parsing some
/// files twice.
pub(super) const GRAPH_HELD_MAX: usize = 4 << 20;

/// About how many bytes `fns` hold.
pub(super) fn graph_size(fns: &[GraphFn]) -> usize {
    fns.iter()
        .map(|f| {
            let strings = f.file.len() + f.unit.len() + f.name.len();
            let calls: usize = f
                .calls
                .iter()
                .map(|c| {
                    std::mem::size_of_val(c)
                        + c.callee.len()
                        + c.qualifier.as_ref().map_or(0, String::len)
                })
                .sum();
            std::mem::size_of::<GraphFn>() + strings + calls
        })
        .sum()
}

/// The files read but not parsed whose functions the call graph may want (their unit turns
/// out to hold an entry): every file of the tree when call-path rules apply, so each is kept as
/// the bytes of its path alone (relative to the root when under it), one after another. Its
/// shown path and its unit follow from the path as the walk derived them.
#[derive(Default)]
pub struct Deferred {
    /// Paths, each ended by a NUL byte (which no path holds).
    paths: Vec<u8>,
    /// How many paths are in `paths`.
    count: usize,
    /// The index in `results` of the kept result of the deferred file with this number.
    slots: std::collections::HashMap<usize, usize>,
}

impl Deferred {
    pub(super) fn push(&mut self, root: &Path, path: &Path, slot: Option<usize>) {
        let short = path.strip_prefix(root).unwrap_or(path);
        self.paths
            .extend_from_slice(short.as_os_str().as_encoded_bytes());
        self.paths.push(0);
        if let Some(slot) = slot {
            self.slots.insert(self.count, slot);
        }
        self.count += 1;
    }

    /// Every deferred file: its path, and the index of its kept result.
    fn files<'a>(&'a self, root: &'a Path) -> impl Iterator<Item = (PathBuf, Option<usize>)> + 'a {
        self.paths
            .split(|&b| b == 0)
            .take(self.count)
            .enumerate()
            .map(move |(i, bytes)| {
                (
                    root.join(crate::walk::from_bytes(bytes)),
                    self.slots.get(&i).copied(),
                )
            })
    }
}

/// Call paths resolve within a unit (a Go package, a Rust crate), so the call graph needs
/// only the units that hold an entry function: their files that the prefilter did not parse
/// are read again, whole. Their results replace the prefiltered ones (a full read gives the
/// same findings, plus the functions).
///
/// With `by_unit` (nothing lists callers and callees), each unit's call-path rules are
/// evaluated as soon as its functions are known, and its calls are dropped: only the units
/// being evaluated hold theirs, and the functions of units without an entry are dropped at
/// once. The findings and warnings go to [`Collected::reach`].
pub(super) fn complete_graph(engine: &Engine, root: &Path, c: &mut Collected, by_unit: bool) {
    type Again = (String, PathBuf, Option<usize>);
    let mut work: std::collections::BTreeMap<String, (Vec<Again>, Vec<GraphFn>)> =
        Default::default();
    for (path, slot) in std::mem::take(&mut c.deferred).files(root) {
        // the shown path, language and unit, as the walk derived them from the path
        let rel = walk::relative(root, &path);
        let unit = crate::lang::Lang::from_path(&path).front().unit_of(&rel);
        if c.entry_units.contains(&unit) {
            work.entry(unit).or_default().0.push((rel, path, slot));
        }
    }
    if by_unit {
        // the functions taken during the walk join their unit's graph; those of units
        // without an entry can never be on a path
        for (_, r) in &mut c.results {
            for f in std::mem::take(&mut r.graph) {
                if c.entry_units.contains(&f.unit) {
                    work.entry(f.unit.clone()).or_default().1.push(f);
                }
            }
        }
    }
    let queue = Mutex::new(work.into_iter().collect::<Vec<_>>());
    let policy = engine.policy;
    // read on every core, as the walk does; each thread evaluates the units it completes
    let unit_done =
        |(unit, (again, mut fns)): (String, (Vec<Again>, Vec<GraphFn>)),
         reach: &mut crate::engine::reach::ByUnit,
         done: &mut Vec<(String, Option<usize>, Result<FileResult, String>)>| {
            for (rel, path, slot) in again {
                let lang = crate::lang::Lang::from_path(&path);
                let mut res = crate::walk::read_again(&path)
                    .map(|text| engine.check_file_full(&rel, lang, &text, &unit))
                    .map_err(|e| e.to_string());
                if by_unit && let Ok(r) = &mut res {
                    fns.append(&mut r.graph);
                }
                done.push((rel, slot, res));
            }
            if by_unit {
                reach.add(fns);
            }
        };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let (done, reach) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut reach = crate::engine::reach::ByUnit::new(policy);
                    let mut done = Vec::new();
                    while let Some(unit) = queue.lock().expect("unit queue lock").pop() {
                        unit_done(unit, &mut reach, &mut done);
                    }
                    (done, reach)
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut reach = crate::engine::reach::ByUnit::new(policy);
        for w in workers {
            let (done, r) = w.join().expect("call-graph reader");
            all.extend(done);
            reach.merge(r);
        }
        (all, reach)
    });
    for (rel, slot, res) in done {
        match (res, slot) {
            (Ok(res), Some(i)) => c.results[i].1 = res,
            (Ok(res), None) => c.results.push((rel, res)),
            (Err(e), _) => c.errors.push(FileError::unreadable(
                rel,
                None,
                format!("cannot read again for the call graph: {e}"),
            )),
        }
    }
    if by_unit {
        c.reach = Some(reach.finish());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Needs;

    #[test]
    fn deferred_files_come_back_with_their_paths_and_results() {
        let root = Path::new("/repo/root");
        let mut d = Deferred::default();
        d.push(root, &root.join("pkg/a.go"), None);
        d.push(root, Path::new("/elsewhere/b.go"), Some(7));
        #[cfg(unix)]
        let odd = root.join(crate::walk::from_bytes(b"pkg/r\xffx.go"));
        #[cfg(not(unix))]
        let odd = root.join("pkg/rx.go");
        d.push(root, &odd, Some(0));
        let back: Vec<(PathBuf, Option<usize>)> = d.files(root).collect();
        assert_eq!(
            back,
            [
                (root.join("pkg/a.go"), None),
                (PathBuf::from("/elsewhere/b.go"), Some(7)),
                (odd.clone(), Some(0)),
            ]
        );
        // the shown path follows from the path as the walk derived it
        assert_eq!(walk::relative(root, &back[0].0), "pkg/a.go");
        assert!(Deferred::default().files(root).next().is_none());
    }

    /// The call-path findings of a small tree, the walk's functions held up to `budget` bytes.
    fn reach_with_budget(budget: usize) -> (Vec<(String, u32, Vec<String>)>, usize) {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        let files = [
            (
                "a/ctl.go",
                "package a\n\nfunc reconcilePending() {\n\tstep()\n}\n",
            ),
            (
                "a/step.go",
                "package a\n\nfunc step() {\n\tcheckCooldown()\n}\n",
            ),
            (
                "b/ctl.go",
                "package b\n\nfunc reconcilePending() {\n\tisCooldownActive()\n}\n",
            ),
            (
                "c/x.go",
                "package c\n\nfunc step() {\n\tcheckCooldown()\n}\n",
            ),
        ];
        let policy = crate::policy::parse::parse_policy(
            "[[rule]]\nid = \"r\"\nkind = \"forbid-reach\"\nfrom = [\"reconcilePending\"]\n\
             to = ['(?i)cooldown']\n\
             [[rule]]\nid = \"s\"\nkind = \"forbid-symbol\"\nsymbols = [\"isCooldownActive\"]\n",
            "p.toml",
            None,
        )
        .unwrap();
        let engine = Engine::new(&policy, Needs::default());
        let mut c = Collected {
            by_unit: true,
            graph_budget: budget,
            ..Collected::default()
        };
        for (rel, src) in files {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, src).unwrap();
            let unit = crate::lang::Lang::Go.front().unit_of(rel);
            let res = engine.check_file(rel, crate::lang::Lang::Go, src, &unit);
            c.keep(root, &path, rel, &unit, res);
        }
        let held = c.results.iter().map(|(_, r)| r.graph.len()).sum();
        complete_graph(&engine, root, &mut c, true);
        let (findings, warnings) = c.reach.unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let rows = findings
            .iter()
            .map(|f| {
                let chain = f.chain.iter().map(|h| format!("{}:{}", h.file, h.function));
                (f.file.clone().unwrap(), f.line.unwrap(), chain.collect())
            })
            .collect();
        (rows, held)
    }

    #[test]
    fn functions_over_the_budget_are_read_again_with_the_same_findings() {
        let (kept, held) = reach_with_budget(usize::MAX);
        assert!(
            held > 0,
            "the entry files' functions are kept from the walk"
        );
        assert_eq!(
            kept,
            [
                (
                    "a/ctl.go".to_string(),
                    4,
                    vec![
                        "a/ctl.go:reconcilePending".to_string(),
                        "a/step.go:step".to_string(),
                        "a/step.go:checkCooldown".to_string(),
                    ]
                ),
                (
                    "b/ctl.go".to_string(),
                    4,
                    vec![
                        "b/ctl.go:reconcilePending".to_string(),
                        "b/ctl.go:isCooldownActive".to_string(),
                    ]
                ),
            ]
        );
        let (again, held) = reach_with_budget(0);
        assert_eq!(held, 0, "nothing held over the budget");
        assert_eq!(again, kept);
    }
}
