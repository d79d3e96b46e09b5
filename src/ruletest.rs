//! `routeaudit test`: tests for policies, written as annotated fixtures beside the policy.
//!
//! Owns finding the policies under the given paths, deciding which fixture files belong to
//! which policy, reading the `ruleid:` / `ok:` annotations in them, auditing the fixtures with
//! their policy (the same audit `check` runs) and comparing findings with annotations. A
//! comment `ruleid: <id>[, <id>]` alone on its line expects a finding of each rule on the line
//! below; `ok: <id>` expects none; after code on a line, an annotation speaks for its own line.
//! `todoruleid:` and `todook:` mark known gaps: the line is not checked for those rules. In
//! the policy file itself, `# ruleid: <id>` / `# ok: <id>` speak for findings without a
//! location (a required symbol missing everywhere).
//!
//! Which files a policy owns: a `routeaudit.toml` (or the only policy of its directory) owns
//! every file under its directory, except subtrees that hold a policy of their own; when a
//! directory holds several policies, `NAME.toml` owns the files of that directory named
//! `NAME.<ext>`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::audit::Audit;
use crate::cli::TestArgs;
use crate::engine::Needs;
use crate::error::Result;
use crate::lang::Lang;
use crate::pipeline::{self, Request};
use crate::policy::Policy;
use crate::{EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS};

/// Fixture files larger than this are not read for annotations (the audit skips them too).
const FIXTURE_LIMIT: u64 = 8 * 1024 * 1024;

/// Runs `routeaudit test PATH...`.
pub(crate) fn run(args: TestArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let mut errors = 0usize;
    let mut policies: Vec<PathBuf> = Vec::new();
    for p in &paths {
        match find_policies(p) {
            Ok(found) if found.is_empty() => {
                writeln!(
                    err,
                    "error: {}: no policy found (routeaudit.toml, or a *.toml file with a [policy] table)",
                    shown(p)
                )?;
                errors += 1;
            }
            Ok(found) => {
                for f in found {
                    if !policies.iter().any(|q| same_file(q, &f)) {
                        policies.push(f);
                    }
                }
            }
            Err(e) => {
                writeln!(err, "error: {e}")?;
                errors += 1;
            }
        }
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for policy in &policies {
        // the policies beside and below this one decide which files it owns, whether or not
        // they are tested in this run
        let mut around = find_policies(&dir_of(policy)).unwrap_or_default();
        around.push(policy.clone());
        let owned = owned_files(policy, &around);
        // a project's own policy over its code, with no annotated fixture: not a policy test
        if !has_annotations(policy, &owned) {
            writeln!(
                out,
                "skip  {} (no `ruleid:` or `ok:` annotation in the files it owns)",
                shown(policy)
            )?;
            continue;
        }
        let suite = run_suite(policy, &owned);
        for e in &suite.errors {
            writeln!(err, "error: {e}")?;
        }
        errors += suite.errors.len();
        for m in &suite.mismatches {
            writeln!(out, "{m}")?;
        }
        passed += suite.passed;
        failed += suite.mismatches.len();
        let total = suite.passed + suite.mismatches.len();
        if !suite.errors.is_empty() {
            writeln!(out, "ERROR {}", shown(policy))?;
        } else if suite.mismatches.is_empty() {
            writeln!(out, "pass  {} ({total} {})", shown(policy), checks(total))?;
        } else {
            writeln!(
                out,
                "FAIL  {} ({} of {total} {} failed)",
                shown(policy),
                suite.mismatches.len(),
                checks(total)
            )?;
        }
    }
    if !policies.is_empty() {
        writeln!(out, "{passed} passed, {failed} failed")?;
    }
    Ok(if errors > 0 {
        EXIT_ERROR
    } else if failed > 0 {
        EXIT_VIOLATIONS
    } else {
        EXIT_OK
    })
}

fn checks(n: usize) -> &'static str {
    if n == 1 { "check" } else { "checks" }
}

/// A path as shown to the user: as given, with `/` separators.
fn shown(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// A walker over a directory with the audit's defaults: ignore files honoured, hidden entries
/// skipped, symbolic links not followed, entries in name order.
fn walker(dir: &Path) -> ignore::Walk {
    ignore::WalkBuilder::new(dir)
        .hidden(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build()
}

/// The policies a path names: the file itself, or every policy file under a directory.
fn find_policies(path: &Path) -> std::result::Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", shown(path)))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    for entry in walker(path) {
        let entry = entry.map_err(|e| format!("{}: {e}", shown(path)))?;
        if entry.file_type().is_some_and(|t| t.is_file()) && is_policy_file(entry.path()) {
            found.push(entry.path().to_path_buf());
        }
    }
    Ok(found)
}

