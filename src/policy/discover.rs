//! Which policy applies: `--policy FILE`, else `routeaudit.toml` in the audited directory or
//! one of its ancestors (like `.golangci.yml`), else the builtin `pure-executor` pack.

use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "routeaudit.toml";

/// Where the policy comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicySource {
    File(PathBuf),
    Builtin(&'static str),
}

/// Searches `start` (a directory, or a file's directory) and its ancestors.
pub fn discover(start: &Path) -> PolicySource {
    let abs = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if abs.is_dir() {
        Some(abs.as_path())
    } else {
        abs.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        // anything but a directory counts as found, so that a FIFO or device named
        // `routeaudit.toml` is refused by the reader rather than silently skipped
        if std::fs::metadata(&candidate).is_ok_and(|m| !m.is_dir()) {
            // show the path as the user would write it, relative to the start when possible
            return PolicySource::File(relative_to_cwd(&candidate));
        }
        dir = d.parent();
    }
    PolicySource::Builtin("pure-executor")
}

fn relative_to_cwd(p: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_ancestor_file() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(tmp.path().join("a").join(FILE_NAME), "").unwrap();
        match discover(&deep) {
            PolicySource::File(p) => assert!(p.ends_with("a/routeaudit.toml"), "{p:?}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_directory_named_like_the_policy_is_not_a_policy() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("a/b");
        std::fs::create_dir_all(deep.join(FILE_NAME)).unwrap();
        std::fs::write(tmp.path().join("a").join(FILE_NAME), "").unwrap();
        match discover(&deep) {
            PolicySource::File(p) => assert!(p.ends_with("a/routeaudit.toml"), "{p:?}"),
            other => panic!("{other:?}"),
        }
    }
}
