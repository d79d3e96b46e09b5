//! Policy files on disk: read through [`crate::fsread`] (regular files only, at most
//! [`POLICY_LIMIT`] bytes, so a FIFO never blocks and `/dev/zero` never fills memory), decoded as
//! UTF-8 with the position of the first bad byte, and identified by canonical path so an
//! `extends` loop is recognised however its relative paths are spelled.

use std::path::{Component, Path, PathBuf};

use super::PolicyError;
use crate::fsread::{POLICY_LIMIT, ReadError, read_regular};
use crate::span::LineIndex;

/// Why a policy file gave no text.
pub(super) enum ReadFailure {
    /// Not readable as a policy at all (missing, a FIFO or device, too large): the reason,
    /// reported where the file was named.
    Unreadable(String),
    /// Not UTF-8: reported in the file itself, at the first bad byte.
    NotUtf8(PolicyError),
}

/// A policy file's text. `shown` names the file in a UTF-8 error.
pub(super) fn read_policy_text(path: &Path, shown: &str) -> Result<String, ReadFailure> {
    let bytes = read_regular(path, POLICY_LIMIT).map_err(|e| {
        ReadFailure::Unreadable(match e {
            ReadError::NotRegular { what, .. } => format!("it is {what}, not a regular file"),
            ReadError::TooLarge { limit, .. } => {
                format!("it is larger than the limit of {limit} bytes for a policy file")
            }
            ReadError::Io { source, .. } => source.to_string(),
        })
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let (line, column) = LineIndex::new(valid).position(valid, at);
        ReadFailure::NotUtf8(PolicyError {
            file: shown.to_string(),
            line,
            column,
            rule: None,
            key: None,
            message: format!(
                "the policy file is not valid UTF-8 (byte 0x{:02x})",
                bytes[at]
            ),
        })
    })
}

/// The identity of a policy file for loop detection: its canonical path, or the path made
/// absolute when it cannot be canonicalised.
pub(super) fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// A path as shown in messages: `.` dropped, `dir/..` folded (lexically: only for display),
/// forward slashes.
pub(super) fn shown(path: &Path) -> String {
    let mut parts: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let tidy: PathBuf = parts.iter().collect();
    if tidy.as_os_str().is_empty() {
        return ".".into();
    }
    tidy.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_folds_parent_steps() {
        assert_eq!(shown(Path::new("a/../sub/x.toml")), "sub/x.toml");
        assert_eq!(shown(Path::new("./a.toml")), "a.toml");
        assert_eq!(shown(Path::new("../../a.toml")), "../../a.toml");
        assert_eq!(shown(Path::new("/r/a/../b.toml")), "/r/b.toml");
    }
}
