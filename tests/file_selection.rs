//! Which files are audited: ignore files cannot hide code, excluded trees are never walked, no
//! file in scope is skipped silently, two files never collapse into one, text that is not UTF-8
//! loses nothing, `-j` is capped. Every case runs the real binary on a temporary tree.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

const POLICY: &str = "[policy]\nname = \"t\"\n\n\
[scope]\ninclude = [\"**/*.go\", \"**/*.rs\", \"**/*.yaml\", \"**/*.txt\"]\n\
exclude = [\"vendor/**\", \"target/**\", \"**/testdata/**\"]\n\n\
[[rule]]\nid = \"no-routing\"\nkind = \"forbid-symbol\"\nsymbols = [\"CheckCooldown\", \"MarkSkipped\"]\n\n\
[[rule]]\nid = \"no-compat-stubs\"\nkind = \"forbid-file\"\nfiles = [\"**/v1_compat_stubs.go\"]\n";

const ROUTING: &str = "package a\n\nfunc MarkSkipped() {}\n";
const CLEAN: &str = "package a\n\nfunc Run() {}\n";

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// A temporary tree holding the policy and `files`.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "routeaudit.toml", POLICY);
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `git init` and commit everything `git add -A` takes.
fn commit_all(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "base"]);
}

/// The files of every finding, sorted.
fn finding_files(v: &serde_json::Value) -> Vec<String> {
    let mut f: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["file"].as_str().map(str::to_string))
        .collect();
    f.sort();
    f
}

fn strings(v: &serde_json::Value, list: &str, key: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap_or_default().to_string())
        .collect()
}

fn human(dir: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["check", ".", "--color", "never"];
    args.extend_from_slice(extra);
    let o = run_in(dir, &args);
    (code(&o), stdout(&o))
}

// ---------------------------------------------------------------------------------------------
// 1. ignore files cannot hide code

#[test]
fn inside_git_tracked_files_are_audited_whatever_the_ignore_files_say() {
    let dir = tree(&[
        ("pkg/routing.go", ROUTING),
        ("pkg/clean.go", CLEAN),
        ("gen/routing_gen.go", ROUTING),
    ]);
    // `.ignore` names a committed file; `.gitignore` matches a committed file
    write(dir.path(), ".ignore", "routing.go\n");
    write(dir.path(), ".gitignore", "gen/\n");
    commit_all(dir.path());
    git(dir.path(), &["add", "-f", "gen/routing_gen.go"]);
    git(dir.path(), &["commit", "-q", "-m", "generated"]);

    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        finding_files(&v),
        ["gen/routing_gen.go", "pkg/routing.go"],
        "{v:#}"
    );
    assert_eq!(v["summary"]["files_scanned"], 3);
    assert!(v["summary"].get("files_ignored").is_none(), "{v:#}");

    // --no-ignore lists nothing new for tracked files
    let (code2, v2) = check_json(dir.path(), &["--no-ignore"]);
    assert_eq!((code2, finding_files(&v2)), (code, finding_files(&v)));
    assert_eq!(v2["summary"]["files_scanned"], 3);

    // `.ignore` is honoured only when asked for, and what it leaves out is counted
    let (code, v) = check_json(dir.path(), &["--use-ignore-files"]);
    assert_eq!(code, 1);
    assert_eq!(finding_files(&v), ["gen/routing_gen.go"]);
    assert_eq!(v["summary"]["files_ignored"], 1);
}

