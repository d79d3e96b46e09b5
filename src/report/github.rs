//! GitHub Actions workflow commands (`::error file=…::message`), one annotation per finding
//! that counts and one per audit warning or unreadable file.
//!
//! Owns the annotation lines and their escaping, which follows the Actions toolkit: message
//! data escapes `%`, CR and LF; property values also escape `:` and `,`. Findings that do not
//! count (test code under `tests = "separate"`, suppressed, baselined) are not annotated; one
//! closing `::notice` says how many were left out, and a passing run says PASS in one.
//!
//! Also owns the job's step summary (the Markdown a workflow appends to
//! `$GITHUB_STEP_SUMMARY`): the verdict, the counts per rule and the first findings as links.
//! It must not evaluate rules or decide the verdict.

use std::fmt::Write as _;
use std::io;

use super::markdown::{code, md};
use crate::audit::{Audit, Finding, Verdict};
use crate::policy::Severity;

/// How many findings the step summary lists; the rest are counted.
pub(crate) const SUMMARY_FINDINGS: usize = 20;

/// Writes the annotations for `audit` to `out`, one command per line.
pub(crate) fn render(audit: &Audit, out: &mut dyn io::Write) -> io::Result<()> {
    for f in audit.findings.iter().filter(|f| f.counts()) {
        writeln!(out, "{}", annotation(f))?;
    }
    for w in &audit.warnings {
        let props = properties(&[
            ("file", w.file.clone()),
            ("line", w.line.map(|l| l.to_string())),
            ("title", Some(format!("routeaudit {}", w.code))),
        ]);
        writeln!(out, "::warning {props}::{}", escape_data(&w.message))?;
    }
    for e in &audit.errors {
        let props = properties(&[
            ("file", Some(e.file.clone())),
            ("line", e.line.map(|l| l.to_string())),
            ("title", Some(format!("routeaudit: {}", e.kind.title()))),
        ]);
        writeln!(
            out,
            "::error {props}::{}",
            escape_data(&format!(
                "{}: {} (the verdict cannot be trusted)",
                e.file, e.message
            ))
        )?;
    }
    let left_out = audit.findings.iter().filter(|f| !f.counts()).count();
    let parts = audit.summary.not_counted();
    if left_out > 0 {
        writeln!(
            out,
            "::notice title=routeaudit::{}",
            escape_data(&format!(
                "{} not annotated because {} not count: {}",
                plural(left_out, "finding", "findings"),
                if left_out == 1 { "it does" } else { "they do" },
                parts.join(", ")
            ))
        )?;
    }
    if audit.verdict == Verdict::Pass {
        writeln!(
            out,
            "::notice title=routeaudit {}::{}",
            escape_property(&verdict_word(audit)),
            escape_data(&verdict_line(audit))
        )?;
    }
    Ok(())
}

/// `PASS`, `PASS (--fail-on never)` when findings count but nothing fails, `FAIL` or
/// `INCOMPLETE`.
fn verdict_word(audit: &Audit) -> String {
    let s = &audit.summary;
    match audit.verdict {
        Verdict::Pass if audit.context.fail_on.is_none() && s.errors + s.warnings + s.infos > 0 => {
            "PASS (--fail-on never)".into()
        }
        Verdict::Pass => "PASS".into(),
        Verdict::Fail => "FAIL".into(),
        Verdict::Error => "INCOMPLETE".into(),
    }
}

/// One line with the verdict and the counts:
/// `routeaudit PASS: policy pure-executor — 0 errors, 0 warnings, 1 suppressed (4 files scanned)`.
fn verdict_line(audit: &Audit) -> String {
    format!(
        "routeaudit {}: policy {} — {} ({} scanned{})",
        verdict_word(audit),
        audit.policy.name,
        counts(audit).join(", "),
        plural(audit.summary.files_scanned, "file", "files"),
        if audit.errors.is_empty() {
            String::new()
        } else {
            format!(", {} unreadable", audit.errors.len())
        }
    )
}

/// `2 errors`, `1 warning`, infos when there are any, then what does not count.
fn counts(audit: &Audit) -> Vec<String> {
    let s = &audit.summary;
    let mut parts = vec![
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
    ];
    if s.infos > 0 {
        parts.push(plural(s.infos, "info", "infos"));
    }
    parts.extend(s.not_counted());
    parts
}

/// Where the step summary's findings link to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Links {
    /// `https://github.com/OWNER/REPO/blob/SHA/`: absolute links to the audited commit;
    /// `None`: links relative to the repository root.
    pub blob: Option<String>,
}

