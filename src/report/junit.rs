//! JUnit XML for CI test dashboards: every policy rule is one test case.
//!
//! Owns the XML layout and its escaping. A rule with findings that fail the run (they count
//! and are at or above `--fail-on`) fails, with one `<failure>` per such finding; the other
//! findings (below the threshold, test code under `tests = "separate"`, suppressed,
//! baselined) are listed in the case's `<system-out>`, so the report agrees with the exit code.
//! Unreadable files add one extra case, `files-readable`, with an `<error>` each, so an
//! incomplete audit cannot look green. Output is deterministic (no timestamps, no durations).
//! It must not evaluate rules or decide the verdict.

use std::fmt::Write as _;
use std::io;

use crate::audit::{Audit, Finding, RuleInfo, Status};

/// Writes `audit` as a JUnit XML report.
pub(crate) fn render(audit: &Audit, out: &mut dyn io::Write) -> io::Result<()> {
    let fail_on = audit.context.fail_on;
    let policy = &audit.policy.name;
    let classname = format!("routeaudit.{policy}");

    let mut cases = String::new();
    let mut failed_cases = 0;
    for r in &audit.rules {
        let of_rule: Vec<&Finding> = audit.findings.iter().filter(|f| f.rule == r.id).collect();
        let counting: Vec<&Finding> = of_rule
            .iter()
            .copied()
            .filter(|f| f.fails(fail_on))
            .collect();
        let others: Vec<&Finding> = of_rule
            .iter()
            .copied()
            .filter(|f| !f.fails(fail_on))
            .collect();
        if !counting.is_empty() {
            failed_cases += 1;
        }
        let _ = write!(
            cases,
            "    <testcase classname=\"{}\" name=\"{}\"",
            attr(&classname),
            attr(&r.id)
        );
        if counting.is_empty() && others.is_empty() {
            cases.push_str("/>\n");
            continue;
        }
        cases.push_str(">\n");
        for f in &counting {
            let _ = writeln!(
                cases,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                attr(&super::sarif::message(f)),
                f.severity.as_str(),
                text(&failure_text(r, f))
            );
        }
        if !others.is_empty() {
            let listed: Vec<String> = others
                .iter()
                .map(|f| format!("{} ({})", f.location(), why_not_counted(f)))
                .collect();
            let _ = writeln!(
                cases,
                "      <system-out>Not failing:\n{}</system-out>",
                text(&listed.join("\n"))
            );
        }
        cases.push_str("    </testcase>\n");
    }

    let mut errors = 0;
    if !audit.errors.is_empty() {
        errors = 1;
        let _ = writeln!(
            cases,
            "    <testcase classname=\"{}\" name=\"files-readable\">",
            attr(&classname)
        );
        for e in &audit.errors {
            let _ = writeln!(
                cases,
                "      <error message=\"{}\" type=\"file-error\">{}</error>",
                attr(&format!("{}: {}", e.file, e.message)),
                text(match e.kind {
                    crate::audit::FileErrorKind::Unreadable =>
                        "the verdict cannot be trusted: this file in scope could not be read",
                    crate::audit::FileErrorKind::InvalidSuppression =>
                        "the verdict cannot be trusted: this routeaudit:allow directive needs a rule and a reason",
                })
            );
        }
        cases.push_str("    </testcase>\n");
    }

    let tests = audit.rules.len() + errors;
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"routeaudit\" tests=\"{tests}\" failures=\"{failed_cases}\" errors=\"{errors}\">"
    )?;
    writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failed_cases}\" errors=\"{errors}\" skipped=\"0\">",
        attr(policy)
    )?;
    writeln!(out, "    <properties>")?;
    for (k, v) in [
        ("policy.source", audit.policy.source.as_str()),
        ("tool.version", audit.tool.version.as_str()),
    ] {
        writeln!(out, "      <property name=\"{k}\" value=\"{}\"/>", attr(v))?;
    }
    writeln!(out, "    </properties>")?;
    out.write_all(cases.as_bytes())?;
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

fn why_not_counted(f: &Finding) -> &'static str {
    match f.status {
        Status::Suppressed { .. } => "suppressed",
        Status::Baselined => "baselined",
        Status::OutsideDiff => "outside the diff",
        Status::TestCode => "test code",
        Status::Counted => "below --fail-on",
    }
}

