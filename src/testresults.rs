//! Test evidence: reads `--test-results` files into per-test outcomes and sums them into the
//! audit's [`TestResults`].
//!
//! Owns the two input formats — a `go test -json` event stream and JUnit XML as written by
//! cargo-nextest, gotestsum and go-junit-report (a small hand-written XML scanner, so the
//! crate needs no XML dependency) — the detection between them by content, and the split of
//! test names into identifier segments for "routing-related" tests. It knows nothing about
//! policies: the caller passes the predicate that says whether a name is a forbidden symbol.
//! It must not run tests or touch the audited tree.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde::Deserialize;

use crate::audit::TestResults;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    Skipped,
}

/// One executed test. `name` is `package/TestName` (Go; `TestName` without a package) or
/// `classname::name` (JUnit; `name` without a classname).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCase {
    pub name: String,
    pub outcome: Outcome,
}

/// The tests of one results file, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TestRun {
    /// The file as named on the command line.
    pub source: String,
    pub cases: Vec<TestCase>,
}

impl TestRun {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.cases.iter().filter(|c| c.outcome == outcome).count()
    }
}

/// Reads one results file; the error names the file and says what is wrong with it.
pub fn read(path: &Path) -> Result<TestRun, String> {
    let source = path.display().to_string();
    let bytes = crate::fsread::read_regular(path, crate::fsread::TEST_RESULTS_LIMIT)
        .map_err(|e| format!("test results: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        format!("{source}: test results are not UTF-8 text (expected `go test -json` or JUnit XML)")
    })?;
    parse(&text, &source)
}

/// Parses results text; `source` names it in errors. The format is chosen by content: `<`
/// first means JUnit XML, `{` first (or a line starting with `{"` after some build output)
/// means a `go test -json` stream.
pub fn parse(text: &str, source: &str) -> Result<TestRun, String> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let cases = match body.chars().next() {
        Some('<') => junit(body, source)?,
        Some('{') => go_json(body, source)?,
        // `go test -json 2>&1` can put build output before the first event.
        Some(_) if body.lines().any(|l| l.trim_start().starts_with("{\"")) => {
            go_json(body, source)?
        }
        None => {
            return Err(format!(
                "{source}: empty file; expected a `go test -json` stream or JUnit XML"
            ));
        }
        Some(_) => {
            return Err(format!(
                "{source}: neither a `go test -json` stream (starts with `{{`) nor JUnit XML \
                 (starts with `<`)"
            ));
        }
    };
    Ok(TestRun {
        source: source.to_string(),
        cases,
    })
}

/// Sums several runs. Failure names are sorted and unique; `routing_related` is left empty
/// (see [`summarize`]).
pub fn merge(runs: &[TestRun]) -> TestResults {
    let mut r = TestResults::default();
    let mut failures = BTreeSet::new();
    for run in runs {
        r.passed += run.count(Outcome::Passed);
        r.failed += run.count(Outcome::Failed);
        r.skipped += run.count(Outcome::Skipped);
        failures.extend(
            run.cases
                .iter()
                .filter(|c| c.outcome == Outcome::Failed)
                .map(|c| c.name.clone()),
        );
        r.sources.push(run.source.clone());
    }
    r.failures = failures.into_iter().collect();
    r
}

/// [`merge`] plus the routing-related tests among every test name of every run.
pub fn summarize(runs: &[TestRun], is_forbidden: impl Fn(&str) -> bool) -> TestResults {
    let mut r = merge(runs);
    r.routing_related = routing_related(
        runs.iter()
            .flat_map(|run| run.cases.iter().map(|c| c.name.as_str())),
        is_forbidden,
    );
    r
}

/// The names (sorted, unique) in which some identifier segment satisfies `is_forbidden`.
///
/// A name is cut into identifier-like segments at every character that cannot be part of an
/// identifier (`/`, `.`, `:`, space); each segment into words at `_` and case changes. The
/// predicate is called on every run of consecutive words as written, so
/// `TestReconcile_CheckCooldown/cooldown_active` offers `CheckCooldown`, `Cooldown`,
/// `cooldown_active`, … and `check_cooldown_blocks` offers `check_cooldown`.
pub fn routing_related<'a>(
    names: impl IntoIterator<Item = &'a str>,
    is_forbidden: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut out = BTreeSet::new();
    for name in names {
        if candidates(name).into_iter().any(&is_forbidden) {
            out.insert(name.to_string());
        }
    }
    out.into_iter().collect()
}