impl Links {
    /// From the workflow's `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` and `GITHUB_SHA`
    /// (all three set and not empty), looked up through `var`.
    pub(crate) fn from_env(var: impl Fn(&str) -> Option<String>) -> Links {
        let get = |k: &str| var(k).filter(|v| !v.trim().is_empty());
        let blob = match (
            get("GITHUB_SERVER_URL"),
            get("GITHUB_REPOSITORY"),
            get("GITHUB_SHA"),
        ) {
            (Some(server), Some(repo), Some(sha)) => Some(format!(
                "{}/{}/blob/{}/",
                server.trim_end_matches('/'),
                repo.trim_matches('/'),
                sha.trim()
            )),
            _ => None,
        };
        Links { blob }
    }

    /// The link to `file` (relative to the repository root) at `line`.
    pub(crate) fn to(&self, file: &str, line: Option<u32>) -> String {
        let mut url = self.blob.clone().unwrap_or_default();
        url.push_str(&encode_path(file));
        if let Some(l) = line {
            let _ = write!(url, "#L{l}");
        }
        url
    }
}

/// `path` percent-encoded for a URL: everything but unreserved characters and `/`.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The Markdown step summary: a heading with the verdict, the counts, a table of the rules
/// and the first [`SUMMARY_FINDINGS`] findings that count, each linked to its line.
pub(crate) fn step_summary(audit: &Audit, links: &Links) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "### routeaudit: {}\n", md(&verdict_word(audit)));
    let _ = writeln!(
        s,
        "Policy {} ({}): {}; {} scanned{}.\n",
        code(&audit.policy.name),
        code(&audit.policy.source),
        counts(audit).join(", "),
        plural(audit.summary.files_scanned, "file", "files"),
        if audit.errors.is_empty() {
            String::new()
        } else {
            format!(
                ", {} could not be read: the verdict cannot be trusted",
                plural(audit.errors.len(), "file", "files")
            )
        }
    );
    if !audit.rules.is_empty() {
        s.push_str("| rule | severity | counted | not counted |\n| --- | --- | ---: | --- |\n");
        for r in &audit.rules {
            let apart = crate::audit::not_counted(audit.findings.iter().filter(|f| f.rule == r.id));
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                code(&r.id).replace('|', "\\|"),
                r.severity,
                r.findings,
                if apart.is_empty() {
                    "—".to_string()
                } else {
                    apart.join(", ")
                }
            );
        }
        s.push('\n');
    }
    let counted: Vec<&Finding> = audit.findings.iter().filter(|f| f.counts()).collect();
    if !counted.is_empty() {
        let _ = writeln!(s, "#### Findings\n");
        for f in counted.iter().take(SUMMARY_FINDINGS) {
            let place = match &f.file {
                Some(file) => format!("[{}]({})", code(&f.location()), links.to(file, f.line)),
                None => md(&f.location()),
            };
            let _ = writeln!(
                s,
                "- {place} {} {}: {}",
                f.severity,
                code(&f.rule),
                md(&one_line(&super::sarif::message(f)))
            );
        }
        if counted.len() > SUMMARY_FINDINGS {
            let _ = writeln!(
                s,
                "- … and {} more (see the annotations or the full report)",
                counted.len() - SUMMARY_FINDINGS
            );
        }
        s.push('\n');
    }
    for e in audit.errors.iter().take(SUMMARY_FINDINGS) {
        let _ = writeln!(
            s,
            "- error: {} could not be read: {}",
            code(&e.file),
            md(&one_line(&e.message))
        );
    }
    if !audit.errors.is_empty() {
        s.push('\n');
    }
    s
}

fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\n', '\r'], " ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One workflow command for a finding.
pub(crate) fn annotation(f: &Finding) -> String {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let props = properties(&[
        ("file", f.file.clone()),
        ("line", f.line.map(|v| v.to_string())),
        ("col", f.column.map(|v| v.to_string())),
        ("endLine", f.end_line.map(|v| v.to_string())),
        ("endColumn", f.end_column.map(|v| v.to_string())),
        ("title", Some(f.rule.clone())),
    ]);
    format!(
        "::{command} {props}::{}",
        escape_data(&super::sarif::message(f))
    )
}

/// `k=v,k=v` for the properties that are present.
fn properties(props: &[(&str, Option<String>)]) -> String {
    props
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", escape_property(v))))
        .collect::<Vec<_>>()
        .join(",")
}

