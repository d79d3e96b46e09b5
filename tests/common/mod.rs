//! Helpers shared by the integration tests: run the real binary, read its JSON.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary. Fixture trees under `tests/` and the example trees under `examples/` are
/// audited as trees of their own: git does not search above those folders, so paths are
/// relative to the directory the test runs in, as they are for any tree outside a
/// repository. (Temporary git repositories are not affected.)
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_routeaudit"));
    c.env_remove("NO_COLOR");
    let ceilings = std::env::join_paths([root().join("tests"), root().join("examples")])
        .expect("paths without separators");
    c.env("GIT_CEILING_DIRECTORIES", ceilings);
    c
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `routeaudit ARGS` in `cwd`.
pub fn run_in(cwd: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("run routeaudit")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

/// `check --format json` on a fixture directory (run from inside it).
pub fn check_json(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["check", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let o = run_in(dir, &args);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", stdout(&o), stderr(&o)));
    (code(&o), v)
}

/// (file, line, column, occurrence, test) of every finding with a location.
pub fn finding_rows(v: &serde_json::Value) -> Vec<(String, u64, u64, String, bool)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("file").is_some())
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f.get("occurrence")
                    .and_then(|o| o.as_str())
                    .unwrap_or("-")
                    .to_string(),
                f["test"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// Copies a directory tree (for tests that modify or need a non-git location).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}
