//! Ignore files read by the walk itself: `.gitignore` outside a git repository, and `.ignore` /
//! `.rgignore` when `--use-ignore-files` asks for them.
//!
//! Owns the hierarchy: a file is ignored by the nearest ignore file that says anything about it
//! (within one directory `.rgignore` wins over `.ignore`, which wins over `.gitignore`), and
//! everything under an ignored directory is ignored. The walk still sees ignored files, so the
//! audit can say how many it left out. Matching itself is the `ignore` crate's.

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The ignore files of one directory and whether the directory itself is ignored.
struct DirState {
    /// In precedence order.
    matchers: Vec<Gitignore>,
    ignored: bool,
    parent: Option<Arc<DirState>>,
}

/// How many directories [`IgnoreRules`] remembers at most. A walk works on a few directories
/// at a time, so the ones it needs again are nearly always among the last ones met.
const CACHE_LIMIT: usize = 1024;

pub(crate) struct IgnoreRules {
    /// File names read in every directory, in precedence order.
    names: Vec<&'static str>,
    /// The walk roots (absolute, lexical): never ignored themselves, nor their ancestors.
    roots: Vec<PathBuf>,
    /// Ignore files above this directory are not read (`None`: read up to the file-system root).
    stop: Option<PathBuf>,
    /// The directories met lately; emptied when it holds [`CACHE_LIMIT`] of them, so memory
    /// does not grow with the tree (a directory met again is read again, with the same result).
    cache: Mutex<HashMap<PathBuf, Arc<DirState>>>,
    /// Ignore files that could not be read in full: (file, message), reported once each.
    problems: Mutex<Vec<(PathBuf, String)>>,
}

impl IgnoreRules {
    pub(crate) fn new(
        names: Vec<&'static str>,
        roots: Vec<PathBuf>,
        stop: Option<PathBuf>,
    ) -> Self {
        IgnoreRules {
            names,
            roots,
            stop,
            cache: Mutex::default(),
            problems: Mutex::default(),
        }
    }

    /// Whether the file at `path` (absolute, lexical) is left out by an ignore file.
    pub(crate) fn file_ignored(&self, path: &Path) -> bool {
        match path.parent() {
            Some(dir) => {
                let state = self.dir(dir);
                state.ignored || decide(&state, path, false) == Some(true)
            }
            None => false,
        }
    }

    /// Whether `path` is a directory left out by an ignore file, or lies under one.
    pub(crate) fn dir_ignored(&self, path: &Path) -> bool {
        self.dir(path).ignored
    }

    /// The problems met in ignore files since the last call.
    pub(crate) fn take_problems(&self) -> Vec<(PathBuf, String)> {
        std::mem::take(&mut *self.problems.lock().expect("ignore problems lock"))
    }

    fn dir(&self, dir: &Path) -> Arc<DirState> {
        if let Some(s) = self.cache.lock().expect("ignore cache lock").get(dir) {
            return s.clone();
        }
        let parent = dir.parent().map(|p| self.dir(p));
        let named = self.roots.iter().any(|r| r.starts_with(dir));
        let ignored = !named
            && parent
                .as_ref()
                .is_some_and(|p| p.ignored || decide(p, dir, true) == Some(true));
        let read_here = self.stop.as_ref().is_none_or(|s| dir.starts_with(s));
        let matchers = if read_here && !ignored {
            self.load(dir)
        } else {
            Vec::new()
        };
        let state = Arc::new(DirState {
            matchers,
            ignored,
            parent,
        });
        let mut cache = self.cache.lock().expect("ignore cache lock");
        if cache.len() >= CACHE_LIMIT {
            // the states in use stay alive through their `Arc`s and their children's parents
            *cache = HashMap::new();
        }
        cache.entry(dir.to_path_buf()).or_insert(state).clone()
    }

