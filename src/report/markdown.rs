//! The verification document: an [`Audit`] rendered as GitHub-flavoured Markdown that a team
//! commits as proof (e.g. `docs/handoff/WE_PURE_EXECUTOR_VERIFICATION.md`).
//!
//! Owns the document's layout and its Markdown escaping (table cells, code spans, quoted
//! text). It reads the audit as given (already sorted) and adds nothing that changes between
//! runs: no timestamps, no absolute paths, so `routeaudit report --check` can compare bytes.
//! It must not evaluate rules, read files or decide the verdict.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;

use crate::audit::{Audit, Finding, RuleInfo, Status, Verdict};
use crate::policy::{Severity, TestMode};

/// Writes the verification document for `audit` to `out`.
pub fn render(audit: &Audit, out: &mut dyn io::Write) -> io::Result<()> {
    let mut doc = String::with_capacity(8 * 1024);
    write_doc(audit, &mut doc);
    out.write_all(doc.as_bytes())
}

/// `writeln!` into a `String`, which cannot fail.
macro_rules! w {
    ($dst:expr) => { $dst.push('\n') };
    ($dst:expr, $($arg:tt)*) => {{ let _ = writeln!($dst, $($arg)*); }};
}

fn write_doc(a: &Audit, d: &mut String) {
    header(a, d);
    summary(a, d);
    forbidden(a, d);
    execution_functions(a, d);
    call_paths(a, d);
    mentions(a, d);
    evidence(a, d);
    tests(a, d);
    handoff(a, d);
    reproduce(a, d);
}

fn header(a: &Audit, d: &mut String) {
    let title = if a.policy.title.trim().is_empty() {
        &a.policy.name
    } else {
        &a.policy.title
    };
    w!(d, "# {}", md(title));
    w!(d);
    let s = &a.summary;
    let verdict = match a.verdict {
        Verdict::Pass => "PURE",
        Verdict::Fail => "NOT PURE",
        Verdict::Error => "INCOMPLETE",
    };
    let mut counts = vec![
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.test_findings, "test-code finding", "test-code findings"),
        plural(s.mentions, "mention", "mentions"),
    ];
    counts.extend(
        s.not_counted()
            .into_iter()
            .filter(|p| !p.ends_with("in test code")),
    );
    w!(d, "**Verdict: {verdict}** — {}", counts.join(", "));
    w!(d);
    if a.verdict == Verdict::Error || !a.errors.is_empty() {
        let why: Vec<String> = a
            .error_kinds()
            .into_iter()
            .map(|(kind, n)| kind.consequence(n))
            .collect();
        w!(d, "The verdict cannot be trusted: {}.", why.join("; "));
        w!(d);
        for e in &a.errors {
            w!(d, "- {}: {}", code(&e.file), md(&e.message));
        }
        if !a.errors.is_empty() {
            w!(d);
        }
    }
    if !a.context.policy_description.trim().is_empty() {
        w!(d, "{}", md(&a.context.policy_description));
        w!(d);
    }

    let c = &a.context;
    w!(d, "| Fact | Value |");
    w!(d, "| --- | --- |");
    let root = if c.root.is_empty() { "." } else { &c.root };
    w!(d, "| Root | {} |", code_cell(root));
    w!(
        d,
        "| Include | {} |",
        globs(&c.include, "every file the walk yields")
    );
    w!(d, "| Exclude | {} |", globs(&c.exclude, "nothing"));
    let tests = match c.tests_mode {
        None => "not set".to_string(),
        Some(TestMode::Include) => "`include`: test code counts like any code".to_string(),
        Some(TestMode::Exclude) => "`exclude`: test code is not audited".to_string(),
        Some(TestMode::Separate) => {
            "`separate`: findings in test code are listed apart and never fail".to_string()
        }
    };
    w!(d, "| Test code | {tests} |");
    w!(
        d,
        "| Policy | {} from {} |",
        code_cell(&a.policy.name),
        code_cell(&a.policy.source)
    );
    if let Some(f) = c.fail_on {
        w!(d, "| Fails on | {} and above |", f.as_str());
    }
    w!(
        d,
        "| Tool | {} {} |",
        cell(&a.tool.name),
        cell(&a.tool.version)
    );
    if let Some(g) = &c.git {
        let dirty = if g.dirty { " (dirty)" } else { "" };
        w!(d, "| Git commit | {}{dirty} |", code_cell(&g.commit));
    }
    w!(
        d,
        "| Files | {} scanned ({} parsed), {} skipped |",
        s.files_scanned,
        s.files_parsed,
        s.files_skipped
    );
    w!(d);
}