/// Every run of consecutive words of every identifier segment of `name`.
fn candidates(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for seg in name.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        let words = word_spans(seg);
        for i in 0..words.len() {
            for j in i..words.len() {
                out.push(&seg[words[i].0..words[j].1]);
            }
        }
    }
    out
}

/// Byte spans of the words of an identifier: split at `_`, at a lower-case letter or digit
/// followed by an upper-case one, and before the last capital of an acronym followed by a
/// lower-case letter (`WFEStatus` → `WFE`, `Status`).
fn word_spans(ident: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = ident.char_indices().collect();
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    for (k, &(i, c)) in chars.iter().enumerate() {
        if c == '_' {
            if let Some(s) = start.take() {
                spans.push((s, i));
            }
            continue;
        }
        if let Some(s) = start
            && c.is_uppercase()
        {
            let prev = chars[k - 1].1;
            let next_lower = chars.get(k + 1).is_some_and(|n| n.1.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                spans.push((s, i));
                start = Some(i);
                continue;
            }
        }
        if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        spans.push((s, ident.len()));
    }
    spans
}

// ---------------------------------------------------------------------------------------
// go test -json

#[derive(Deserialize)]
struct GoEvent {
    #[serde(rename = "Action")]
    action: Option<String>,
    #[serde(rename = "Package", default)]
    package: Option<String>,
    #[serde(rename = "Test", default)]
    test: Option<String>,
}

/// Counts one outcome per finished test (subtests included). Package-level events are not
/// tests. A test that started but never finished (a panic, a timeout) counts as failed.
/// Lines that are not JSON objects (build output mixed in with `2>&1`) are ignored.
fn go_json(text: &str, source: &str) -> Result<Vec<TestCase>, String> {
    let mut cases: Vec<(String, Option<Outcome>)> = Vec::new();
    // Index of the latest entry per test, to pair `run` with its outcome.
    let mut latest: HashMap<String, usize> = HashMap::new();
    let mut events = 0usize;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if !line.starts_with('{') {
            continue;
        }
        let ev: GoEvent = serde_json::from_str(line)
            .map_err(|e| format!("{source}:{}: not a `go test -json` event: {e}", n + 1))?;
        let Some(action) = ev.action else { continue };
        events += 1;
        let Some(test) = ev.test.filter(|t| !t.is_empty()) else {
            continue;
        };
        let name = match ev.package.as_deref() {
            Some(p) if !p.is_empty() => format!("{p}/{test}"),
            _ => test,
        };
        let outcome = match action.as_str() {
            "pass" => Some(Outcome::Passed),
            "fail" => Some(Outcome::Failed),
            "skip" => Some(Outcome::Skipped),
            "run" => None,
            _ => continue,
        };
        match (latest.get(&name).copied(), outcome) {
            // The outcome of the run in progress.
            (Some(i), Some(o)) if cases[i].1.is_none() => cases[i].1 = Some(o),
            // A run already in progress is not restarted by a second `run`.
            (Some(i), None) if cases[i].1.is_none() => {}
            // A new run (first sight, or `-count` > 1), possibly reported without `run`.
            (_, o) => {
                latest.insert(name.clone(), cases.len());
                cases.push((name, o));
            }
        }
    }
    if events == 0 {
        return Err(format!(
            "{source}: no `go test -json` event (objects with an `Action` field) found"
        ));
    }
    Ok(cases
        .into_iter()
        .map(|(name, o)| TestCase {
            name,
            outcome: o.unwrap_or(Outcome::Failed),
        })
        .collect())
}

// ---------------------------------------------------------------------------------------
// JUnit XML

