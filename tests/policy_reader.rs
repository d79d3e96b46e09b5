//! The policy reader through the real binary: files it must refuse (devices, FIFOs, oversized,
//! non-UTF-8), `extends` loops, policies without rules, and the keys it accepts.

mod common;
use common::*;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs the binary; a run still going after a generous minute is a hang (a FIFO read blocks
/// forever), killed and reported as a failure rather than stalling the suite.
fn run_bounded(cwd: &Path, args: &[&str]) -> Output {
    let mut child = bin()
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run routeaudit");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().ok();
            panic!("routeaudit {args:?} did not finish");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status();
    assert!(ok.is_ok_and(|s| s.success()), "mkfifo {}", p.display());
}

#[cfg(unix)]
#[test]
fn a_device_as_the_policy_is_refused() {
    let o = run_bounded(Path::new("."), &["policy", "validate", "/dev/zero"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: /dev/zero:1:1: cannot read the policy file: it is a device, not a regular file\n"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_as_the_policy_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.go"), "package a\n").unwrap();
    mkfifo(&dir.path().join("p.toml"));
    let o = run_bounded(dir.path(), &["check", ".", "--policy", "p.toml"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("p.toml:1:1: cannot read the policy file: it is a FIFO"),
        "{}",
        stderr(&o)
    );
    let o = run_bounded(dir.path(), &["policy", "validate", "p.toml"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn extends_of_a_device_or_fifo_is_refused_at_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("base.toml"));
    std::fs::write(
        dir.path().join("p.toml"),
        "extends = [\"/dev/zero\",\n  \"base.toml\"]\n",
    )
    .unwrap();
    let o = run_bounded(dir.path(), &["policy", "validate", "p.toml"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("p.toml:1:12: key `extends`: cannot read `/dev/zero`: it is a device"),
        "{err}"
    );
    assert!(
        err.contains(
            "p.toml:2:3: key `extends`: cannot read `base.toml`: it is a FIFO, not a regular file"
        ),
        "{err}"
    );
}

#[test]
fn non_utf8_policy_is_reported_at_the_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.toml"),
        b"[[rule]]\nid = \"x\"\nkind = \"forbid-file\"\nfiles = [\"a\xe9.go\"]\n",
    )
    .unwrap();
    let o = run_bounded(dir.path(), &["policy", "validate", "p.toml"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: p.toml:4:12: the policy file is not valid UTF-8 (byte 0xe9)\n"
    );
}

#[test]
fn extends_loop_through_relative_paths_is_one_error_with_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("a/a.toml"),
        "extends = [\"../sub/x.toml\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sub/x.toml"),
        "extends = [\"../a/a.toml\"]\n",
    )
    .unwrap();
    let o = run_bounded(dir.path(), &["policy", "validate", "a/a.toml"]);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: sub/x.toml:1:12: key `extends`: `extends` loops back to `a/a.toml`: \
         a/a.toml -> sub/x.toml -> a/a.toml\n"
    );
}

#[test]
fn an_empty_policy_file_is_an_error_not_the_builtin_pack() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.go"),
        "package a\nfunc CheckCooldown() {}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("routeaudit.toml"), "# to do\n[policy]\n").unwrap();
    let o = run_bounded(dir.path(), &["check", "."]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(
        stderr(&o).contains(
            "routeaudit.toml:1:1: the policy has no rules: add a `[[rule]]`, or `extends = [\"builtin:pure-executor\"]`"
        ),
        "{}",
        stderr(&o)
    );
    std::fs::write(
        dir.path().join("routeaudit.toml"),
        "extends = [\"builtin:pure-executor\"]\n",
    )
    .unwrap();
    let o = run_bounded(dir.path(), &["check", "."]);
    assert_eq!(code(&o), 1, "the pack's rules apply: {}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn a_discovered_fifo_is_refused_not_skipped_for_the_builtin_pack() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.go"), "package a\n").unwrap();
    mkfifo(&dir.path().join("routeaudit.toml"));
    let o = run_bounded(dir.path(), &["check", "."]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(
        stderr(&o).contains("routeaudit.toml:1:1: cannot read the policy file: it is a FIFO"),
        "{}",
        stderr(&o)
    );
}
