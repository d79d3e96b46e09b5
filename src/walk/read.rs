//! Reading one file: the size cap, binary detection for files that are not sources, and text
//! that is not valid UTF-8.
//!
//! A file with a source extension (`.go`, `.rs`, `.yaml`, `.yml`) is always read as text, NUL
//! bytes included. Bytes that are not valid UTF-8 are each replaced by one `?`, so every offset,
//! line and column stays that of the file, and a warning names the first such line.

use std::io::Read as _;
use std::path::Path;

use super::{Ctx, Event, FileId, SourceFile};
use crate::audit::WarningCode;
use crate::lang::Lang;

/// What the caller learns about a path it asked to read.
pub(crate) enum Outcome {
    /// Read (and visited), skipped or reported: nothing more to do.
    Done,
    /// A directory (a nested repository, a submodule or a symbolic link to a directory).
    Dir,
}

/// Reads the file at `path` (absolute) whose root-relative path is `rel`, already known to be
/// in scope. A FIFO never blocks: the file is opened without waiting and examined before it is
/// read; under `--no-follow` a symbolic link is not opened at all.
pub(crate) fn read_one(ctx: &Ctx, path: &Path, rel: &str, buf: &mut Vec<u8>) -> Outcome {
    let lang = Lang::from_path(path);
    let id = || FileId {
        path: path.to_path_buf(),
        rel: rel.to_string(),
        lang,
    };
    let (file, meta) = match open(path, ctx.opts.follow_links) {
        Ok(x) => x,
        Err(Open::Link) => {
            (ctx.event)(Event::Skipped {
                file: id(),
                reason: "symlink",
            });
            return Outcome::Done;
        }
        Err(Open::Gone) => return Outcome::Done,
        Err(Open::Failed(message)) => {
            (ctx.event)(Event::Unreadable {
                file: id(),
                message,
            });
            return Outcome::Done;
        }
    };
    if meta.is_dir() {
        return Outcome::Dir;
    }
    if !meta.is_file() {
        (ctx.event)(Event::Skipped {
            file: id(),
            reason: "not-a-file",
        });
        return Outcome::Done;
    }
    let cap = ctx.opts.max_filesize;
    let too_large = |n: u64| cap > 0 && n > cap;
    if too_large(meta.len()) {
        (ctx.event)(Event::Skipped {
            file: id(),
            reason: "too-large",
        });
        return Outcome::Done;
    }
    buf.clear();
    // room for the whole file and the read that finds its end: no growth while reading
    buf.reserve(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    let limit = if cap > 0 { cap + 1 } else { u64::MAX };
    if let Err(e) = file.take(limit).read_to_end(buf) {
        (ctx.event)(Event::Unreadable {
            file: id(),
            message: format!("cannot read: {e}"),
        });
        return Outcome::Done;
    }
    if too_large(buf.len() as u64) {
        (ctx.event)(Event::Skipped {
            file: id(),
            reason: "too-large",
        });
        return Outcome::Done;
    }
    if lang == Lang::Text && buf[..buf.len().min(8192)].contains(&0) {
        (ctx.event)(Event::Skipped {
            file: id(),
            reason: "binary",
        });
        return Outcome::Done;
    }
    if let Some((line, count)) = repair_utf8(buf) {
        (ctx.event)(Event::Warning {
            rel: Some(rel.to_string()),
            line: Some(line),
            code: WarningCode::InvalidUtf8,
            message: format!(
                "{count} byte(s) that are not valid UTF-8, from line {line} on, read as `?`"
            ),
        });
    }
    let Ok(text) = std::str::from_utf8(buf) else {
        // repair_utf8 leaves only valid UTF-8; kept as a report rather than a panic
        (ctx.event)(Event::Unreadable {
            file: id(),
            message: "cannot decode the file".into(),
        });
        return Outcome::Done;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    (ctx.visit)(SourceFile {
        path,
        rel,
        lang,
        text,
    });
    Outcome::Done
}

/// Why a file was not opened.
enum Open {
    /// A symbolic link, under `--no-follow`.
    Link,
    /// Not there (a tracked file deleted from the work tree): nothing to audit.
    Gone,
    /// Cannot be read, with the reason.
    Failed(String),
}

/// Opens `path` for reading without blocking on a FIFO, and examines it.
fn open(path: &Path, follow: bool) -> Result<(std::fs::File, std::fs::Metadata), Open> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
        opts.custom_flags(libc::O_NONBLOCK | nofollow);
    }
    let is_link = || std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink());
    match opts.open(path).and_then(|f| f.metadata().map(|m| (f, m))) {
        Ok(x) => Ok(x),
        Err(_) if !follow && is_link() => Err(Open::Link),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if is_link() {
                Err(Open::Failed("cannot read: dangling symbolic link".into()))
            } else {
                Err(Open::Gone)
            }
        }
        Err(e) => Err(Open::Failed(format!("cannot read: {e}"))),
    }
}

/// Makes `buf` valid UTF-8 in place: every byte that is not part of a valid sequence becomes
/// `?`, so offsets, lines and columns stay those of the original bytes. Returns the line of the
/// first replaced byte and how many bytes were replaced, or `None` when the text was valid.
pub(crate) fn repair_utf8(buf: &mut [u8]) -> Option<(u32, usize)> {
    let mut start = 0;
    let mut first = None;
    let mut count = 0;
    while let Err(e) = std::str::from_utf8(&buf[start..]) {
        let at = start + e.valid_up_to();
        let len = e.error_len().unwrap_or(buf.len() - at);
        first.get_or_insert(at);
        buf[at..at + len].fill(b'?');
        count += len;
        start = at + len;
    }
    first.map(|at| {
        let line = memchr::memchr_iter(b'\n', &buf[..at]).count() + 1;
        (u32::try_from(line).unwrap_or(u32::MAX), count)
    })
}

/// Reads a file again after the walk (a unit the call graph turned out to need), decoded the
/// way the walk decodes it: bytes that are not UTF-8 become `?`, a byte-order mark is dropped.
pub(crate) fn read_again(path: &Path) -> std::io::Result<String> {
    let mut buf = std::fs::read(path)?;
    repair_utf8(&mut buf);
    let text = String::from_utf8(buf).map_err(std::io::Error::other)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bytes_become_one_question_mark_each() {
        let mut b = b"package a\n// caf\xe9\nfunc MarkSkipped() {}\n".to_vec();
        let len = b.len();
        assert_eq!(repair_utf8(&mut b), Some((2, 1)));
        assert_eq!(b.len(), len);
        assert_eq!(
            std::str::from_utf8(&b).unwrap(),
            "package a\n// caf?\nfunc MarkSkipped() {}\n"
        );
        // a truncated sequence at the end, and valid multi-byte text kept as it is
        let mut b = "é\n".as_bytes().to_vec();
        b.extend_from_slice(b"x\xe2\x82");
        assert_eq!(repair_utf8(&mut b), Some((2, 2)));
        assert_eq!(std::str::from_utf8(&b).unwrap(), "é\nx??");
        let mut ok = "ok ✓".as_bytes().to_vec();
        assert_eq!(repair_utf8(&mut ok), None);
    }
}