/// A `<testcase>` with a `<failure>` or `<error>` child failed; with `<skipped>` it was
/// skipped; otherwise it passed (`<flakyFailure>`, `<rerunFailure>` of a retried test that
/// finally passed do not make it fail).
fn junit(text: &str, source: &str) -> Result<Vec<TestCase>, String> {
    let tokens = xml::scan(text).map_err(|e| format!("{source}: invalid XML: {e}"))?;
    let root = tokens.iter().find_map(|t| match t {
        xml::Token::Start { name, .. } => Some(name.as_str()),
        _ => None,
    });
    match root {
        Some("testsuites") | Some("testsuite") => {}
        Some(other) => {
            return Err(format!(
                "{source}: not JUnit XML: the root element is <{other}>, expected <testsuites> or <testsuite>"
            ));
        }
        None => return Err(format!("{source}: not JUnit XML: no element")),
    }
    let mut cases = Vec::new();
    let mut depth = 0usize;
    // (depth of the open <testcase>, its name, its outcome so far)
    let mut open: Option<(usize, String, Outcome)> = None;
    for t in &tokens {
        match t {
            xml::Token::Start { name, attrs, empty } => {
                depth += 1;
                if name == "testcase" && open.is_none() {
                    let attr = |k: &str| {
                        attrs
                            .iter()
                            .find(|(n, _)| n == k)
                            .map(|(_, v)| v.as_str())
                            .unwrap_or("")
                    };
                    let case = match (attr("classname"), attr("name")) {
                        ("", n) => n.to_string(),
                        (c, n) => format!("{c}::{n}"),
                    };
                    open = Some((depth, case, Outcome::Passed));
                } else if let Some((d, _, outcome)) = open.as_mut()
                    && depth == *d + 1
                {
                    match name.as_str() {
                        "failure" | "error" => *outcome = Outcome::Failed,
                        "skipped" if *outcome == Outcome::Passed => *outcome = Outcome::Skipped,
                        _ => {}
                    }
                }
                if *empty {
                    close(&mut depth, &mut open, &mut cases);
                }
            }
            xml::Token::End { .. } => close(&mut depth, &mut open, &mut cases),
        }
    }
    Ok(cases)
}

fn close(
    depth: &mut usize,
    open: &mut Option<(usize, String, Outcome)>,
    cases: &mut Vec<TestCase>,
) {
    if open.as_ref().is_some_and(|(d, _, _)| *d == *depth)
        && let Some((_, name, outcome)) = open.take()
    {
        cases.push(TestCase { name, outcome });
    }
    *depth -= 1;
}

/// A small XML scanner: elements and attributes only, enough to read test reports. It
/// checks that tags nest and close, skips the prolog, comments, CDATA, processing
/// instructions and DOCTYPE, and decodes the predefined and numeric entities in attribute
/// values. Text content is skipped.
mod xml {
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum Token {
        Start {
            name: String,
            attrs: Vec<(String, String)>,
            /// `<x/>`: no matching `End` follows.
            empty: bool,
        },
        End {
            name: String,
        },
    }

    pub fn scan(s: &str) -> Result<Vec<Token>, String> {
        let mut tokens = Vec::new();
        let mut stack: Vec<String> = Vec::new();
        let mut roots = 0;
        let mut pos = 0;
        let line = |at: usize| s[..at].matches('\n').count() + 1;
        while let Some(off) = s[pos..].find('<') {
            let at = pos + off;
            if stack.is_empty() && !s[pos..at].trim().is_empty() {
                return Err(format!("line {}: text outside the root element", line(at)));
            }
            let rest = &s[at..];
            let skip_to = |end: &str, what: &str| -> Result<usize, String> {
                rest.find(end)
                    .map(|i| at + i + end.len())
                    .ok_or_else(|| format!("line {}: unterminated {what}", line(at)))
            };
            if rest.starts_with("<?") {
                pos = skip_to("?>", "processing instruction")?;
            } else if rest.starts_with("<!--") {
                pos = skip_to("-->", "comment")?;
            } else if rest.starts_with("<![CDATA[") {
                if stack.is_empty() {
                    return Err(format!("line {}: CDATA outside the root element", line(at)));
                }
                pos = skip_to("]]>", "CDATA section")?;
            } else if rest.starts_with("<!") {
                // DOCTYPE, possibly with an internal subset in brackets.
                let mut depth = 0i32;
                let end = rest.char_indices().find(|&(_, c)| {
                    match c {
                        '[' => depth += 1,
                        ']' => depth -= 1,
                        '>' if depth <= 0 => return true,
                        _ => {}
                    }
                    false
                });
                pos = at
                    + end
                        .map(|(i, _)| i + 1)
                        .ok_or_else(|| format!("line {}: unterminated declaration", line(at)))?;
            } else if let Some(body) = rest.strip_prefix("</") {
                let close = body
                    .find('>')
                    .ok_or_else(|| format!("line {}: unterminated end tag", line(at)))?;
                let name = body[..close].trim().to_string();
                match stack.pop() {
                    Some(open) if open == name => {}
                    Some(open) => {
                        return Err(format!("line {}: </{name}> closes <{open}>", line(at)));
                    }
                    None => {
                        return Err(format!("line {}: </{name}> without a start tag", line(at)));
                    }
                }
                tokens.push(Token::End { name });
                pos = at + 2 + close + 1;
            } else {
                let (tok, used) = start_tag(rest).map_err(|e| format!("line {}: {e}", line(at)))?;
                if let Token::Start { name, empty, .. } = &tok {
                    if stack.is_empty() {
                        roots += 1;
                        if roots > 1 {
                            return Err(format!(
                                "line {}: a second root element <{name}>",
                                line(at)
                            ));
                        }
                    }
                    if !empty {
                        stack.push(name.clone());
                    }
                }
                tokens.push(tok);
                pos = at + used;
            }
        }
        if !s[pos..].trim().is_empty() && stack.is_empty() {
            return Err(format!("line {}: text outside the root element", line(pos)));
        }
        if let Some(open) = stack.last() {
            return Err(format!("unexpected end of file: <{open}> is not closed"));
        }
        if roots == 0 {
            return Err("no element".into());
        }
        Ok(tokens)
    }

