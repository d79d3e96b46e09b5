//! Test evidence: reads `--test-results` files into per-test outcomes and sums them into the
//! audit's [`TestResults`].
//!
//! Owns the two input formats — a `go test -json` event stream ([`gojson`]) and JUnit XML as
//! written by cargo-nextest, gotestsum and go-junit-report ([`junit`], on quick-xml) — the
//! detection between them by content, and which test names are "routing-related" ([`names`]:
//! they hold a forbidden symbol of the policy). It must not run tests or touch the audited
//! tree.

mod gojson;
mod junit;
mod names;

use std::collections::BTreeSet;
use std::path::Path;

use crate::audit::TestResults;

pub(crate) use names::{RoutingNames, routing_related};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Passed,
    Failed,
    Skipped,
}

/// One executed test. `name` is `package/TestName` (Go; `TestName` without a package) or
/// `classname::name` (JUnit; `name` without a classname).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TestCase {
    pub name: String,
    pub outcome: Outcome,
}

/// The tests of one results file, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TestRun {
    /// The file as named on the command line.
    pub source: String,
    pub cases: Vec<TestCase>,
}

impl TestRun {
    pub(crate) fn count(&self, outcome: Outcome) -> usize {
        self.cases.iter().filter(|c| c.outcome == outcome).count()
    }
}

/// Reads one results file; the error names the file and says what is wrong with it.
pub(crate) fn read(path: &Path) -> Result<TestRun, String> {
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
pub(crate) fn parse(text: &str, source: &str) -> Result<TestRun, String> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let cases = match body.chars().next() {
        Some('<') => junit::parse(body, source)?,
        Some('{') => gojson::parse(body, source)?,
        // `go test -json 2>&1` can put build output before the first event.
        Some(_) if body.lines().any(|l| l.trim_start().starts_with("{\"")) => {
            gojson::parse(body, source)?
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
pub(crate) fn merge(runs: &[TestRun]) -> TestResults {
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
pub(crate) fn summarize(runs: &[TestRun], routing: &RoutingNames) -> TestResults {
    let mut r = merge(runs);
    r.routing_related = routing_related(
        runs.iter()
            .flat_map(|run| run.cases.iter().map(|c| c.name.as_str())),
        routing,
    );
    r
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
        let routing = RoutingNames::new(forbidden, crate::policy::Naming::Exact, Vec::new());
        let r = summarize(&runs, &routing);
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
        assert!(
            e.starts_with("test results: cannot read /nonexistent/results.xml"),
            "{e}"
        );
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
            let e = parse(bad, "bad.xml").unwrap_err();
            assert!(e.starts_with("bad.xml: invalid XML: "), "{bad}: {e}");
        }
        assert_eq!(
            junit::unescape("a &amp;amp; &bogus; &#0; &"),
            "a &amp; &bogus; \0 &"
        );
    }
}
