//! Renderers: one [`Audit`](crate::audit::Audit) in, one output format out. Each writes to
//! the `Write` it is given; [`write_atomic`] puts a rendered report in place, and refuses to
//! replace anything but a regular file.

pub(crate) mod github;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod markdown;
pub(crate) mod sarif;

#[cfg(test)]
mod sample;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The suffix of the temporary files [`write_atomic`] writes; with the leading `.` of their
/// names, the walk skips them as hidden files.
pub(crate) const TEMP_SUFFIX: &str = ".routeaudit-tmp";

/// A temporary file of a run that was killed is removed by a later write into the same
/// directory once it is this old.
pub(crate) const STALE_TEMP_AGE: Duration = Duration::from_secs(60 * 60);

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so
/// a failed run never leaves a half-written report. Missing parent directories are created
/// (`--output docs/handoff/VERIFICATION.md` in a tree without `docs/`).
///
/// - Only a regular file is replaced: a device, a FIFO, a directory or a socket at `path`
///   is refused (`InvalidInput`) and left as it is.
/// - A symbolic link is written through: its target gets the new content, atomically (the
///   temporary file is made beside the target), and the link stays a link.
/// - A new file gets the mode any new file gets (0666 less the umask); an existing one keeps
///   its mode.
/// - The temporary file is `.NAME.XXXXXX.routeaudit-tmp`; stale ones of a killed run (older
///   than [`STALE_TEMP_AGE`]) in the same directory are removed.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = resolve_links(path)?;
    let existing = match std::fs::metadata(&target) {
        Ok(meta) if meta.is_file() => Some(meta),
        Ok(meta) => return Err(not_regular(&meta)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    remove_stale_temps(&dir, SystemTime::now());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // the OS applies the umask, as for any new file
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(&dir)?;
    tmp.write_all(bytes)?;
    if let Some(meta) = existing {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.as_file().sync_all()?;
    // on failure the temporary file is removed when it is dropped
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// `path` with every symbolic link followed to what it names (which need not exist).
pub(crate) fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "too many levels of symbolic links",
    ))
}

/// The file an output or input path stands for, to tell whether two paths name the same file:
/// links followed, then the canonical path of the file, or of its directory when the file
/// does not exist yet.
pub(crate) fn identity(path: &Path) -> PathBuf {
    let target = resolve_links(path).unwrap_or_else(|_| path.to_path_buf());
    if let Ok(c) = target.canonicalize() {
        return c;
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (dir.canonicalize(), target.file_name()) {
        (Ok(d), Some(n)) => d.join(n),
        _ => target,
    }
}

/// The error for an output path that is not a regular file.
pub(crate) fn not_regular(meta: &std::fs::Metadata) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "it is {}, not a regular file: refusing to replace it",
            file_kind(meta)
        ),
    )
}

fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Whether `name` is one of routeaudit's temporary files (this version's, or the
/// `.NAME.routeaudit-PID-N.tmp` of earlier versions).
fn is_temp_name(name: &str) -> bool {
    name.starts_with('.')
        && (name.ends_with(TEMP_SUFFIX)
            || (name.contains(".routeaudit-") && name.ends_with(".tmp")))
}

/// Removes routeaudit's temporary files in `dir` that are older than [`STALE_TEMP_AGE`]: what
/// a killed run left. Best effort: what cannot be removed stays.
fn remove_stale_temps(dir: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        if !is_temp_name(&name.to_string_lossy()) {
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if meta.is_file() && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn atomic_write_keeps_or_defaults_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("doc.md");
        write_atomic(&p, b"one").unwrap();
        let fresh = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_ne!(fresh, 0o600, "a new report is readable like any new file");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn atomic_write_creates_missing_parent_directories() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("docs/handoff/V.md");
        write_atomic(&p, b"doc").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"doc");
        // a parent that is a file cannot be created: an error, not a panic
        let blocked = dir.path().join("docs/handoff/V.md/inner.md");
        assert!(write_atomic(&blocked, b"x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let target = sub.join("target.json");
        std::fs::write(&target, "old").unwrap();
        let link = dir.path().join("out.json");
        std::os::unix::fs::symlink("sub/target.json", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        // a link whose target does not exist yet: the target is created
        let dangling = dir.path().join("later.json");
        std::os::unix::fs::symlink("sub/created.json", &dangling).unwrap();
        write_atomic(&dangling, b"made").unwrap();
        assert_eq!(std::fs::read(sub.join("created.json")).unwrap(), b"made");
        assert!(
            dangling
                .symlink_metadata()
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // a chain of links, and a loop
        let second = dir.path().join("second.json");
        std::os::unix::fs::symlink("out.json", &second).unwrap();
        write_atomic(&second, b"via two").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"via two");
        let a = dir.path().join("a");
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
        assert!(write_atomic(&a, b"x").is_err());
        // nothing but the files above: no temporary file anywhere
        for d in [dir.path(), sub.as_path()] {
            for e in std::fs::read_dir(d).unwrap() {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                assert!(!is_temp_name(&name), "{name} left behind");
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a-directory");
        std::fs::create_dir(&sub).unwrap();
        let e = write_atomic(&sub, b"x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("a directory"), "{e}");
        assert!(sub.is_dir());
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let e = write_atomic(&fifo, b"x").unwrap_err();
            assert!(e.to_string().contains("a FIFO"), "{e}");
            use std::os::unix::fs::FileTypeExt as _;
            assert!(fifo.symlink_metadata().unwrap().file_type().is_fifo());
        }
    }

    #[test]
    fn stale_temporary_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let hour_and_more = SystemTime::now() - STALE_TEMP_AGE - Duration::from_secs(60);
        let names = [
            (".r.json.a1b2c3.routeaudit-tmp", true),
            (".r.json.routeaudit-123-0.tmp", true),
            (".r.json.d4e5f6.routeaudit-tmp", false),
            (".hidden-config", false),
            ("r.json.routeaudit-tmp", false),
        ];
        for (i, (name, old)) in names.iter().enumerate() {
            let f = std::fs::File::create(dir.path().join(name)).unwrap();
            // only the first two and the last two are old; the third is a running write's
            if *old || i >= 3 {
                f.set_modified(hour_and_more).unwrap();
            }
        }
        write_atomic(&dir.path().join("r.json"), b"{}").unwrap();
        for (name, old) in names {
            assert_eq!(
                dir.path().join(name).exists(),
                !old,
                "{name} should {}",
                if old { "be removed" } else { "stay" }
            );
        }
        assert!(is_temp_name(".x.1.routeaudit-tmp") && !is_temp_name("x.routeaudit-tmp"));
    }

    #[test]
    fn identity_sees_through_spellings_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.json");
        assert_eq!(identity(&f), identity(&dir.path().join("./a.json")));
        std::fs::create_dir(dir.path().join("x")).unwrap();
        assert_eq!(identity(&f), identity(&dir.path().join("x/../a.json")));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("a.json", dir.path().join("l.json")).unwrap();
            assert_eq!(identity(&f), identity(&dir.path().join("l.json")));
        }
        assert_ne!(identity(&f), identity(&dir.path().join("b.json")));
    }
}
