//! Each file handed out once: when the audited paths overlap (`check . internal`, a file named
//! twice) or a linked directory leads back into the tree, the same path is met more than once.
//!
//! Owns the record of the paths met so far, kept small: a path is recorded only when another
//! source could meet it too. Outside git the sources are the audited paths alone, and a path
//! under only one of them is never recorded, so memory does not grow with the tree. A git
//! listing may lead to linked directories listed again through their real paths; once one is
//! met, every path is recorded.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

pub(crate) struct Once {
    /// Each audited path in every form the walk may write the paths under it (as typed made
    /// absolute, resolved, its directory resolved), with the index of the audited path.
    prefixes: Vec<(usize, PathBuf)>,
    /// Record every path, not only those under two audited paths.
    all: AtomicBool,
    /// Paths are recorded relative to this directory when under it (shorter to keep).
    root: PathBuf,
    seen: Mutex<HashSet<Box<Path>>>,
    ignored: Mutex<HashSet<Box<Path>>>,
}

impl Once {
    pub(crate) fn new(root: &Path, paths: &[PathBuf]) -> Once {
        let mut prefixes = Vec::new();
        for (i, p) in paths.iter().enumerate() {
            let abs = super::path::absolute(p);
            let mut forms = vec![abs.clone(), super::canonical_parent(&abs)];
            if let Ok(c) = abs.canonicalize() {
                forms.push(c);
            }
            forms.sort();
            forms.dedup();
            prefixes.extend(forms.into_iter().map(|f| (i, f)));
        }
        Once {
            prefixes,
            all: AtomicBool::new(false),
            root: root.to_path_buf(),
            seen: Mutex::default(),
            ignored: Mutex::default(),
        }
    }

    /// From now on every path is recorded (sources other than the audited paths may follow).
    pub(crate) fn record_all(&self) {
        self.all.store(true, Ordering::Relaxed);
    }

    /// Whether another source than the one that met `p` may meet it too: it lies under two of
    /// the audited paths.
    fn shared(&self, p: &Path) -> bool {
        if self.all.load(Ordering::Relaxed) {
            return true;
        }
        let mut under = self
            .prefixes
            .iter()
            .filter(|(_, prefix)| p.starts_with(prefix))
            .map(|&(i, _)| i);
        under
            .next()
            .is_some_and(|first| under.any(|other| other != first))
    }

    /// How `p` is recorded: relative to the root when under it, else whole. Two paths are
    /// recorded alike exactly when they are the same path (a relative key never equals an
    /// absolute one).
    fn key(&self, p: &Path) -> Box<Path> {
        p.strip_prefix(&self.root).unwrap_or(p).into()
    }

    /// Whether the file at `p` is met for the first time.
    pub(crate) fn first(&self, p: &Path) -> bool {
        !self.shared(p) || self.seen.lock().expect("seen lock").insert(self.key(p))
    }

    /// Whether the file at `p`, left out by an ignore rule, is met so for the first time.
    pub(crate) fn first_ignored(&self, p: &Path) -> bool {
        !self.shared(p)
            || self
                .ignored
                .lock()
                .expect("ignored lock")
                .insert(self.key(p))
    }

    /// How many paths are recorded (for tests).
    #[cfg(test)]
    fn recorded(&self) -> usize {
        self.seen.lock().expect("seen lock").len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_under_two_audited_paths_are_recorded() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("pkg/sub")).unwrap();
        std::fs::create_dir_all(root.join("other")).unwrap();
        std::fs::write(root.join("pkg/a.go"), "package pkg\n").unwrap();
        let once = Once::new(
            &root,
            &[root.clone(), root.join("pkg"), root.join("pkg/a.go")],
        );
        // under the root only: never recorded, so met again it still counts as new
        assert!(once.first(&root.join("other/x.go")));
        assert!(once.first(&root.join("other/x.go")));
        assert_eq!(once.recorded(), 0);
        // under the root and `pkg`: once
        assert!(once.first(&root.join("pkg/sub/y.go")));
        assert!(!once.first(&root.join("pkg/sub/y.go")));
        assert!(once.first(&root.join("pkg/a.go")));
        assert!(!once.first(&root.join("pkg/a.go")));
        assert_eq!(once.recorded(), 2);
        // ignored files are counted apart from the files met
        assert!(once.first_ignored(&root.join("pkg/a.go")));
        assert!(!once.first_ignored(&root.join("pkg/a.go")));
        // after a git listing, everything
        once.record_all();
        assert!(once.first(&root.join("other/z.go")));
        assert!(!once.first(&root.join("other/z.go")));
    }

    #[test]
    fn a_file_named_twice_and_a_directory_typed_two_ways_are_one() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("d")).unwrap();
        let file = root.join("d/a.go");
        std::fs::write(&file, "package d\n").unwrap();
        let once = Once::new(&root, &[file.clone(), root.join("d/../d/a.go")]);
        assert!(once.first(&file));
        assert!(!once.first(&file));
        // one directory, typed once: its own forms do not make its files shared
        let once = Once::new(&root, &[root.join("d/.")]);
        assert!(once.first(&file));
        assert!(once.first(&file));
        // recorded relative to the root, or whole outside it: never two paths as one
        once.record_all();
        assert!(once.first(&file));
        assert!(!once.first(&file));
        assert!(once.first(Path::new("/d/a.go")));
        assert!(once.first(&root.join("x/d/a.go")));
        assert!(!once.first(Path::new("/d/a.go")));
    }
}