    fn load(&self, dir: &Path) -> Vec<Gitignore> {
        let mut out = Vec::new();
        for name in &self.names {
            let file = dir.join(name);
            if !file.is_file() {
                continue;
            }
            let mut b = GitignoreBuilder::new(dir);
            if let Some(e) = b.add(&file) {
                self.problem(&file, e.to_string());
            }
            match b.build() {
                Ok(g) => out.push(g),
                Err(e) => self.problem(&file, e.to_string()),
            }
        }
        out
    }

    /// Records a problem with an ignore file, once however often the file is read.
    fn problem(&self, file: &Path, message: String) {
        let mut problems = self.problems.lock().expect("ignore problems lock");
        if !problems.iter().any(|(f, m)| f == file && *m == message) {
            problems.push((file.to_path_buf(), message));
        }
    }
}

/// What the ignore files from `state` upwards say about `path`: `Some(true)` ignored,
/// `Some(false)` re-included, `None` nothing.
fn decide(state: &DirState, path: &Path, is_dir: bool) -> Option<bool> {
    let mut cur = Some(state);
    while let Some(s) = cur {
        for m in &s.matchers {
            match m.matched(path, is_dir) {
                Match::None => {}
                Match::Ignore(_) => return Some(true),
                Match::Whitelist(_) => return Some(false),
            }
        }
        cur = s.parent.as_deref();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_file_decides_and_ignored_directories_hide_everything_below() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("root");
        std::fs::create_dir_all(root.join("a/build/deep")).unwrap();
        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::write(root.join(".gitignore"), "*.gen.go\nbuild/\n").unwrap();
        std::fs::write(root.join("b/.gitignore"), "!keep.gen.go\n").unwrap();
        std::fs::write(root.join("b/.ignore"), "routing.go\n").unwrap();
        // above the root: read too, as the ignore crate does outside git
        std::fs::write(t.path().join(".gitignore"), "top.go\n").unwrap();
        let rules = IgnoreRules::new(vec![".gitignore"], vec![root.clone()], None);
        assert!(rules.file_ignored(&root.join("x.gen.go")));
        assert!(!rules.file_ignored(&root.join("b/keep.gen.go")));
        assert!(rules.file_ignored(&root.join("b/other.gen.go")));
        assert!(rules.file_ignored(&root.join("a/build/deep/x.go")));
        assert!(rules.dir_ignored(&root.join("a/build")));
        assert!(rules.file_ignored(&root.join("top.go")));
        assert!(
            !rules.file_ignored(&root.join("b/routing.go")),
            ".ignore not asked for"
        );
        assert!(!rules.dir_ignored(&root));

        let with_ignore = IgnoreRules::new(vec![".ignore"], vec![root.clone()], Some(root.clone()));
        assert!(with_ignore.file_ignored(&root.join("b/routing.go")));
        assert!(
            !with_ignore.file_ignored(&root.join("top.go")),
            "stops at the root"
        );
    }

    #[test]
    fn answers_and_problems_stay_the_same_when_the_cache_is_emptied() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("root");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join(".gitignore"), "*.gen.go\n").unwrap();
        // a pattern the matcher rejects: one problem, however often the file is read
        std::fs::create_dir_all(root.join("bad")).unwrap();
        std::fs::write(root.join("bad/.gitignore"), "a{b\n").unwrap();
        let dirs = CACHE_LIMIT + 50;
        for i in 0..dirs {
            std::fs::create_dir_all(root.join(format!("d{i}"))).unwrap();
        }
        let rules = IgnoreRules::new(vec![".gitignore"], vec![root.clone()], None);
        for round in 0..2 {
            for i in 0..dirs {
                let d = root.join(format!("d{i}"));
                assert!(
                    rules.file_ignored(&d.join("x.gen.go")),
                    "round {round}, d{i}"
                );
                assert!(!rules.file_ignored(&d.join("x.go")), "round {round}, d{i}");
                assert!(!rules.file_ignored(&root.join("bad/x.go")));
            }
        }
        assert!(rules.cache.lock().unwrap().len() <= CACHE_LIMIT);
        let problems = rules.take_problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, root.join("bad/.gitignore"));
    }
}
