//! GitHub Actions workflow commands (`::error file=…::message`), one annotation per finding
//! that counts and one per audit warning or unreadable file.
//!
//! Owns the annotation lines and their escaping, which follows the Actions toolkit: message
//! data escapes `%`, CR and LF; property values also escape `:` and `,`. Findings that do not
//! count (test code under `tests = "separate"`, suppressed, baselined) are not annotated; one
//! closing `::notice` says how many were left out. It must not evaluate rules or decide the
//! verdict.

use std::io;

use crate::audit::{Audit, Finding};
use crate::policy::Severity;

/// Writes the annotations for `audit` to `out`, one command per line.
pub fn render(audit: &Audit, out: &mut dyn io::Write) -> io::Result<()> {
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
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One workflow command for a finding.
pub fn annotation(f: &Finding) -> String {
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
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value.
pub fn escape_property(s: &str) -> String {
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
    fn clean_has_no_annotations() {
        assert_eq!(lines(&sample::clean()), "");
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