    fn is_name_char(c: char) -> bool {
        c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
    }

    /// Parses `<name attr="v" …>` or `<name … />` at the start of `s`; returns the token and
    /// the number of bytes used.
    fn start_tag(s: &str) -> Result<(Token, usize), String> {
        let b = s.as_bytes();
        let mut i = 1;
        let name_end = s[i..]
            .find(|c: char| !is_name_char(c))
            .map_or(s.len(), |k| i + k);
        let name = &s[i..name_end];
        if name.is_empty() || !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            return Err("a `<` that starts no tag (write `&lt;`)".into());
        }
        i = name_end;
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() {
                return Err(format!("unterminated <{name}> tag"));
            }
            if s[i..].starts_with("/>") {
                let tok = Token::Start {
                    name: name.to_string(),
                    attrs,
                    empty: true,
                };
                return Ok((tok, i + 2));
            }
            if b[i] == b'>' {
                let tok = Token::Start {
                    name: name.to_string(),
                    attrs,
                    empty: false,
                };
                return Ok((tok, i + 1));
            }
            if i == name_end || !b[i - 1].is_ascii_whitespace() {
                return Err(format!("<{name}>: expected whitespace before an attribute"));
            }
            let an_end = s[i..]
                .find(|c: char| !is_name_char(c))
                .map_or(s.len(), |k| i + k);
            let an = &s[i..an_end];
            if an.is_empty() {
                return Err(format!("<{name}>: unexpected `{}`", &s[i..i + 1]));
            }
            i = an_end;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() || b[i] != b'=' {
                return Err(format!("<{name}>: attribute `{an}` has no value"));
            }
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let q = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => q as char,
                _ => return Err(format!("<{name}>: attribute `{an}` is not quoted")),
            };
            let vs = i + 1;
            let ve = s[vs..]
                .find(q)
                .map(|k| vs + k)
                .ok_or_else(|| format!("<{name}>: unterminated value of `{an}`"))?;
            let raw = &s[vs..ve];
            if raw.contains('<') {
                return Err(format!("<{name}>: `<` inside the value of `{an}`"));
            }
            attrs.push((an.to_string(), unescape(raw)));
            i = ve + 1;
        }
    }

    /// Decodes `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#N;` `&#xH;`; anything else is kept.
    pub fn unescape(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            rest = &rest[amp..];
            let decoded = rest.find(';').and_then(|semi| {
                let ent = &rest[1..semi];
                let c = match ent {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => ent
                        .strip_prefix("#x")
                        .or_else(|| ent.strip_prefix("#X"))
                        .map(|h| u32::from_str_radix(h, 16))
                        .or_else(|| ent.strip_prefix('#').map(|d| d.parse::<u32>()))
                        .and_then(|r| r.ok())
                        .and_then(char::from_u32),
                };
                c.map(|c| (c, semi + 1))
            });
            match decoded {
                Some((c, used)) => {
                    out.push(c);
                    rest = &rest[used..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/test-results")
            .join(name)
    }

    fn counts(r: &TestRun) -> (usize, usize, usize) {
        (
            r.count(Outcome::Passed),
            r.count(Outcome::Failed),
            r.count(Outcome::Skipped),
        )
    }

    const PKG: &str = "github.com/acme/kubernaut/internal/controller/workflowexecution";

    #[test]
    fn go_test_json_stream() {
        let r = read(&fixture("go-test.json")).unwrap();
        assert_eq!(counts(&r), (6, 1, 1));
        let failed: Vec<&str> = r
            .cases
            .iter()
            .filter(|c| c.outcome == Outcome::Failed)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(
            failed,
            [format!("{PKG}/TestReconcilePending_CooldownBlocks")]
        );
        assert!(r.cases.iter().any(|c| c.name
            == format!("{PKG}/TestReconcileRunning/pipelinerun_failed")
            && c.outcome == Outcome::Passed));
        assert!(r.source.ends_with("go-test.json"));
    }

    #[test]
    fn nextest_junit() {
        let r = read(&fixture("nextest-junit.xml")).unwrap();
        assert_eq!(counts(&r), (4, 1, 0));
        let failed: Vec<&str> = r
            .cases
            .iter()
            .filter(|c| c.outcome == Outcome::Failed)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(
            failed,
            ["routeaudit::report::sarif::tests::logs_validate_against_the_official_schema"]
        );
    }

    #[test]
    fn gotestsum_junit() {
        let r = read(&fixture("gotestsum-junit.xml")).unwrap();
        assert_eq!(counts(&r), (4, 1, 1));
        assert!(
            r.cases
                .iter()
                .any(|c| c.name == format!("{PKG}::TestHandleAlreadyExists")
                    && c.outcome == Outcome::Skipped)
        );
    }

    #[test]
    fn merged_results_and_routing_tests() {
        let runs: Vec<TestRun> = ["go-test.json", "nextest-junit.xml", "gotestsum-junit.xml"]
            .iter()
            .map(|f| read(&fixture(f)).unwrap())
            .collect();
        let forbidden = ["CheckCooldown", "MarkSkipped", "check_resource_lock"];
        let r = summarize(&runs, |s| forbidden.contains(&s));
        assert_eq!((r.passed, r.failed, r.skipped), (14, 3, 2));
        assert_eq!(
            r.failures,
            [
                format!("{PKG}/TestReconcilePending_CooldownBlocks"),
                format!("{PKG}::TestCheckCooldown_Expired"),
                "routeaudit::report::sarif::tests::logs_validate_against_the_official_schema"
                    .to_string(),
            ]
        );
        assert_eq!(
            r.routing_related,
            [
                format!("{PKG}::TestCheckCooldown_Expired"),
                "routeaudit::cli::check_resource_lock_is_reported".to_string(),
            ]
        );
        assert_eq!(r.sources.len(), 3);
    }

    #[test]
    fn names_split_into_identifier_words() {
        let c = candidates("TestReconcile_CheckCooldown/cooldown_active");
        for want in [
            "TestReconcile_CheckCooldown",
            "CheckCooldown",
            "Cooldown",
            "cooldown_active",
            "Test",
        ] {
            assert!(c.contains(&want), "{want} in {c:?}");
        }
        assert!(!c.contains(&"CheckCooldown/cooldown"));
        let spans = |s: &'static str| -> Vec<&'static str> {
            word_spans(s).into_iter().map(|(a, b)| &s[a..b]).collect()
        };
        assert_eq!(
            spans("TestWFEStatus_ok2Go"),
            ["Test", "WFE", "Status", "ok2", "Go"]
        );
        assert_eq!(spans("__x__"), ["x"]);
        let names = [
            "pkg/TestMarkSkipped",
            "pkg/TestMarkSkippedLater",
            "pkg/TestMarkSkipped",
            "tests::marks_skipped",
        ];
        assert_eq!(
            routing_related(names, |s| s == "MarkSkipped"),
            ["pkg/TestMarkSkipped", "pkg/TestMarkSkippedLater"]
        );
    }

    #[test]
    fn detection_and_errors_name_the_file() {
        let e = parse("FAIL\tgithub.com/x\n", "out.txt").unwrap_err();
        assert!(e.starts_with("out.txt: neither"), "{e}");
        let e = parse("  \n", "empty.json").unwrap_err();
        assert!(e.starts_with("empty.json: empty file"), "{e}");
        let e = parse("{\"Action\":\"run\",\"Test\":\"T\"}\n{oops\n", "t.json").unwrap_err();
        assert!(
            e.starts_with("t.json:2: not a `go test -json` event"),
            "{e}"
        );
        let e = parse("{\"a\":1}\n", "x.json").unwrap_err();
        assert!(e.contains("no `go test -json` event"), "{e}");
        let e = parse("<html><body/></html>", "r.xml").unwrap_err();
        assert!(e.contains("root element is <html>"), "{e}");
        let e = parse("<testsuites><testsuite></testsuites>", "r.xml").unwrap_err();
        assert!(
            e.starts_with("r.xml: invalid XML: line 1: </testsuites> closes <testsuite>"),
            "{e}"
        );
        let e = read(Path::new("/nonexistent/results.xml")).unwrap_err();
        assert!(e.contains("cannot read /nonexistent/results.xml"), "{e}");
    }

    #[test]
    fn go_json_edge_cases() {
        let text = r#"
# build output mixed in
{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":0}
{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"fail","Package":"p","Test":"TestA","Elapsed":0}
{"Action":"run","Package":"p","Test":"TestPanics"}
{"Action":"skip","Test":"TestNoPkg"}
{"Action":"fail","Package":"p","Elapsed":0.1}
"#;
        let r = parse(text, "s.json").unwrap();
        assert_eq!(
            r.cases,
            [
                TestCase {
                    name: "p/TestA".into(),
                    outcome: Outcome::Passed
                },
                TestCase {
                    name: "p/TestA".into(),
                    outcome: Outcome::Failed
                },
                TestCase {
                    name: "p/TestPanics".into(),
                    outcome: Outcome::Failed
                },
                TestCase {
                    name: "TestNoPkg".into(),
                    outcome: Outcome::Skipped
                },
            ]
        );
    }

    #[test]
    fn junit_variants() {
        // go-junit-report style: CDATA, a comment, a DOCTYPE, a bare <testsuite> root,
        // entities in attributes, an <error>, and a flaky retry that passed.
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE testsuite [ <!ENTITY x "y"> ]>
<!-- written by a test -->
<testsuite name="p" tests="5">
  <testcase classname="p" name="TestLt&lt;&#62;&#x41;" time="0"/>
  <testcase classname='p' name='TestErr'><error message="panic"><![CDATA[ <not a tag> ]]></error></testcase>
  <testcase name="NoClass"><skipped/></testcase>
  <testcase classname="p" name="Flaky"><flakyFailure message="1st try"/><system-out>a &lt; b</system-out></testcase>
  <testcase classname="p" name="Both"><skipped/><failure/></testcase>
</testsuite>
"#;
        let r = parse(text, "j.xml").unwrap();
        let got: Vec<(&str, Outcome)> = r
            .cases
            .iter()
            .map(|c| (c.name.as_str(), c.outcome))
            .collect();
        assert_eq!(
            got,
            [
                ("p::TestLt<>A", Outcome::Passed),
                ("p::TestErr", Outcome::Failed),
                ("NoClass", Outcome::Skipped),
                ("p::Flaky", Outcome::Passed),
                ("p::Both", Outcome::Failed),
            ]
        );
    }

    #[test]
    fn xml_scanner_rejects_malformed_input() {
        for bad in [
            "<testsuites>",
            "<testsuites></testsuite>",
            "<testsuites a=1></testsuites>",
            "<testsuites a=\"1></testsuites>",
            "<testsuites a=\"1\"b=\"2\"></testsuites>",
            "<testsuites><!-- x </testsuites>",
            "<testsuites/><testsuites/>",
            "<testsuites>< x/></testsuites>",
            "</testsuites>",
        ] {
            assert!(xml::scan(bad).is_err(), "{bad}");
        }
        assert_eq!(
            xml::unescape("a &amp;amp; &bogus; &#0; &"),
            "a &amp; &bogus; \0 &"
        );
    }
}