fn summary(a: &Audit, d: &mut String) {
    w!(d, "## Summary");
    w!(d);
    if a.rules.is_empty() {
        w!(d, "_The policy has no rules._");
        w!(d);
    } else {
        w!(
            d,
            "| Rule | Kind | Severity | Status | Findings | Not counted |"
        );
        w!(d, "| --- | --- | --- | --- | ---: | --- |");
        for r in &a.rules {
            w!(
                d,
                "| {} | {} | {} | {} | {} | {} |",
                code_cell(&r.id),
                cell(&r.kind),
                r.severity.as_str(),
                rule_status(r),
                r.findings,
                not_counted(a, &r.id)
            );
        }
        w!(d);
    }
    if !a.warnings.is_empty() {
        w!(d, "### Warnings");
        w!(d);
        for wn in &a.warnings {
            let at = match (&wn.file, wn.line) {
                (Some(f), Some(l)) => format!("{} ", code(&format!("{f}:{l}"))),
                (Some(f), None) => format!("{} ", code(f)),
                _ => String::new(),
            };
            w!(d, "- {at}{}: {}", code(wn.code.as_str()), md(&wn.message));
        }
        w!(d);
    }
    if !a.skipped.is_empty() {
        w!(d, "### Skipped files");
        w!(d);
        for s in &a.skipped {
            w!(d, "- {} ({})", code(&s.file), md(&s.reason));
        }
        w!(d);
    }
}

fn rule_status(r: &RuleInfo) -> &'static str {
    match (r.findings, r.severity) {
        (0, _) => "✅ pass",
        (_, Severity::Error) => "❌ fail",
        (_, Severity::Warning) => "⚠️ warning",
        (_, Severity::Info) => "⚠️ info",
    }
}