/// `routeaudit.toml`, or a `*.toml` file with a `[policy]` table.
fn is_policy_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == crate::policy::discover::FILE_NAME {
        return true;
    }
    if !name.ends_with(".toml") {
        return false;
    }
    crate::fsread::read_regular_text(path, crate::fsread::POLICY_LIMIT).is_ok_and(|text| {
        text.lines().any(|l| {
            let l = l.trim();
            l == "[policy]" || (l.starts_with("[policy]") && l[8..].trim_start().starts_with('#'))
        })
    })
}

/// The part of a file name before its first dot: `crd` for `crd.yaml` and `crd.test.yaml`.
fn stem_of(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.split('.').next().unwrap_or("").to_string()
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The fixture files `policy` owns among the files under its directory (see the module docs).
fn owned_files(policy: &Path, all: &[PathBuf]) -> Vec<PathBuf> {
    let dir = dir_of(policy);
    let abs = |p: &Path| {
        p.canonicalize()
            .or_else(|_| std::path::absolute(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let dir_abs = abs(&dir);
    let mut policy_files: Vec<PathBuf> = all.iter().map(|p| abs(p)).collect();
    policy_files.sort();
    policy_files.dedup();
    let siblings: Vec<&PathBuf> = policy_files
        .iter()
        .filter(|p| dir_of(p) == dir_abs)
        .collect();
    // directories below ours with a policy of their own own their subtrees
    let nested: Vec<PathBuf> = policy_files
        .iter()
        .map(|p| dir_of(p))
        .filter(|d| d != &dir_abs && d.starts_with(&dir_abs))
        .collect();
    let me = abs(policy);
    let is_default = siblings.len() == 1
        || me.file_name().and_then(|n| n.to_str()) == Some(crate::policy::discover::FILE_NAME);
    let sibling_stems: Vec<String> = siblings
        .iter()
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()) != Some(crate::policy::discover::FILE_NAME)
        })
        .map(|p| stem_of(p))
        .collect();
    let my_stem = stem_of(&me);
    let mut out = Vec::new();
    for entry in walker(&dir).flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let path_abs = abs(path);
        if policy_files.contains(&path_abs) || nested.iter().any(|d| path_abs.starts_with(d)) {
            continue;
        }
        let owned = if dir_of(&path_abs) == dir_abs && siblings.len() > 1 {
            let stem = stem_of(path);
            if sibling_stems.contains(&stem) {
                stem == my_stem
            } else {
                is_default
            }
        } else {
            is_default
        };
        if owned {
            out.push(path.to_path_buf());
        }
    }
    out
}

/// What an annotation asks of its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// `ruleid:` a finding of each rule.
    Finding,
    /// `ok:` no finding of the rules.
    Nothing,
    /// `todoruleid:` / `todook:` a known gap: not checked.
    Todo,
}

/// One annotation comment.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Annotation {
    /// The line the annotation speaks for.
    target: u32,
    /// The line the comment is on, and the character column where the comment starts.
    line: u32,
    column: u32,
    expect: Expect,
    ids: Vec<String>,
}

/// Reads the annotations of one file; `marker` is the line-comment marker (`//` or `#`).
/// Returns the annotations and the problems (line, message) with malformed ones.
fn scan(text: &str, marker: &str) -> (Vec<Annotation>, Vec<(u32, String)>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut found: Vec<(usize, usize, bool, Expect, Vec<String>)> = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((byte, expect, rest)) = annotation_in(line, marker) else {
            continue;
        };
        let alone = line[..byte].trim().is_empty();
        if rest.trim().is_empty() {
            problems.push((i as u32 + 1, "annotation names no rule id".into()));
            continue;
        }
        let mut ids = Vec::new();
        for piece in rest.split(',') {
            let id = piece.trim();
            if id.is_empty() || id.contains(char::is_whitespace) {
                problems.push((
                    i as u32 + 1,
                    format!(
                        "annotation `{}` must list rule ids separated by commas",
                        rest.trim()
                    ),
                ));
                ids.clear();
                break;
            }
            ids.push(id.to_string());
        }
        if ids.is_empty() {
            continue;
        }
        found.push((i, byte, alone, expect, ids));
    }
    let annotation_only: BTreeSet<usize> = found
        .iter()
        .filter(|(_, _, alone, _, _)| *alone)
        .map(|f| f.0)
        .collect();
    let mut out = Vec::new();
    for (i, byte, alone, expect, ids) in found {
        let target = if alone {
            // the first line below that is not an annotation itself
            let mut t = i + 1;
            while annotation_only.contains(&t) {
                t += 1;
            }
            if t >= lines.len() {
                problems.push((i as u32 + 1, "annotation has no line below it".into()));
                continue;
            }
            t
        } else {
            i
        };
        out.push(Annotation {
            target: target as u32 + 1,
            line: i as u32 + 1,
            column: lines[i][..byte].chars().count() as u32 + 1,
            expect,
            ids,
        });
    }
    (out, problems)
}

