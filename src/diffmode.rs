//! Diff mode: which lines of the audited tree were added or changed since a git revision
//! (working-tree changes and untracked files included). Uses the `git` command line.
//!
//! Outside a repository, or with a revision git does not know, it is an error: a gate must
//! never fall back to a silent full scan.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::error::Error;
use crate::git;

/// Lines changed since the revision, by path relative to the audited root.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    /// `None` for a file that is new as a whole (untracked or added).
    pub files: HashMap<String, Option<HashSet<u32>>>,
}

impl Changes {
    pub(crate) fn is_changed(&self, file: &str, line: u32) -> bool {
        match self.files.get(file) {
            Some(None) => true,
            Some(Some(lines)) => lines.contains(&line),
            None => false,
        }
    }
}

/// Lines added or changed since `rev` (working tree and untracked files included), for files
/// under `root`, keyed by path relative to `root`.
pub(crate) fn changes_since(root: &Path, rev: &str) -> Result<Changes, Error> {
    let commit = git::resolve_commit(root, rev)?;
    // the audited root as a path inside the repository (`""` at the top, else `dir/`)
    let prefix = git::show_prefix(root)?;
    let diff = git::diff_unified0(root, &commit)?;
    let mut changes = parse_diff(&String::from_utf8_lossy(&diff), &prefix);
    for p in git::untracked(root)? {
        if let Some(rel) = p.strip_prefix(&prefix) {
            changes.files.insert(rel.to_string(), None);
        }
    }
    Ok(changes)
}

/// Reads a `git diff --unified=0` by its structure: a `diff --git` header, its extended
/// header lines up to `+++`, then hunks whose `@@ -a,b +c,d @@` counts say how many of the
/// following lines belong to them. A changed line that itself starts with `++ ` or `diff `
/// (a raw string, a comment, a YAML block) is therefore never taken for a header.
fn parse_diff(diff: &str, prefix: &str) -> Changes {
    let mut changes = Changes::default();
    let mut current: Option<String> = None;
    // lines of the current hunk still to come: (old side, new side)
    let mut left = (0u32, 0u32);
    let mut in_header = false;
    for line in diff.lines() {
        if left.0 > 0 || left.1 > 0 {
            match line.as_bytes().first() {
                Some(b'-') => left.0 = left.0.saturating_sub(1),
                Some(b'+') => left.1 = left.1.saturating_sub(1),
                Some(b' ') => {
                    left.0 = left.0.saturating_sub(1);
                    left.1 = left.1.saturating_sub(1);
                }
                // `\ No newline at end of file`
                _ => {}
            }
            continue;
        }
        if line.starts_with("diff --git ") {
            current = None;
            in_header = true;
        } else if in_header && let Some(path) = line.strip_prefix("+++ ") {
            // git ends a name holding a space with a tab, and quotes names with control
            // characters, quotes or backslashes C-style
            let path = path.trim_end_matches('\t');
            let path = if path.starts_with('"') {
                unquote(path)
            } else {
                path.to_string()
            };
            current = (path != "/dev/null").then(|| {
                let p = path.strip_prefix("b/").unwrap_or(&path);
                p.strip_prefix(prefix).unwrap_or(p).to_string()
            });
        } else if let Some(h) = line.strip_prefix("@@ ") {
            in_header = false;
            let mut counts = h.split_whitespace().take(2).map(|t| {
                let mut it = t[1..].splitn(2, ',');
                let start: u32 = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
                let count: u32 = it.next().and_then(|s| s.parse().ok()).unwrap_or(1);
                (start, count)
            });
            let old = counts.next().unwrap_or((0, 0));
            let (start, count) = counts.next().unwrap_or((0, 0));
            left = (old.1, count);
            let Some(file) = &current else { continue };
            let entry = changes
                .files
                .entry(file.clone())
                .or_insert_with(|| Some(HashSet::new()));
            if let Some(set) = entry {
                set.extend(start..start.saturating_add(count));
            }
        }
    }
    changes
}

/// Undoes git's C-style quoting of a path: `"b/\303\274ber.go"` -> `b/über.go`.
fn unquote(q: &str) -> String {
    let inner = q
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(q);
    let mut bytes = Vec::with_capacity(inner.len());
    let mut it = inner.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'r') => bytes.push(b'\r'),
            Some(b'a') => bytes.push(7),
            Some(b'b') => bytes.push(8),
            Some(b'f') => bytes.push(12),
            Some(b'v') => bytes.push(11),
            Some(d @ b'0'..=b'7') => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(&n @ b'0'..=b'7') = it.peek() {
                        v = v * 8 + u32::from(n - b'0');
                        it.next();
                    }
                }
                bytes.push(v as u8);
            }
            Some(other) => bytes.push(other),
            None => bytes.push(b'\\'),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{parse_diff, unquote};

    #[test]
    fn lines_that_look_like_headers_stay_in_their_hunk() {
        let diff = "diff --git a/x.go b/x.go\nindex 1..2 100644\n--- a/x.go\n+++ b/x.go\n\
@@ -0,0 +3,2 @@\n+++ not a header\n+diff --git a/y b/y\n@@ -10,0 +20 @@\n+CheckCooldown()\n";
        let c = parse_diff(diff, "");
        assert!(c.is_changed("x.go", 3) && c.is_changed("x.go", 4));
        assert!(c.is_changed("x.go", 20), "{c:?}");
        assert!(!c.is_changed("x.go", 5));
        assert_eq!(c.files.len(), 1);
    }

    #[test]
    fn prefix_is_stripped_and_deleted_files_ignored() {
        let diff = "diff --git a/sub/a.go b/sub/a.go\n--- a/sub/a.go\n+++ b/sub/a.go\n@@ -1 +1 @@\n-x\n+y\n\
diff --git a/sub/b.go b/sub/b.go\ndeleted file mode 100644\n--- a/sub/b.go\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n";
        let c = parse_diff(diff, "sub/");
        assert!(c.is_changed("a.go", 1));
        assert_eq!(c.files.len(), 1);
    }

    #[test]
    fn git_quoted_paths() {
        assert_eq!(unquote("\"b/\\303\\274ber.go\""), "b/über.go");
        assert_eq!(unquote("\"b/say \\\"hi\\\".go\""), "b/say \"hi\".go");
        assert_eq!(unquote("\"b/tab\\there.go\""), "b/tab\there.go");
    }
}
