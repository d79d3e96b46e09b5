//! Bounded reads of the small input files a run is handed (policies, baselines, test results,
//! committed documents): only regular files, never more than a limit.
//!
//! Owns the refusal of FIFOs, devices and directories and the size limits. It never reads
//! source files of the audited tree (that is the walk's job).

use std::io::Read as _;
use std::path::Path;

/// Size limit for a policy file.
pub(crate) const POLICY_LIMIT: u64 = 4 * 1024 * 1024;
/// Size limit for a baseline file.
pub(crate) const BASELINE_LIMIT: u64 = 64 * 1024 * 1024;
/// Size limit for one test-results file.
pub(crate) const TEST_RESULTS_LIMIT: u64 = 256 * 1024 * 1024;
/// Size limit for a committed verification document.
#[allow(dead_code)] // read by `report --check`
pub(crate) const DOCUMENT_LIMIT: u64 = 64 * 1024 * 1024;

/// Why an input file could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {path}: {what}, not a regular file")]
    NotRegular { path: String, what: &'static str },
    #[error("cannot read {path}: larger than the limit of {limit} bytes")]
    TooLarge { path: String, limit: u64 },
}

/// Reads a regular file (following symlinks) of at most `limit` bytes. FIFOs, devices, sockets
/// and directories are refused before they are opened, so a FIFO never blocks the run and
/// `/dev/zero` never fills memory.
pub(crate) fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let shown = || path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| ReadError::Io {
        path: shown(),
        source,
    })?;
    let ft = meta.file_type();
    if !ft.is_file() {
        return Err(ReadError::NotRegular {
            path: shown(),
            what: kind_of(&ft),
        });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            path: shown(),
            limit,
        });
    }
    let file = std::fs::File::open(path).map_err(|source| ReadError::Io {
        path: shown(),
        source,
    })?;
    // the file may grow between the check and the read: read one byte past the limit to see
    let mut buf = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|source| ReadError::Io {
            path: shown(),
            source,
        })?;
    if buf.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: shown(),
            limit,
        });
    }
    Ok(buf)
}

/// Like [`read_regular`], for text: invalid UTF-8 is an error that names the line.
pub(crate) fn read_regular_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_regular(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        let col = 1 + at
            - bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
        ReadError::Io {
            path: format!("{}:{line}:{col}", path.display()),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, "invalid UTF-8"),
        }
    })
}

#[cfg(unix)]
fn kind_of(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() || ft.is_block_device() {
        "a device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn kind_of(ft: &std::fs::FileType) -> &'static str {
    if ft.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_devices_and_directories() {
        let e = read_regular(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(e.to_string().contains("a device"), "{e}");
        let e = read_regular(Path::new("/"), 10).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
    }

    #[test]
    fn enforces_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(read_regular(&p, 5).unwrap(), b"12345");
        assert!(matches!(
            read_regular(&p, 4),
            Err(ReadError::TooLarge { .. })
        ));
    }

    #[test]
    fn names_the_line_of_invalid_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"a\nbc\xff\n").unwrap();
        let e = read_regular_text(&p, 100).unwrap_err().to_string();
        assert!(e.contains(":2:3"), "{e}");
    }
}