/// The first comment on `line` that is an annotation: (byte offset of the marker, kind, ids).
fn annotation_in<'l>(line: &'l str, marker: &str) -> Option<(usize, Expect, &'l str)> {
    let first = marker.chars().next()?;
    for (at, _) in line.match_indices(marker) {
        // a marker continuing a longer run (`///`, `##`) was tried at the run's start
        if at > 0 && line[..at].ends_with(first) {
            continue;
        }
        let body = line[at..].trim_start_matches(first).trim_start_matches('!');
        let body = body.trim_start();
        for (word, expect) in [
            ("ruleid:", Expect::Finding),
            ("ok:", Expect::Nothing),
            ("todoruleid:", Expect::Todo),
            ("todook:", Expect::Todo),
        ] {
            if let Some(rest) = body.strip_prefix(word) {
                return Some((at, expect, rest));
            }
        }
    }
    None
}

/// Levenshtein distance, for suggesting the closest rule id.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn closest<'p>(id: &str, policy: &'p Policy) -> Option<&'p str> {
    policy
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .min_by_key(|r| (distance(id, r), *r))
}

/// Whether the policy or one of the files it owns holds a test annotation.
fn has_annotations(policy: &Path, owned: &[PathBuf]) -> bool {
    std::iter::once(policy)
        .chain(owned.iter().map(PathBuf::as_path))
        .any(|p| {
            crate::fsread::read_regular(p, FIXTURE_LIMIT).is_ok_and(|b| {
                memchr::memmem::find(&b, b"ruleid:").is_some()
                    || memchr::memmem::find(&b, b"ok:").is_some()
            })
        })
}

/// The outcome of one policy's tests.
#[derive(Debug, Default)]
struct Suite {
    passed: usize,
    mismatches: Vec<String>,
    errors: Vec<String>,
}

fn run_suite(policy_path: &Path, owned: &[PathBuf]) -> Suite {
    let mut suite = Suite::default();
    let dir = dir_of(policy_path);
    let req = Request {
        paths: vec![dir.clone()],
        policy: Some(policy_path.to_path_buf()),
        needs: Needs::default(),
        fail_on: Some(crate::policy::Severity::Error),
        ..Request::default()
    };
    let policy = match crate::policy::load_file(policy_path) {
        Ok(p) => p,
        Err(es) => {
            suite.errors.extend(es.iter().map(|e| e.to_string()));
            return suite;
        }
    };
    let audit = match pipeline::run_audit(&req) {
        Ok(a) => a,
        Err(e) => {
            suite.errors.push(e.to_string());
            return suite;
        }
    };
    // the audit's paths are relative to the repository root
    let root = audit.context.repo_root.clone();
    for e in &audit.errors {
        let at = match e.line {
            Some(l) => format!("{}:{l}", shown(&root.join(&e.file))),
            None => shown(&root.join(&e.file)),
        };
        suite.errors.push(format!("{at}: {}", e.message));
    }
    let policy_text = crate::fsread::read_regular_text(policy_path, crate::fsread::POLICY_LIMIT);
    // findings by fixture file (relative to the audited directory, as the audit reports them)
    let mut by_file: BTreeMap<String, Vec<(u32, u32, String)>> = BTreeMap::new();
    let mut unplaced: BTreeMap<String, Vec<String>> = BTreeMap::new();
    collect_findings(&audit, &mut by_file, &mut unplaced);
    for path in owned {
        let rel = crate::walk::relative(&root, path);
        let Ok(bytes) = crate::fsread::read_regular(path, FIXTURE_LIMIT) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let marker = Lang::from_path(path).front().comment_markers()[0];
        let (annotations, problems) = scan(&text, marker);
        let shown_file = shown(path);
        for (line, msg) in problems {
            suite.errors.push(format!("{shown_file}:{line}: {msg}"));
        }
        let findings = by_file.remove(&rel).unwrap_or_default();
        compare(&shown_file, &annotations, &findings, &policy, &mut suite);
    }
    // findings without a location, against the policy file's own annotations
    if let Ok(text) = policy_text {
        let (annotations, _) = scan(&text, "#");
        compare_unplaced(
            &shown(policy_path),
            &annotations,
            &unplaced,
            &policy,
            &mut suite,
        );
    }
    suite
}