/// Findings of a rule that do not count, by reason: `1 in test code, 1 suppressed`.
fn not_counted(a: &Audit, rule: &str) -> String {
    let parts = crate::audit::not_counted(a.findings.iter().filter(|f| f.rule == rule));
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

/// How one finding stands: counted, or why not.
/// Returns Markdown for a table cell; a suppression carries its reason.
fn finding_status(f: &Finding) -> String {
    match &f.status {
        Status::Suppressed { reason } if !reason.is_empty() => {
            format!("🔇 suppressed: {}", cell(reason))
        }
        Status::Suppressed { .. } => "🔇 suppressed".into(),
        Status::Baselined => "📌 baselined".into(),
        Status::OutsideDiff => "➖ outside the diff".into(),
        Status::TestCode => "🧪 test code (not counted)".into(),
        Status::Counted if f.severity == Severity::Error => "❌ found".into(),
        Status::Counted => "⚠️ found".into(),
    }
}

fn owner_line(r: &RuleInfo, d: &mut String) {
    let mut line = md(&r.message);
    if let Some(o) = &r.owner {
        let _ = write!(line, " — belongs to **{}**", md(o));
    }
    if !line.is_empty() {
        w!(d, "{line}.");
        w!(d);
    }
}

fn forbidden(a: &Audit, d: &mut String) {
    w!(d, "## Forbidden symbols");
    w!(d);
    let of_kind = |k: &'static str| a.rules.iter().filter(move |r| r.kind == k);
    if of_kind("forbid-symbol").next().is_none()
        && of_kind("forbid-file").next().is_none()
        && of_kind("forbid-pattern").next().is_none()
    {
        w!(d, "_The policy forbids no symbols, files or patterns._");
        w!(d);
        return;
    }
    for r in of_kind("forbid-symbol") {
        w!(d, "### {}", code(&r.id));
        w!(d);
        owner_line(r, d);
        w!(d, "| Symbol | Status | Location | Occurrence | Function |");
        w!(d, "| --- | --- | --- | --- | --- |");
        for_each_target(a, r, |target, hits| {
            if hits.is_empty() {
                w!(d, "| {} | ✅ not found | — | — | — |", code_cell(target));
            }
            for f in hits {
                let mut sym = code_cell(target);
                if let Some(s) = f.symbol.as_deref().filter(|s| *s != target) {
                    let _ = write!(sym, " as {}", code_cell(s));
                }
                w!(
                    d,
                    "| {sym} | {} | {} | {} | {} |",
                    finding_status(f),
                    code_cell(&f.location()),
                    f.occurrence.map_or("—", |o| o.as_str()),
                    f.in_function.as_deref().map_or("—".into(), code_cell)
                );
            }
        });
        w!(d);
    }
    for r in of_kind("forbid-file") {
        w!(d, "### {} (forbidden files)", code(&r.id));
        w!(d);
        owner_line(r, d);
        w!(d, "| Glob | Status | File |");
        w!(d, "| --- | --- | --- |");
        for_each_target(a, r, |target, hits| {
            if hits.is_empty() {
                w!(d, "| {} | ✅ no file matches | — |", code_cell(target));
            }
            for f in hits {
                w!(
                    d,
                    "| {} | {} | {} |",
                    code_cell(target),
                    finding_status(f),
                    code_cell(&f.location())
                );
            }
        });
        w!(d);
    }
    for r in of_kind("forbid-pattern") {
        w!(d, "### {} (forbidden patterns)", code(&r.id));
        w!(d);
        owner_line(r, d);
        let hits: Vec<&Finding> = a.findings.iter().filter(|f| f.rule == r.id).collect();
        let regexes: Vec<String> = r.targets.iter().map(|t| code(t)).collect();
        if !regexes.is_empty() {
            w!(d, "Regex: {}", regexes.join(", "));
            w!(d);
        }
        if hits.is_empty() {
            w!(d, "✅ No match in scope.");
            w!(d);
            continue;
        }
        w!(d, "| Location | Status | Match | Line |");
        w!(d, "| --- | --- | --- | --- |");
        for f in hits {
            w!(
                d,
                "| {} | {} | {} | {} |",
                code_cell(&f.location()),
                finding_status(f),
                f.symbol.as_deref().map_or("—".into(), code_cell),
                excerpt_cell(&f.source_line)
            );
        }
        w!(d);
    }
}

/// Calls `each` once per listed target of `r` with the findings that matched it, then once
/// per other `matched` value among the rule's findings, so no finding is left out.
fn for_each_target<'a>(a: &'a Audit, r: &RuleInfo, mut each: impl FnMut(&str, &[&'a Finding])) {
    let of_rule: Vec<&Finding> = a.findings.iter().filter(|f| f.rule == r.id).collect();
    for t in &r.targets {
        let hits: Vec<&Finding> = of_rule
            .iter()
            .copied()
            .filter(|f| f.matched.as_deref() == Some(t.as_str()))
            .collect();
        each(t, &hits);
    }
    let mut others: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in of_rule {
        let m = f.matched.as_deref().or(f.symbol.as_deref()).unwrap_or("?");
        if !r
            .targets
            .iter()
            .any(|t| f.matched.as_deref() == Some(t.as_str()))
        {
            others.entry(m).or_default().push(f);
        }
    }
    for (m, hits) in others {
        each(m, &hits);
    }
}

fn lines(line: Option<u32>, end: Option<u32>) -> String {
    match (line, end) {
        (Some(l), Some(e)) if e > l => format!("lines {l}–{e}"),
        (Some(l), _) => format!("line {l}"),
        _ => String::new(),
    }
}

fn execution_functions(a: &Audit, d: &mut String) {
    w!(d, "## Execution functions");
    w!(d);
    if a.required.is_empty() {
        w!(d, "_The policy requires no symbols._");
        w!(d);
    } else {
        w!(d, "| Symbol | Status | Where | Rule |");
        w!(d, "| --- | --- | --- | --- |");
        for r in &a.required {
            let status = if !r.found {
                "❌ missing".to_string()
            } else {
                let mut s = "✅ found".to_string();
                if let Some(o) = r.occurrence {
                    let _ = write!(s, " ({})", o.as_str());
                }
                if let Some(decl) = r.declared.as_deref().filter(|x| *x != r.symbol) {
                    let _ = write!(s, " as {}", code_cell(decl));
                }
                s
            };
            let at = match &r.file {
                Some(f) => {
                    let l = lines(r.line, r.end_line);
                    if l.is_empty() {
                        code_cell(f)
                    } else {
                        format!("{}, {l}", code_cell(f))
                    }
                }
                None => "not found in scope".into(),
            };
            w!(
                d,
                "| {} | {status} | {at} | {} |",
                code_cell(&r.symbol),
                code_cell(&r.rule)
            );
        }
        w!(d);
    }

    w!(d, "### Function inventory");
    w!(d);
    if a.functions.is_empty() {
        w!(d, "_No function or method in scope._");
        w!(d);
        return;
    }
    let in_tests = a.functions.iter().filter(|f| f.test).count();
    w!(d, "<details>");
    w!(
        d,
        "<summary>{} in scope ({in_tests} in test code)</summary>",
        plural(
            a.functions.len(),
            "function or method",
            "functions and methods"
        )
    );
    w!(d);
    w!(d, "| File | Function | Kind | Receiver | Lines | Test |");
    w!(d, "| --- | --- | --- | --- | --- | --- |");
    for f in &a.functions {
        let kind = match f.kind {
            crate::lang::FnKind::Func => "func",
            crate::lang::FnKind::Method => "method",
        };
        let range = if f.end_line > f.line {
            format!("{}–{}", f.line, f.end_line)
        } else {
            f.line.to_string()
        };
        w!(
            d,
            "| {} | {} | {kind} | {} | {range} | {} |",
            code_cell(&f.file),
            code_cell(&f.name),
            f.receiver.as_deref().map_or("—".into(), code_cell),
            if f.test { "🧪 test" } else { "" }
        );
    }
    w!(d);
    w!(d, "</details>");
    w!(d);
}

fn call_paths(a: &Audit, d: &mut String) {
    let with_chain: Vec<&Finding> = a.findings.iter().filter(|f| !f.chain.is_empty()).collect();
    if with_chain.is_empty() {
        return;
    }
    w!(d, "## Call paths");
    w!(d);
    for f in with_chain {
        let path: Vec<String> = f
            .chain
            .iter()
            .map(|h| {
                format!(
                    "{} ({})",
                    code(&h.function),
                    code(&format!("{}:{}", h.file, h.line))
                )
            })
            .collect();
        w!(
            d,
            "- {} {} at {}: {}",
            code(&f.rule),
            finding_status(f),
            code(&f.location()),
            path.join(" → ")
        );
    }
    w!(d);
}

fn mentions(a: &Audit, d: &mut String) {
    w!(d, "## Mentions in comments and strings");
    w!(d);
    if a.mentions.is_empty() {
        w!(d, "_No forbidden name appears in a comment or string._");
        w!(d);
        return;
    }
    w!(
        d,
        "Forbidden names that appear only in comments or strings (documented removals). \
         Informational: they never fail the verdict."
    );
    w!(d);
    let mut by_file: BTreeMap<&str, Vec<&crate::audit::Mention>> = BTreeMap::new();
    for m in &a.mentions {
        by_file.entry(&m.file).or_default().push(m);
    }
    for (file, ms) in by_file {
        w!(d, "### {}", code(file));
        w!(d);
        for m in ms {
            let what = match m.occurrence {
                crate::lang::OccKind::Comment => "in a comment",
                crate::lang::OccKind::String => "in a string",
                other => other.as_str(),
            };
            let test = if m.test { " (test code)" } else { "" };
            let mut line = format!("- line {}: {} {what}{test}", m.line, code(&m.symbol));
            let ex = m.source_line.trim();
            if !ex.is_empty() {
                let _ = write!(line, " — {}", code(ex));
            }
            w!(d, "{line}");
        }
        w!(d);
    }
}

fn evidence(a: &Audit, d: &mut String) {
    w!(d, "## Evidence");
    w!(d);
    if a.evidence.is_empty() {
        w!(d, "_No evidence comment was found._");
        w!(d);
        return;
    }
    for e in &a.evidence {
        for l in e.text.lines() {
            w!(d, "> {}", md(l));
        }
        w!(d, ">");
        w!(
            d,
            "> — {} ({})",
            code(&format!("{}:{}", e.file, e.line)),
            code(&e.rule)
        );
        w!(d);
    }
}

fn tests(a: &Audit, d: &mut String) {
    w!(d, "## Tests");
    w!(d);
    let Some(t) = &a.tests else {
        w!(d, "No test results were supplied (`--test-results`).");
        w!(d);
        return;
    };
    if !t.sources.is_empty() {
        let srcs: Vec<String> = t.sources.iter().map(|s| code(s)).collect();
        w!(d, "Read from {}.", srcs.join(", "));
        w!(d);
    }
    w!(d, "| Passed | Failed | Skipped |");
    w!(d, "| ---: | ---: | ---: |");
    w!(d, "| {} | {} | {} |", t.passed, t.failed, t.skipped);
    w!(d);
    w!(d, "### Failing tests");
    w!(d);
    if t.failures.is_empty() {
        w!(d, "None.");
    }
    for n in &t.failures {
        w!(d, "- {}", code(n));
    }
    w!(d);
    w!(d, "### Routing-related tests");
    w!(d);
    if t.routing_related.is_empty() {
        w!(d, "No test name mentions a forbidden symbol.");
    } else {
        w!(d, "Tests whose names mention a forbidden symbol:");
        w!(d);
    }
    for n in &t.routing_related {
        w!(d, "- {}", code(n));
    }
    w!(d);
}

fn handoff(a: &Audit, d: &mut String) {
    w!(d, "## Handoff");
    w!(d);
    let Some(h) = &a.context.handoff else {
        w!(d, "_The policy has no handoff section._");
        w!(d);
        return;
    };
    if !h.title.trim().is_empty() {
        w!(d, "**{}**", md(&h.title));
        w!(d);
    }
    for item in &h.items {
        w!(d, "- [ ] {}", md(item));
    }
    if !h.items.is_empty() {
        w!(d);
    }
}

fn reproduce(a: &Audit, d: &mut String) {
    w!(d, "## How to reproduce");
    w!(d);
    let cmd = if a.context.command.trim().is_empty() {
        "routeaudit report"
    } else {
        a.context.command.trim()
    };
    let fence = "`".repeat(longest_run(cmd, '`').max(2) + 1);
    w!(d, "{fence}sh");
    w!(d, "{cmd}");
    w!(d, "{fence}");
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn globs(gs: &[String], none: &str) -> String {
    if gs.is_empty() {
        none.to_string()
    } else {
        gs.iter()
            .map(|g| code_cell(g))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for ch in s.chars() {
        if ch == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// An inline code span for `s`, safe whatever backticks it holds. Line breaks become spaces
/// (a code span cannot hold one).
pub(crate) fn code(s: &str) -> String {
    let s = one_line(s);
    if s.is_empty() {
        return "` `".into();
    }
    let fence = "`".repeat(longest_run(&s, '`') + 1);
    if s.starts_with('`') || s.ends_with('`') || (s.starts_with(' ') && s.ends_with(' ')) {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// A code span inside a table cell: `|` must be escaped even there (GFM splits cells first).
fn code_cell(s: &str) -> String {
    code(s).replace('|', "\\|")
}

/// Free text inside a table cell.
fn cell(s: &str) -> String {
    md(&s.replace("\r\n", "\n").replace('\r', "\n"))
        .split('\n')
        .collect::<Vec<_>>()
        .join("<br>")
}

/// A source line quoted in a table cell, trimmed.
fn excerpt_cell(s: &str) -> String {
    let t = s.trim();
    if t.is_empty() {
        "—".into()
    } else {
        code_cell(t)
    }
}

fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\n', '\r'], " ")
}

/// Free text with Markdown's inline syntax neutralised; line breaks are kept for
/// [`cell`] to turn into `<br>`, elsewhere callers pass single lines.
pub(crate) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim_end_matches('\r');
        let body = line.trim_start();
        // A line that would start a block (heading, list, quote) is escaped at its start.
        if body.starts_with(['#', '>', '-', '+', '=']) {
            out.push_str(&line[..line.len() - body.len()]);
            out.push('\\');
            out.push_str(&escape_inline(body));
        } else {
            out.push_str(&escape_inline(line));
        }
    }
    out
}

fn escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    fn doc(a: &Audit) -> String {
        sample::rendered(render, a)
    }

    #[test]
    fn clean_document() {
        insta::assert_snapshot!("markdown_clean", doc(&sample::clean()));
    }

    #[test]
    fn impure_document() {
        insta::assert_snapshot!("markdown_impure", doc(&sample::impure()));
    }

    #[test]
    fn incomplete_verdict_names_unreadable_files() {
        let d = doc(&sample::incomplete());
        let head: String = d.lines().take(10).collect::<Vec<_>>().join("\n");
        insta::assert_snapshot!("markdown_incomplete_head", head);
        assert!(d.contains("**Verdict: INCOMPLETE**"), "{d}");
        assert!(d.contains(
            "- `internal/controller/workflowexecution/locks.go`: permission denied (os error 13)"
        ));
    }

    #[test]
    fn deterministic() {
        assert_eq!(doc(&sample::impure()), doc(&sample::impure()));
    }

    #[test]
    fn line_ranges_use_an_en_dash() {
        let d = doc(&sample::impure());
        assert!(d.contains(
            "| `reconcilePending` | ✅ found (method) | `internal/controller/workflowexecution/workflowexecution_controller.go`, lines 189–280 |"
        ), "{d}");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a\nb"), "`a b`");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
        assert_eq!(cell("one | two\nthree"), "one \\| two<br>three");
        assert_eq!(md("# not a heading *x*"), "\\# not a heading \\*x\\*");
    }
}