/// Escapes a command's message.
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    fn lines(a: &Audit) -> String {
        sample::rendered(render, a)
    }

    #[test]
    fn impure_annotations() {
        insta::assert_snapshot!("github_impure", lines(&sample::impure()));
    }

    #[test]
    fn clean_says_pass_in_one_notice() {
        assert_eq!(
            lines(&sample::clean()),
            "::notice title=routeaudit PASS::routeaudit PASS: policy pure-executor — 0 errors, \
             0 warnings (42 files scanned)\n"
        );
    }

    #[test]
    fn a_failing_run_has_no_pass_notice() {
        assert!(!lines(&sample::impure()).contains("PASS"));
    }

    #[test]
    fn links_are_absolute_only_with_all_three_variables() {
        let env = |vars: &[(&str, &str)]| {
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            Links::from_env(move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
        };
        let all = [
            ("GITHUB_SERVER_URL", "https://github.com/"),
            ("GITHUB_REPOSITORY", "acme/we"),
            ("GITHUB_SHA", "0123abc"),
        ];
        assert_eq!(
            env(&all).to("dir/a b(1).go", Some(7)),
            "https://github.com/acme/we/blob/0123abc/dir/a%20b%281%29.go#L7"
        );
        for missing in 0..3 {
            let mut some = all.to_vec();
            some[missing].1 = "";
            assert_eq!(env(&some), Links::default());
        }
        assert_eq!(Links::default().to("x/y.go", None), "x/y.go");
    }

    #[test]
    fn step_summary_of_a_failing_run() {
        let a = sample::impure();
        let s = step_summary(&a, &Links::default());
        assert!(s.starts_with("### routeaudit: FAIL\n\n"), "{s}");
        for r in &a.rules {
            let row = s
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", r.id)))
                .unwrap_or_else(|| panic!("no row for {}: {s}", r.id));
            assert!(row.contains(&format!(" | {} | ", r.findings)), "{row}");
        }
        let counted: Vec<&Finding> = a.findings.iter().filter(|f| f.counts()).collect();
        let first = counted.iter().find(|f| f.file.is_some()).unwrap();
        let link = format!(
            "]({}#L{})",
            first.file.as_deref().unwrap(),
            first.line.unwrap()
        );
        assert!(s.contains(&link), "{link}\n{s}");
        assert_eq!(
            s.lines().filter(|l| l.starts_with("- ")).count(),
            counted.len().min(SUMMARY_FINDINGS)
        );
    }

    #[test]
    fn step_summary_lists_at_most_twenty_findings() {
        let mut a = sample::impure();
        let f = a.findings.iter().find(|f| f.counts()).unwrap().clone();
        for i in 0..30 {
            let mut g = f.clone();
            g.line = Some(1000 + i);
            a.findings.push(g);
        }
        let n = a.findings.iter().filter(|f| f.counts()).count();
        let s = step_summary(&a, &Links::default());
        let items: Vec<&str> = s.lines().filter(|l| l.starts_with("- ")).collect();
        assert_eq!(items.len(), SUMMARY_FINDINGS + 1, "{s}");
        assert_eq!(
            *items.last().unwrap(),
            format!(
                "- … and {} more (see the annotations or the full report)",
                n - SUMMARY_FINDINGS
            )
        );
    }

    #[test]
    fn unreadable_files_are_errors() {
        let out = lines(&sample::incomplete());
        assert!(out.contains(
            "::error file=internal/controller/workflowexecution/locks.go,title=routeaudit%3A file could not be read::"
        ), "{out}");
    }

    #[test]
    fn data_escaping() {
        assert_eq!(escape_data("100% sure\r\nnext"), "100%25 sure%0D%0Anext");
        // `:` and `,` are fine in data.
        assert_eq!(escape_data("a: b, c"), "a: b, c");
        // `%` is escaped first, so an escape sequence in the text survives as text.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn property_escaping() {
        assert_eq!(escape_property("dir:x/a,b.go"), "dir%3Ax/a%2Cb.go");
        assert_eq!(escape_property("50%\n"), "50%25%0A");
    }

    #[test]
    fn finding_with_odd_names_and_message() {
        let mut f = sample::impure()
            .findings
            .into_iter()
            .find(|f| f.in_function.as_deref() == Some("reconcilePending"))
            .unwrap();
        f.file = Some("odd:dir/a,b.go".into());
        f.message = "100% routing\nsecond line".into();
        f.owner = None;
        f.chain.clear();
        assert_eq!(
            annotation(&f),
            "::error file=odd%3Adir/a%2Cb.go,line=212,col=24,endLine=212,endColumn=37,\
             title=no-routing-functions::100%25 routing%0Asecond line: CheckCooldown, call in reconcilePending."
        );
    }

    #[test]
    fn absent_properties_are_omitted() {
        let f = sample::impure()
            .findings
            .into_iter()
            .find(|f| f.file.is_none())
            .unwrap();
        assert_eq!(
            annotation(&f),
            "::error title=execution-functions-present::execution function missing: HandleAlreadyExists not found in scope."
        );
    }
}
