//! Paths as the audit shows them: relative to the root, `/`-separated, and written so that two
//! different files never print the same (bytes that are not UTF-8 are written `\xff`).
//!
//! Owns the one conversion from a file-system path to the string every output uses. The raw
//! path stays the identity of a file; this string is only how it is shown.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

/// `name` as text: valid UTF-8 as it is, every other byte as `\xNN`. Unlike a lossy decoding,
/// two different names never give the same text (unless one spells the escape literally).
pub fn escape(name: &OsStr) -> String {
    let bytes = name.as_encoded_bytes();
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
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
            Component::Normal(n) => Some(escape(n)),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Whether `p` is `dir` or lies under it, both made absolute and `.`/`..` resolved without
/// touching the file system.
pub(crate) fn lexically_under(p: &Path, dir: &Path) -> bool {
    match (std::path::absolute(p), std::path::absolute(dir)) {
        (Ok(p), Ok(d)) => lexical(&p).starts_with(lexical(&d)),
        _ => true,
    }
}

/// `a/./b/../c` -> `a/c`, without touching the file system.
pub(crate) fn lexical(p: &Path) -> PathBuf {
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

/// `p` made absolute (against the current directory) and lexically normal: the identity of an
/// audited path, whichever way it was typed.
pub(crate) fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p)
        .map(|a| lexical(&a))
        .unwrap_or_else(|_| p.to_path_buf())
}

fn file_name(p: &Path) -> String {
    p.file_name().map(escape).unwrap_or_else(|| ".".into())
}

/// Whether a path below a walk root has a hidden component (a name starting with `.`).
pub(crate) fn has_hidden_component(below_root: &Path) -> bool {
    below_root.components().any(|c| match c {
        Component::Normal(n) => n.as_encoded_bytes().first() == Some(&b'.'),
        _ => false,
    })
}

/// A path from the bytes git prints (`ls-files -z`).
#[cfg(unix)]
pub(crate) fn from_bytes(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt as _;
    PathBuf::from(OsStr::from_bytes(b))
}

/// A path from the bytes git prints (`ls-files -z`): UTF-8 on this platform.
#[cfg(not(unix))]
pub(crate) fn from_bytes(b: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(b).into_owned())
}

#[cfg(test)]
mod tests {
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

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_stay_distinct() {
        let a = from_bytes(b"pkg/r\xffx.go");
        let b = from_bytes(b"pkg/r\xfex.go");
        assert_eq!(relative(Path::new(""), &a), "pkg/r\\xffx.go");
        assert_eq!(relative(Path::new(""), &b), "pkg/r\\xfex.go");
        assert_eq!(escape(OsStr::new("caf\u{e9}.go")), "caf\u{e9}.go");
        // a truncated sequence is escaped byte by byte
        assert_eq!(escape(from_bytes(b"a\xc3").as_os_str()), "a\\xc3");
    }

    #[test]
    fn hidden_components() {
        assert!(has_hidden_component(Path::new(".github/x.yml")));
        assert!(has_hidden_component(Path::new("a/.b/c.go")));
        assert!(!has_hidden_component(Path::new("a/b.c/d.go")));
    }
}
