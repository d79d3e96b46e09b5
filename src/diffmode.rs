//! Diff mode: which lines of the audited tree were added or changed since a git revision
//! (working-tree changes and untracked files included). Uses the `git` command line.
//!
//! Outside a repository, or with a revision git does not know, it is an error: a gate must
//! never fall back to a silent full scan.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

/// Lines changed since the revision, by path relative to the audited root.
#[derive(Debug, Default)]
pub struct Changes {
    /// `None` for a file that is new as a whole (untracked or added).
    pub files: HashMap<String, Option<HashSet<u32>>>,
}

impl Changes {
    pub fn is_changed(&self, file: &str, line: u32) -> bool {
        match self.files.get(file) {
            Some(None) => true,
            Some(Some(lines)) => lines.contains(&line),
            None => false,
        }
    }
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    String::from_utf8(out.stdout).map_err(|_| "git printed invalid UTF-8".to_string())
}

/// The merge base of HEAD and `reference`.
pub fn merge_base(root: &Path, reference: &str) -> Result<String, String> {
    toplevel(root)?;
    git(root, &["merge-base", "HEAD", reference])
        .map(|s| s.trim().to_string())
        .map_err(|e| format!("cannot find the merge base of HEAD and `{reference}`: {e}"))
}

fn toplevel(root: &Path) -> Result<String, String> {
    git(root, &["rev-parse", "--show-toplevel"])
        .map(|s| s.trim().to_string())
        .map_err(|e| {
            format!(
                "diff mode needs a git repository, and {} is not in one ({e})",
                root.display()
            )
        })
}

/// Lines added or changed since `rev`, for files under `root`.
pub fn changes_since(root: &Path, rev: &str) -> Result<Changes, String> {
    toplevel(root)?;
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("unknown revision `{rev}`"))?;
    let commit = commit.trim();
    // the audited root as a path inside the repository
    let prefix = git(root, &["rev-parse", "--show-prefix"])?
        .trim()
        .to_string();
    // fixed prefixes and unquoted paths, whatever the user's git configuration says
    let diff = git(
        root,
        &[
            "-c",
            "core.quotePath=false",
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--unified=0",
            "--no-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            commit,
            "--",
            ".",
        ],
    )?;
    let mut changes = Changes::default();
    let mut current: Option<String> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            // git ends a name holding a space with a tab, and quotes names with control
            // characters, quotes or backslashes C-style
            let path = path.trim_end_matches('\t');
            let path = if path.starts_with('"') {
                unquote(path)
            } else {
                path.to_string()
            };
            current = if path == "/dev/null" {
                None
            } else {
                let p = path.strip_prefix("b/").unwrap_or(&path);
                Some(p.strip_prefix(&prefix).unwrap_or(p).to_string())
            };
        } else if let Some(h) = line.strip_prefix("@@ ") {
            let Some(file) = &current else { continue };
            // @@ -a,b +c,d @@
            let Some(plus) = h.split_whitespace().find(|t| t.starts_with('+')) else {
                continue;
            };
            let mut it = plus[1..].splitn(2, ',');
            let start: u32 = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: u32 = it.next().and_then(|s| s.parse().ok()).unwrap_or(1);
            let entry = changes
                .files
                .entry(file.clone())
                .or_insert_with(|| Some(HashSet::new()));
            if let Some(set) = entry {
                set.extend(start..start + count);
            }
        }
    }
    let untracked = git(
        root,
        &[
            "ls-files",
            "-z",
            "--others",
            "--exclude-standard",
            "--",
            ".",
        ],
    )?;
    for p in untracked.split('\0').filter(|p| !p.is_empty()) {
        changes.files.insert(p.to_string(), None);
    }
    Ok(changes)
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
    use super::unquote;

    #[test]
    fn git_quoted_paths() {
        assert_eq!(unquote("\"b/\\303\\274ber.go\""), "b/über.go");
        assert_eq!(unquote("\"b/say \\\"hi\\\".go\""), "b/say \"hi\".go");
        assert_eq!(unquote("\"b/tab\\there.go\""), "b/tab\there.go");
    }
}
