//! The verification document: an [`Audit`] rendered as GitHub-flavoured Markdown that a team
//! commits as proof (e.g. `docs/handoff/WE_PURE_EXECUTOR_VERIFICATION.md`).
//!
//! Owns the document's layout, its line budget and its Markdown (see `text`). It reads the
//! audit as given (already sorted) and adds nothing that changes between runs or checkouts:
//! no timestamp, no commit, no absolute path, so `routeaudit report --check` can compare
//! bytes right after the document is committed. Every file location is a link relative to
//! where the document is written (to the repository root on standard output). Long lists are
//! grouped per file or per directory until the document fits [`LINE_BUDGET`]; no finding,
//! required symbol or link is dropped. It must not evaluate rules, read files or decide the
//! verdict.

use std::fmt::Write as _;
use std::io;

use crate::audit::{Audit, Finding, Status, Verdict};
use crate::policy::{Severity, TestMode};

/// `writeln!` into the document, which cannot fail.
macro_rules! w {
    ($d:expr) => { $d.out.push('\n') };
    ($d:expr, $($arg:tt)*) => {{ let _ = writeln!($d.out, $($arg)*); }};
}

mod findings;
mod functions;
mod group;
mod notes;
mod text;

pub(crate) use text::{code, md};

use group::{Group, Item, Plan};
use text::{Links, cell, code_cell, text};

/// The most lines the document takes on any tree, as long as grouping can get it there.
pub(crate) const LINE_BUDGET: usize = 3000;

/// Writes the verification document for `audit` to `out`, its links relative to the
/// repository root (for standard output, where the document does not know where it will be
/// saved).
pub(crate) fn render(audit: &Audit, out: &mut dyn io::Write) -> io::Result<()> {
    render_at(audit, None, out)
}

/// Writes the document that will be saved at `place` (relative to the repository root,
/// `docs/VERIFICATION.md`): its links are relative to that file's directory.
pub(crate) fn render_at(
    audit: &Audit,
    place: Option<&str>,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    out.write_all(document(audit, place).as_bytes())
}

/// The most detailed form of the document that fits the line budget (or the most compact):
/// the first plan of the ladder that fits, then, where the budget leaves room, more detail
/// given back to the lists it grouped before the findings.
fn document(audit: &Audit, place: Option<&str>) -> String {
    let depth = group::max_depth(files(audit));
    let fits = |doc: &str| doc.lines().count() <= LINE_BUDGET;
    let ladder = Plan::ladder(depth);
    let mut chosen = None;
    for plan in &ladder {
        let doc = write_doc(audit, place, *plan);
        if fits(&doc) {
            chosen = Some((*plan, doc));
            break;
        }
    }
    let Some((mut plan, mut doc)) = chosen else {
        let last = *ladder.last().expect("the ladder is never empty");
        return write_doc(audit, place, last);
    };
    if plan == ladder[0] {
        return doc;
    }
    let kinds: [fn(&mut Plan) -> &mut Group; 3] =
        [|p| &mut p.notes, |p| &mut p.functions, |p| &mut p.mentions];
    for kind in kinds {
        let current = *kind(&mut plan);
        for g in Group::forms(depth) {
            if g == current {
                break;
            }
            let mut trial = plan;
            *kind(&mut trial) = g;
            let d = write_doc(audit, place, trial);
            if fits(&d) {
                plan = trial;
                doc = d;
                break;
            }
        }
    }
    doc
}

/// Every file the document may name.
fn files(a: &Audit) -> impl Iterator<Item = &str> {
    a.findings
        .iter()
        .filter_map(|f| f.file.as_deref())
        .chain(a.mentions.iter().map(|m| m.file.as_str()))
        .chain(a.functions.iter().map(|f| f.file.as_str()))
        .chain(a.required.iter().filter_map(|r| r.file.as_deref()))
        .chain(a.evidence.iter().map(|e| e.file.as_str()))
        .chain(a.warnings.iter().filter_map(|w| w.file.as_deref()))
        .chain(a.skipped.iter().map(|s| s.file.as_str()))
        .chain(a.errors.iter().map(|e| e.file.as_str()))
}

/// One rendering of the document under way.
struct Doc<'a> {
    a: &'a Audit,
    links: Links,
    /// Whether the links are relative to a saved document (else to the repository root).
    placed: bool,
    plan: Plan,
    out: String,
}

impl Doc<'_> {
    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn blank(&mut self) {
        self.out.push('\n');
    }
}

fn write_doc(a: &Audit, place: Option<&str>, plan: Plan) -> String {
    let mut d = Doc {
        a,
        links: Links::new(place),
        placed: place.is_some(),
        plan,
        out: String::with_capacity(16 * 1024),
    };
    header(&mut d);
    summary(&mut d);
    findings::forbidden(&mut d);
    functions::required(&mut d);
    findings::call_paths(&mut d);
    functions::routing_like(&mut d);
    functions::inventory(&mut d);
    notes::mentions(&mut d);
    notes::evidence(&mut d);
    notes::tests(&mut d);
    notes::handoff(&mut d);
    notes::reproduce(&mut d);
    d.out
}

/// The verdict in the policy's words: its labels, else the neutral PASS / FAIL.
fn verdict_word(a: &Audit) -> &str {
    match a.verdict {
        Verdict::Pass => a.policy.pass_label.as_deref().unwrap_or("PASS"),
        Verdict::Fail => a.policy.fail_label.as_deref().unwrap_or("FAIL"),
        Verdict::Error => "INCOMPLETE",
    }
}