/// (line, column, rule) of every finding that is not suppressed, by file; rule -> symbols of
/// the findings without a location.
fn collect_findings(
    audit: &Audit,
    by_file: &mut BTreeMap<String, Vec<(u32, u32, String)>>,
    unplaced: &mut BTreeMap<String, Vec<String>>,
) {
    for f in audit.findings.iter().filter(|f| !f.status.is_suppressed()) {
        match (&f.file, f.line) {
            (Some(file), Some(line)) => by_file.entry(file.clone()).or_default().push((
                line,
                f.column.unwrap_or(1),
                f.rule.clone(),
            )),
            _ => unplaced
                .entry(f.rule.clone())
                .or_default()
                .push(f.symbol.clone().unwrap_or_default()),
        }
    }
}

/// Checks that every annotation names a rule of the policy; unknown ones are errors.
fn known_ids<'a>(
    file: &str,
    a: &'a Annotation,
    policy: &Policy,
    suite: &mut Suite,
) -> Vec<&'a str> {
    let mut ok = Vec::new();
    for id in &a.ids {
        if policy.rule(id).is_some() {
            ok.push(id.as_str());
        } else {
            let hint = closest(id, policy)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            suite.errors.push(format!(
                "{file}:{}: unknown rule id `{id}` in the policy{hint}",
                a.line
            ));
        }
    }
    ok
}

fn compare(
    file: &str,
    annotations: &[Annotation],
    findings: &[(u32, u32, String)],
    policy: &Policy,
    suite: &mut Suite,
) {
    // findings inside an annotation comment are the annotation's own text, not the code's
    let findings: Vec<&(u32, u32, String)> = findings
        .iter()
        .filter(|(l, c, _)| !annotations.iter().any(|a| a.line == *l && *c >= a.column))
        .collect();
    let got = |line: u32, id: &str| findings.iter().any(|(l, _, r)| *l == line && r == id);
    let mut spoken_for: BTreeSet<(u32, String)> = BTreeSet::new();
    let mut out: Vec<(u32, String)> = Vec::new();
    for a in annotations {
        for id in known_ids(file, a, policy, suite) {
            spoken_for.insert((a.target, id.to_string()));
            match a.expect {
                Expect::Finding if got(a.target, id) => suite.passed += 1,
                Expect::Finding => {
                    out.push((a.target, format!("expected {id}, got nothing")));
                }
                Expect::Nothing if got(a.target, id) => {
                    out.push((a.target, format!("unexpected {id}")));
                }
                Expect::Nothing => suite.passed += 1,
                Expect::Todo => {}
            }
        }
    }
    let mut unexpected: BTreeSet<(u32, &str)> = BTreeSet::new();
    for (line, _, rule) in &findings {
        if !spoken_for.contains(&(*line, rule.clone())) {
            unexpected.insert((*line, rule.as_str()));
        }
    }
    out.extend(
        unexpected
            .into_iter()
            .map(|(l, r)| (l, format!("unexpected {r}"))),
    );
    out.sort();
    suite
        .mismatches
        .extend(out.into_iter().map(|(l, m)| format!("{file}:{l}: {m}")));
}