/// The body of a `<failure>`: where, what, which symbol, and the call chain.
fn failure_text(r: &RuleInfo, f: &Finding) -> String {
    let mut t = format!("{}\n{}", f.location(), super::sarif::message(f));
    if let Some(s) = &f.symbol {
        let _ = write!(t, "\nsymbol: {s}");
        if let Some(m) = f.matched.as_deref().filter(|m| m != s) {
            let _ = write!(t, " (matches {m})");
        }
    }
    if let Some(func) = &f.in_function {
        let _ = write!(t, "\nin function: {func}");
    }
    if !f.chain.is_empty() {
        let hops: Vec<String> = f
            .chain
            .iter()
            .map(|h| format!("{} ({}:{})", h.function, h.file, h.line))
            .collect();
        let _ = write!(t, "\nchain: {}", hops.join(" → "));
    }
    let _ = write!(t, "\nrule: {} ({}), defined at {}", r.id, r.kind, r.origin);
    t
}

/// Characters XML 1.0 cannot carry at all are dropped.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes element text.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value; whitespace that attribute normalisation would flatten is
/// written as character references.
fn attr(s: &str) -> String {
    text(s).replace('\n', "&#10;").replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;
    use crate::testresults::{self, Outcome};

    fn xml(a: &Audit) -> String {
        sample::rendered(render, a)
    }

    #[test]
    fn impure_report() {
        insta::assert_snapshot!("junit_impure", xml(&sample::impure()));
    }

    #[test]
    fn clean_report() {
        insta::assert_snapshot!("junit_clean", xml(&sample::clean()));
    }

    #[test]
    fn reads_back_with_the_results_reader() {
        let mut a = sample::impure();
        let run = testresults::parse(&xml(&a), "routeaudit-junit.xml").unwrap();
        let failing = |a: &Audit| {
            a.rules
                .iter()
                .filter(|r| {
                    a.findings
                        .iter()
                        .any(|f| f.rule == r.id && f.fails(a.context.fail_on))
                })
                .count()
        };
        let failing_rules = failing(&a);
        assert_eq!(run.cases.len(), a.rules.len());
        assert_eq!(run.count(Outcome::Failed), failing_rules);
        // with --fail-on error, the warning-level rule passes, as the exit code does
        assert_eq!(failing_rules, 4);
        a.context.fail_on = Some(crate::policy::Severity::Warning);
        let strict = testresults::parse(&xml(&a), "strict.xml").unwrap();
        assert_eq!(strict.count(Outcome::Failed), 5);
        assert_eq!(failing(&a), 5);
        a.context.fail_on = Some(crate::policy::Severity::Error);
        // the rule without findings and the warning-level one pass
        assert_eq!(run.count(Outcome::Passed), 2);
        assert!(
            run.cases
                .iter()
                .any(|c| c.name == "routeaudit.pure-executor::no-skip-api"
                    && c.outcome == Outcome::Passed)
        );

        let clean = testresults::parse(&xml(&sample::clean()), "c.xml").unwrap();
        assert_eq!(clean.count(Outcome::Passed), a.rules.len());

        let inc = testresults::parse(&xml(&sample::incomplete()), "i.xml").unwrap();
        assert_eq!(inc.cases.len(), a.rules.len() + 1);
        assert_eq!(inc.count(Outcome::Failed), failing_rules + 1);
    }

    #[test]
    fn hostile_text_stays_well_formed() {
        let mut a = sample::impure();
        a.policy.name = "p\"<&>'".into();
        for f in &mut a.findings {
            f.message = "a < b && c > \"d\" 'e' \u{1}\u{0}\u{1b}]]>\ttab\r\n".into();
        }
        let out = xml(&a);
        assert!(!out.contains('\u{1}') && !out.contains('\u{0}') && !out.contains('\u{1b}'));
        let run = testresults::parse(&out, "h.xml").unwrap();
        assert_eq!(run.count(Outcome::Failed), 4);
        assert!(run.cases[0].name.starts_with("routeaudit.p\"<&>'::"));
    }

    #[test]
    fn escaping() {
        assert_eq!(
            text("a&b<c>d\"e'f\u{7}g"),
            "a&amp;b&lt;c&gt;d&quot;e&apos;fg"
        );
        assert_eq!(attr("x\ny\tz\r"), "x&#10;y&#9;z&#13;");
    }
}