#[test]
fn a_gitignore_above_the_audited_directory_hides_nothing_committed() {
    let outer = tempfile::tempdir().unwrap();
    // outside the repository: git never reads it
    write(outer.path(), ".gitignore", "*.go\n");
    let repo = outer.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    write(&repo, "routeaudit.toml", POLICY);
    write(&repo, "internal/controller/routing.go", ROUTING);
    // inside the repository, above the audited directory
    write(&repo, ".gitignore", "internal/\n");
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-f", "."]);
    git(&repo, &["commit", "-q", "-m", "base"]);

    let o = run_in(&repo, &["check", "internal/controller", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(finding_files(&v), ["internal/controller/routing.go"]);
}

#[test]
fn untracked_files_count_unless_ignored_and_ignored_ones_are_counted() {
    let dir = tree(&[("pkg/clean.go", CLEAN)]);
    write(dir.path(), ".gitignore", "scratch/\n");
    commit_all(dir.path());
    write(dir.path(), "pkg/new.go", ROUTING);
    write(dir.path(), "scratch/routing.go", ROUTING);
    write(dir.path(), "scratch/notes.md", "not in scope\n");

    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(finding_files(&v), ["pkg/new.go"]);
    // only files in scope are counted
    assert_eq!(v["summary"]["files_ignored"], 1, "{v:#}");
    let (_, out) = human(dir.path(), &[]);
    assert!(
        out.contains("2 files scanned, 1 left out by ignore rules;"),
        "{out}"
    );

    let (code, v) = check_json(dir.path(), &["--no-ignore"]);
    assert_eq!(code, 1);
    assert_eq!(finding_files(&v), ["pkg/new.go", "scratch/routing.go"]);
    assert!(v["summary"].get("files_ignored").is_none());

    // a file named on the command line is audited whatever the ignore files say
    let o = run_in(
        dir.path(),
        &["check", "scratch/routing.go", "--format", "json"],
    );
    assert_eq!(common::code(&o), 1, "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(finding_files(&v), ["scratch/routing.go"]);
}

#[test]
fn outside_git_gitignore_is_honoured_and_counted_but_dot_ignore_is_not() {
    let dir = tree(&[
        ("pkg/routing.go", ROUTING),
        ("build/out.go", ROUTING),
        ("pkg/clean.go", CLEAN),
    ]);
    write(dir.path(), ".ignore", "routing.go\n");
    write(dir.path(), ".gitignore", "build/\n");

    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(finding_files(&v), ["pkg/routing.go"]);
    assert_eq!(v["summary"]["files_ignored"], 1);

    let (_, v) = check_json(dir.path(), &["--use-ignore-files"]);
    assert_eq!(finding_files(&v), Vec::<String>::new());
    assert_eq!(v["summary"]["files_ignored"], 2);

    let (_, v) = check_json(dir.path(), &["--no-ignore"]);
    assert_eq!(finding_files(&v), ["build/out.go", "pkg/routing.go"]);
}

#[test]
fn outside_git_overlapping_paths_count_every_kind_of_file_once() {
    let dir = tree(&[
        ("pkg/routing.go", ROUTING),
        ("pkg/deep/clean.go", CLEAN),
        ("pkg/gen/out.go", ROUTING),
        ("other/clean.go", CLEAN),
    ]);
    write(dir.path(), ".gitignore", "gen/\n");
    write(dir.path(), "pkg/blob.txt", b"\x00\x01 MarkSkipped");
    let (_, once) = check_json(dir.path(), &[]);
    assert_eq!(once["summary"]["files_ignored"], 1, "{once:#}");
    assert_eq!(once["summary"]["files_skipped"], 1, "{once:#}");
    let o = run_in(
        dir.path(),
        &[
            "check",
            ".",
            "pkg",
            "./pkg/deep",
            "pkg/routing.go",
            "pkg/../pkg/routing.go",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for key in [
        "files_scanned",
        "files_skipped",
        "files_ignored",
        "files_parsed",
    ] {
        assert_eq!(v["summary"][key], once["summary"][key], "{key}: {v:#}");
    }
    assert_eq!(finding_files(&v), ["pkg/routing.go"]);
    assert_eq!(strings(&v, "skipped", "file"), ["pkg/blob.txt"]);
}

#[test]
fn everything_in_scope_ignored_says_so() {
    let dir = tree(&[("pkg/routing.go", ROUTING)]);
    write(dir.path(), ".gitignore", "pkg/\n");
    let o = run_in(dir.path(), &["check", "."]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("1 file(s) left out by ignore rules (--no-ignore audits them)"),
        "{}",
        stderr(&o)
    );
}

#[cfg(unix)]
#[test]
fn inside_git_submodules_nested_repositories_and_linked_directories_are_audited() {
    let outer = tempfile::tempdir().unwrap();
    let lib = outer.path().join("lib");
    std::fs::create_dir(&lib).unwrap();
    write(&lib, "l.go", ROUTING);
    commit_all(&lib);
    let repo = outer.path().join("main");
    std::fs::create_dir(&repo).unwrap();
    write(&repo, "routeaudit.toml", POLICY);
    write(&repo, "a.go", CLEAN);
    write(&repo, "real/r.go", "package r\nfunc CheckCooldown() {}\n");
    std::os::unix::fs::symlink("real", repo.join("alias")).unwrap();
    std::os::unix::fs::symlink(".", repo.join("loop")).unwrap();
    commit_all(&repo);
    git(
        &repo,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            "../lib",
            "lib",
        ],
    );
    // an untracked repository inside the work tree
    write(&repo, "nested/n.go", "package n\nfunc CheckCooldown() {}\n");
    git(&repo.join("nested"), &["init", "-q"]);

    let (code, v) = check_json(&repo, &[]);
    assert_eq!(code, 1, "{v:#}");
    // the linked directory is audited once, through its real path; the loop is a warning
    assert_eq!(
        finding_files(&v),
        ["lib/l.go", "nested/n.go", "real/r.go"],
        "{v:#}"
    );
    assert_eq!(strings(&v, "warnings", "file"), ["loop"]);
}

// ---------------------------------------------------------------------------------------------
// 2. excluded trees are never walked

#[cfg(unix)]
fn hostile_excluded_trees(dir: &Path) {
    use std::os::unix::fs::symlink;
    for d in ["vendor/lib", "target/debug", "pkg/testdata", "docs"] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    symlink(
        "/nonexistent/dangling.go",
        dir.join("vendor/lib/dangling.go"),
    )
    .unwrap();
    symlink("..", dir.join("vendor/lib/loop")).unwrap();
    symlink("/nonexistent/x", dir.join("target/debug/dangling")).unwrap();
    symlink("/nonexistent/x.go", dir.join("pkg/testdata/gone.go")).unwrap();
    // outside the scope (not a listed extension): unreadable, and no concern of the audit
    symlink("/nonexistent/notes", dir.join("docs/notes.md")).unwrap();
    let fifo = |p: &Path| {
        let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
        assert!(ok, "mkfifo {}", p.display());
    };
    fifo(&dir.join("target/debug/pipe.go"));
    fifo(&dir.join("docs/pipe.md"));
}

#[cfg(unix)]
#[test]
fn problems_under_excluded_trees_or_outside_the_scope_do_not_make_the_run_incomplete() {
    for in_git in [false, true] {
        let dir = tree(&[("pkg/clean.go", CLEAN)]);
        hostile_excluded_trees(dir.path());
        if in_git {
            commit_all(dir.path());
        }
        let (code, v) = check_json(dir.path(), &[]);
        assert_eq!(code, 0, "in git: {in_git}: {v:#}");
        assert!(v["errors"].as_array().unwrap().is_empty(), "{v:#}");
        assert_eq!(v["summary"]["files_scanned"], 1, "{v:#}");
        assert!(v["warnings"].as_array().unwrap().is_empty(), "{v:#}");

        // the same dangling link in scope cannot be audited: exit 2, named once
        std::os::unix::fs::symlink("/nonexistent/y.go", dir.path().join("pkg/lost.go")).unwrap();
        if in_git {
            git(dir.path(), &["add", "pkg/lost.go"]);
        }
        let (code, out) = human(dir.path(), &[]);
        assert_eq!(code, 2, "{out}");
        let line = out
            .lines()
            .find(|l| l.starts_with("error: "))
            .unwrap_or_else(|| panic!("{out}"));
        assert_eq!(
            line,
            "error: pkg/lost.go: cannot read: dangling symbolic link"
        );
    }
}

#[cfg(unix)]
#[test]
fn excluded_directories_are_pruned_relative_to_the_policy_directory() {
    // the policy sits in `svc/`: its `vendor/**` is `svc/vendor`, not `svc/pkg/vendor`
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "svc/routeaudit.toml", POLICY);
    write(dir.path(), "svc/main.go", CLEAN);
    write(dir.path(), "svc/pkg/vendor/routing.go", ROUTING);
    std::fs::create_dir_all(dir.path().join("svc/vendor")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/z.go", dir.path().join("svc/vendor/z.go")).unwrap();
    let o = run_in(dir.path(), &["check", "svc", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(code(&o), 1, "{v:#}");
    assert_eq!(finding_files(&v), ["svc/pkg/vendor/routing.go"]);
    assert!(v["errors"].as_array().unwrap().is_empty(), "{v:#}");
}

// ---------------------------------------------------------------------------------------------
// 3. no file in scope is skipped silently

fn padded_go() -> Vec<u8> {
    let mut src = ROUTING.as_bytes().to_vec();
    let comment = format!("// {}\n", "x".repeat(1020));
    while src.len() <= 8 * 1024 * 1024 {
        src.extend_from_slice(comment.as_bytes());
    }
    src
}

#[test]
fn a_file_over_the_size_cap_makes_the_verdict_incomplete_and_is_named() {
    for in_git in [false, true] {
        let dir = tree(&[("pkg/clean.go", CLEAN)]);
        write(dir.path(), "pkg/big.go", padded_go());
        if in_git {
            commit_all(dir.path());
        }
        let (code, out) = human(dir.path(), &[]);
        assert_eq!(code, 2, "{out}");
        assert!(
            out.contains("error: pkg/big.go: larger than --max-filesize (8388608 bytes)"),
            "{out}"
        );
        assert!(out.contains("  pkg/big.go (too-large)"), "{out}");
        assert!(out.contains("INCOMPLETE"), "{out}");

        for cap in ["0", "20000000"] {
            let (code, v) = check_json(dir.path(), &["--max-filesize", cap]);
            assert_eq!(code, 1, "--max-filesize {cap}: {v:#}");
            assert_eq!(finding_files(&v), ["pkg/big.go"]);
            assert!(v["errors"].as_array().unwrap().is_empty());
        }
    }
}

#[test]
fn source_files_with_nul_bytes_are_audited_as_text() {
    let dir = tree(&[]);
    write(
        dir.path(),
        "src/lib.rs",
        "pub fn run() {\n    let s = \"a\0b\";\n    check_cooldown(s);\n}\n\
         fn f() { CheckCooldown(); }\n",
    );
    write(
        dir.path(),
        "pkg/v1_compat_stubs.go",
        "package a\n\x00\x00\n",
    );
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "{v:#}");
    let rows: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "pkg/v1_compat_stubs.go".to_string(),
                "no-compat-stubs".to_string()
            ),
            ("src/lib.rs".to_string(), "no-routing".to_string()),
        ],
        "{v:#}"
    );
    assert_eq!(v["findings"][1]["line"], 5);
    assert!(v["skipped"].as_array().unwrap().is_empty(), "{v:#}");
}

#[test]
fn forbid_file_holds_for_files_whose_content_is_not_read() {
    let dir = tree(&[]);
    let mut big = b"package a\n".to_vec();
    big.resize(2000, b'\n');
    write(dir.path(), "pkg/v1_compat_stubs.go", &big);
    let (code, v) = check_json(dir.path(), &["--max-filesize", "1000"]);
    assert_eq!(code, 2, "{v:#}");
    assert_eq!(strings(&v, "findings", "rule"), ["no-compat-stubs"]);
    assert_eq!(strings(&v, "errors", "file"), ["pkg/v1_compat_stubs.go"]);
}

#[test]
fn skipped_files_are_listed_by_name() {
    let dir = tree(&[("pkg/clean.go", CLEAN)]);
    // a file in scope that is not a source: binary content is skipped, and named
    write(dir.path(), "docs/blob.txt", b"\x00\x01\x02 MarkSkipped");
    let (code, out) = human(dir.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("note: skipped 1 file(s): 1 binary"), "{out}");
    assert!(out.contains("  docs/blob.txt (binary)"), "{out}");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_an_unfollowed_link_in_scope_is_listed_and_never_blocks() {
    let dir = tree(&[("pkg/clean.go", CLEAN)]);
    let ok = Command::new("mkfifo")
        .arg(dir.path().join("pkg/pipe.go"))
        .status()
        .unwrap()
        .success();
    assert!(ok);
    std::os::unix::fs::symlink("clean.go", dir.path().join("pkg/link.go")).unwrap();
    let (code, v) = check_json(dir.path(), &["--no-follow"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        v["skipped"],
        serde_json::json!([
            {"file": "pkg/link.go", "reason": "symlink"},
            {"file": "pkg/pipe.go", "reason": "not-a-file"}
        ])
    );
    // named on the command line, the FIFO is examined, not read
    let o = run_in(dir.path(), &["check", "pkg/pipe.go"]);
    assert_eq!(common::code(&o), 2, "nothing was audited: {}", stderr(&o));
    assert!(stderr(&o).contains("1 file(s) skipped"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------
// 4. two files never collapse into one

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_stay_two_files() {
    use std::os::unix::ffi::OsStrExt as _;
    for in_git in [false, true] {
        let dir = tree(&[]);
        let name = |b: &[u8]| dir.path().join("pkg").join(std::ffi::OsStr::from_bytes(b));
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        std::fs::write(name(b"r\xff.go"), ROUTING).unwrap();
        std::fs::write(name(b"r\xfe.go"), CLEAN).unwrap();
        if in_git {
            commit_all(dir.path());
        }
        for j in ["1", "2", "8"] {
            let (code, v) = check_json(dir.path(), &["-j", j]);
            assert_eq!(code, 1, "in git {in_git}, -j {j}: {v:#}");
            assert_eq!(v["summary"]["files_scanned"], 2);
            assert_eq!(finding_files(&v), ["pkg/r\\xff.go"]);
        }
        let (_, out) = human(dir.path(), &[]);
        assert!(out.contains("--> pkg/r\\xff.go:3:6"), "{out}");
    }
}

// ---------------------------------------------------------------------------------------------
// 5. text that is not UTF-8 loses nothing

#[test]
fn a_latin1_byte_loses_nothing_and_is_reported() {
    let dir = tree(&[]);
    write(
        dir.path(),
        "pkg/a.go",
        b"package a\n\n// caf\xe9 \xe0 la carte\nfunc MarkSkipped() { CheckCooldown() }\n",
    );
    let (code, v) = check_json(dir.path(), &[]);
    assert_eq!(code, 1, "{v:#}");
    let cols: Vec<(u64, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(cols, [(4, 6), (4, 22)], "{v:#}");
    let w = &v["warnings"].as_array().unwrap()[..];
    assert_eq!(w.len(), 1, "{v:#}");
    assert_eq!(w[0]["code"], "invalid-utf8");
    assert_eq!(w[0]["file"], "pkg/a.go");
    assert_eq!(w[0]["line"], 3);
    assert!(v["errors"].as_array().unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// 6. -j is capped

#[test]
fn an_over_large_thread_count_is_clamped_with_a_warning() {
    let dir = tree(&[("a.go", ROUTING)]);
    let (code, v) = check_json(dir.path(), &["-j", "100000"]);
    assert_eq!(code, 1, "{v:#}");
    let w = &v["warnings"].as_array().unwrap()[..];
    assert_eq!(w.len(), 1, "{v:#}");
    assert_eq!(w[0]["code"], "walk");
    assert!(
        w[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("-j 100000 is more than 8 threads per core"),
        "{v:#}"
    );
    // a sane value says nothing
    let (_, v) = check_json(dir.path(), &["-j", "2"]);
    assert!(v["warnings"].as_array().unwrap().is_empty());
}