fn compare_unplaced(
    file: &str,
    annotations: &[Annotation],
    unplaced: &BTreeMap<String, Vec<String>>,
    policy: &Policy,
    suite: &mut Suite,
) {
    let mut spoken_for: BTreeSet<String> = BTreeSet::new();
    for a in annotations {
        for id in known_ids(file, a, policy, suite) {
            spoken_for.insert(id.to_string());
            let got = unplaced.contains_key(id);
            match a.expect {
                Expect::Finding if got => suite.passed += 1,
                Expect::Finding => suite.mismatches.push(format!(
                    "{file}:{}: expected {id} (a finding without a location), got nothing",
                    a.line
                )),
                Expect::Nothing if got => suite.mismatches.push(format!(
                    "{file}:{}: unexpected {id} ({} not found in scope)",
                    a.line,
                    unplaced[id].join(", ")
                )),
                Expect::Nothing => suite.passed += 1,
                Expect::Todo => {}
            }
        }
    }
    for (id, symbols) in unplaced {
        if !spoken_for.contains(id) {
            suite.mismatches.push(format!(
                "{file}: unexpected {id} ({} not found in scope)",
                symbols.join(", ")
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(text: &str, marker: &str) -> Vec<(u32, Expect, Vec<String>)> {
        let (a, problems) = scan(text, marker);
        assert!(problems.is_empty(), "{problems:?}");
        a.into_iter().map(|a| (a.target, a.expect, a.ids)).collect()
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn annotations_speak_for_the_line_below_or_their_own() {
        let go = "package x\n\
// ruleid: a\n\
f()\n\
\t// ok: a, b\n\
\t// todoruleid: c\n\
g()\n\
h() // ruleid: b\n\
/// ruleid: d\n\
k()\n";
        assert_eq!(
            targets(go, "//"),
            vec![
                (3, Expect::Finding, ids(&["a"])),
                (6, Expect::Nothing, ids(&["a", "b"])),
                (6, Expect::Todo, ids(&["c"])),
                (7, Expect::Finding, ids(&["b"])),
                (9, Expect::Finding, ids(&["d"])),
            ]
        );
        let yaml = "a: 1\r\n# ruleid: crd\r\nskipDetails: {}\r\nb: 2 # ok: crd\r\n";
        assert_eq!(
            targets(yaml, "#"),
            vec![
                (3, Expect::Finding, ids(&["crd"])),
                (4, Expect::Nothing, ids(&["crd"])),
            ]
        );
    }

    #[test]
    fn prose_and_urls_are_not_annotations() {
        let go = "// the ruleid: convention is documented elsewhere\n\
x := \"http://example.com\" // okay: not one\n\
// ruleidx: a\n";
        assert_eq!(targets(go, "//"), vec![]);
        // `#` is not a comment marker in Go
        assert_eq!(targets("# ruleid: a\nf()\n", "//"), vec![]);
    }

    #[test]
    fn malformed_annotations_are_problems() {
        let (a, p) = scan(
            "// ruleid:\nf()\n// ruleid: a b\ng()\nh()\n// ok: a\n",
            "//",
        );
        assert!(a.is_empty(), "{a:?}");
        let lines: Vec<u32> = p.iter().map(|x| x.0).collect();
        assert_eq!(lines, vec![1, 3, 6], "{p:?}");
        assert!(p[0].1.contains("no rule id"));
        assert!(p[1].1.contains("separated by commas"));
        assert!(p[2].1.contains("no line below"));
    }

    #[test]
    fn annotation_column_is_where_the_comment_starts() {
        let (a, _) = scan("héllo() // ruleid: a\n", "//");
        assert_eq!((a[0].line, a[0].column), (1, 9));
    }

    #[test]
    fn closest_rule_id() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "ab"), 2);
        let p = crate::policy::load_builtin("pure-executor").unwrap();
        assert_eq!(
            closest("pending-path-no-cooldwn", &p),
            Some("pending-path-no-cooldown")
        );
        assert_eq!(
            closest("no-routing-function", &p),
            Some("no-routing-functions")
        );
    }

    #[test]
    fn ownership_by_directory_stem_and_nesting() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        let w = |rel: &str, text: &str| {
            let p = d.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        w("routeaudit.toml", "");
        w("a.toml", "[policy]\nname = \"a\"\n");
        w("a.go", "");
        w("b.go", "");
        w("sub/c.go", "");
        w("nested/routeaudit.toml", "");
        w("nested/d.go", "");
        w("Cargo.toml", "[package]\n");
        let all = find_policies(d).unwrap();
        let names = |v: &[PathBuf]| -> Vec<String> {
            v.iter()
                .map(|p| crate::walk::relative(d, p))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&all),
            ["a.toml", "nested/routeaudit.toml", "routeaudit.toml"]
        );
        let own = |p: &str| names(&owned_files(&d.join(p), &all));
        assert_eq!(own("a.toml"), ["a.go"]);
        assert_eq!(own("routeaudit.toml"), ["Cargo.toml", "b.go", "sub/c.go"]);
        assert_eq!(own("nested/routeaudit.toml"), ["nested/d.go"]);
    }
}