fn header(d: &mut Doc) {
    let a = d.a;
    let title = if a.policy.title.trim().is_empty() {
        &a.policy.name
    } else {
        &a.policy.title
    };
    w!(d, "# {}", text(title));
    w!(d);
    let s = &a.summary;
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
    w!(
        d,
        "**Verdict: {}** — {}",
        text(verdict_word(a)),
        counts.join(", ")
    );
    w!(d);
    if a.verdict == Verdict::Error || !a.errors.is_empty() {
        let why: Vec<String> = a
            .error_kinds()
            .into_iter()
            .map(|(kind, n)| kind.consequence(n))
            .collect();
        w!(d, "The verdict cannot be trusted: {}.", why.join("; "));
        w!(d);
        if d.plan.notes == Group::Rows {
            for e in &a.errors {
                let at = d.links.at(&e.file, e.line, None);
                w!(d, "- {at}: {}", text(&e.message));
            }
            if !a.errors.is_empty() {
                w!(d);
            }
        } else {
            let items: Vec<Item> = a
                .errors
                .iter()
                .map(|e| Item::at(&e.file, e.line, group::words(&e.message)))
                .collect();
            let summary = group::count_summary(items.len(), "error", "errors", &items);
            group::write(d, &items, d.plan.notes, &summary);
        }
    }
    if !a.context.policy_description.trim().is_empty() {
        w!(d, "{}", text(&a.context.policy_description));
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
    let source = if c.policy_file.is_empty() {
        &a.policy.source
    } else {
        &c.policy_file
    };
    w!(
        d,
        "| Policy | {} from {} |",
        code_cell(&a.policy.name),
        code_cell(source)
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
    w!(
        d,
        "| Files | {} scanned ({} parsed), {} skipped |",
        s.files_scanned,
        s.files_parsed,
        s.files_skipped
    );
    if !a.functions.is_empty() {
        let in_tests = a.functions.iter().filter(|f| f.test).count();
        w!(
            d,
            "| Functions | {} in scope ({in_tests} in test code) |",
            a.functions.len()
        );
    }
    w!(d);
    if d.placed {
        w!(
            d,
            "File links are relative to this document's location in the repository."
        );
    } else {
        w!(d, "File links are relative to the repository root.");
    }
    w!(d);
}

fn summary(d: &mut Doc) {
    let a = d.a;
    if a.rules.is_empty() && a.warnings.is_empty() && a.skipped.is_empty() {
        return;
    }
    w!(d, "## Summary");
    w!(d);
    if !a.rules.is_empty() {
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
                rule_status(r.findings, r.severity),
                r.findings,
                not_counted(a, &r.id)
            );
        }
        w!(d);
    }
    if !a.warnings.is_empty() {
        w!(d, "### Warnings");
        w!(d);
        // warnings about the policy (no file) are few: always one per line
        let (located, general): (Vec<_>, Vec<_>) =
            a.warnings.iter().partition(|wn| wn.file.is_some());
        for wn in general {
            w!(d, "- {}: {}", code(wn.code.as_str()), text(&wn.message));
        }
        if d.plan.notes == Group::Rows {
            for wn in &located {
                let at = d.links.at(wn.file.as_deref().unwrap_or(""), wn.line, None);
                w!(
                    d,
                    "- {at} {}: {}",
                    code(wn.code.as_str()),
                    text(&wn.message)
                );
            }
            w!(d);
        } else {
            w!(d);
            let items: Vec<Item> = located
                .iter()
                .map(|wn| {
                    Item::at(
                        wn.file.as_deref().unwrap_or(""),
                        wn.line,
                        format!("{}: {}", code(wn.code.as_str()), group::words(&wn.message)),
                    )
                })
                .collect();
            let summary = group::count_summary(items.len(), "warning", "warnings", &items);
            group::write(d, &items, d.plan.notes, &summary);
        }
    }
    if !a.skipped.is_empty() {
        w!(d, "### Skipped files");
        w!(d);
        if d.plan.notes == Group::Rows {
            for s in &a.skipped {
                let at = d.links.to(&s.file, None, &s.file);
                w!(d, "- {at} ({})", text(&s.reason));
            }
            w!(d);
        } else {
            let items: Vec<Item> = a
                .skipped
                .iter()
                .map(|s| Item::at(&s.file, None, format!("({})", group::words(&s.reason))))
                .collect();
            let summary = plural(items.len(), "skipped file", "skipped files");
            group::write(d, &items, d.plan.notes, &summary);
        }
    }
}

fn rule_status(findings: usize, severity: Severity) -> &'static str {
    match (findings, severity) {
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

/// How one finding stands: counted, or why not. Markdown for a table cell; a suppression
/// carries its reason.
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

/// The status as one mark, for grouped lists (see [`STATUS_LEGEND`]).
fn status_mark(f: &Finding) -> &'static str {
    match &f.status {
        Status::Suppressed { .. } => "🔇",
        Status::Baselined => "📌",
        Status::OutsideDiff => "➖",
        Status::TestCode => "🧪",
        Status::Counted if f.severity == Severity::Error => "❌",
        Status::Counted => "⚠️",
    }
}

const STATUS_LEGEND: &str = "❌ counts as an error, ⚠️ counts as a warning or info, 🔇 suppressed, \
📌 baselined, ➖ outside the diff, 🧪 test code (not counted)";

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

#[cfg(test)]
mod tests;
