//! Renderer tests of the verification document on hand-built audits.

use super::*;
use crate::report::sample;

fn doc(a: &Audit) -> String {
    sample::rendered(render, a)
}

fn doc_at(a: &Audit, place: &str) -> String {
    let mut out = Vec::new();
    render_at(a, Some(place), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn clean_document() {
    insta::assert_snapshot!("markdown_clean", doc(&sample::clean()));
}

#[test]
fn impure_document() {
    insta::assert_snapshot!(
        "markdown_impure",
        doc_at(
            &sample::impure(),
            "docs/handoff/WE_PURE_EXECUTOR_VERIFICATION.md"
        )
    );
}

#[test]
fn incomplete_verdict_names_unreadable_files() {
    let d = doc(&sample::incomplete());
    let head: String = d.lines().take(10).collect::<Vec<_>>().join("\n");
    insta::assert_snapshot!("markdown_incomplete_head", head);
    assert!(d.contains("**Verdict: INCOMPLETE**"), "{d}");
    assert!(d.contains(
        "- [`internal/controller/workflowexecution/locks.go`](internal/controller/workflowexecution/locks.go): permission denied (os error 13)"
    ), "{d}");
}

#[test]
fn deterministic() {
    assert_eq!(doc(&sample::impure()), doc(&sample::impure()));
}

#[test]
fn required_symbols_keep_their_line_ranges_as_links() {
    let d = doc_at(&sample::impure(), "docs/V.md");
    assert!(d.contains(
        "| `reconcilePending` | ✅ found (method) | [`internal/controller/workflowexecution/workflowexecution_controller.go:189`](../internal/controller/workflowexecution/workflowexecution_controller.go#L189), lines 189–280 |"
    ), "{d}");
}

#[test]
fn verdict_words_come_from_the_policy() {
    let mut a = sample::impure();
    assert!(doc(&a).contains("**Verdict: NOT PURE**"));
    a.policy.pass_label = None;
    a.policy.fail_label = None;
    assert!(doc(&a).contains("**Verdict: FAIL**"));
    let mut clean = sample::clean();
    clean.policy.pass_label = None;
    assert!(doc(&clean).contains("**Verdict: PASS**"));
    clean.policy.pass_label = Some("SEALED".into());
    assert!(doc(&clean).contains("**Verdict: SEALED**"));
}

#[test]
fn absent_sections_are_left_out() {
    let mut a = sample::clean();
    a.context.handoff = None;
    a.mentions.clear();
    a.evidence.clear();
    a.required.clear();
    let d = doc(&a);
    for gone in [
        "## Handoff",
        "## Mentions",
        "## Evidence",
        "## Execution functions",
        "## Tests",
        "## Call paths",
        "## Routing-like names",
    ] {
        assert!(!d.contains(gone), "{gone} in\n{d}");
    }
    assert!(!d.contains("_The policy"), "no placeholder sentence:\n{d}");
    assert!(d.contains("## How to reproduce"));
}

#[test]
fn quoted_rule_ids_render_as_code() {
    let d = doc(&sample::impure());
    assert!(
        d.contains("`routeaudit:allow no-skip-api` suppresses nothing"),
        "{d}"
    );
    assert!(!d.contains("\\`"), "no escaped backtick:\n{d}");
}

#[test]
fn routing_like_names_are_listed_with_their_rule() {
    let d = doc(&sample::impure());
    assert!(d.contains("## Routing-like names"), "{d}");
    assert!(d.contains(
        "| `cooldownRemaining` | [`internal/controller/workflowexecution/routing.go:106`](internal/controller/workflowexecution/routing.go#L106) | `pending-path-does-not-route` | `(?i)cooldown` |"
    ), "{d}");
}

/// The impure audit plus `n` findings and `n` mentions, each in a directory of its own.
fn flooded(n: usize) -> Audit {
    let mut a = sample::impure();
    let template = a
        .findings
        .iter()
        .find(|f| f.rule == "no-routing-functions" && f.counts())
        .unwrap()
        .clone();
    let mention = a.mentions[0].clone();
    for i in 0..n {
        let file = format!("svc{}/pkg{}/internal/x{i}.go", i % 97, i);
        let mut f = template.clone();
        f.file = Some(file.clone());
        f.line = Some(3 + (i % 50) as u32);
        a.findings.push(f);
        let mut m = mention.clone();
        m.file = file;
        m.line = 1;
        a.mentions.push(m);
    }
    a.sort();
    a
}

/// Every link target of a document.
fn targets(d: &str) -> std::collections::HashSet<&str> {
    d.split("](")
        .skip(1)
        .map(|p| &p[..p.find(')').unwrap()])
        .collect()
}

#[test]
fn findings_beyond_the_budget_are_grouped_never_dropped() {
    let a = flooded(5000);
    let d = doc_at(&a, "docs/V.md");
    assert!(
        d.lines().count() <= LINE_BUDGET,
        "{} lines",
        d.lines().count()
    );
    let links = targets(&d);
    for f in &a.findings {
        if let (Some(file), Some(line)) = (&f.file, f.line) {
            let link = format!("../{file}#L{line}");
            assert!(links.contains(link.as_str()), "finding {link} dropped");
        }
    }
    for m in &a.mentions {
        assert!(links.contains(format!("../{}#L{}", m.file, m.line).as_str()));
    }
    for r in a.required.iter().filter(|r| r.found) {
        let (file, line, end) = (
            r.file.as_ref().unwrap(),
            r.line.unwrap(),
            r.end_line.unwrap(),
        );
        assert!(links.contains(format!("../{file}#L{line}").as_str()));
        assert!(d.contains(&format!("{line}–{end}")), "{d}");
    }
    assert!(
        d.contains("findings are grouped per directory"),
        "the document says so"
    );
}

#[test]
fn a_small_audit_keeps_every_table() {
    let d = doc(&sample::impure());
    assert!(!d.contains("grouped per"), "{d}");
    assert!(d.contains("| Symbol | Status | Location | Occurrence | Function |"));
}

#[test]
fn mentions_are_grouped_before_findings() {
    // enough mentions to overflow on their own, few findings
    let mut a = sample::impure();
    let mention = a.mentions[0].clone();
    for i in 0..4000 {
        let mut m = mention.clone();
        m.file = format!("svc{}/m{i}.go", i % 40);
        a.mentions.push(m);
    }
    a.sort();
    let d = doc(&a);
    assert!(d.lines().count() <= LINE_BUDGET);
    assert!(
        d.contains("| Symbol | Status | Location | Occurrence | Function |"),
        "findings keep their tables"
    );
    assert!(
        d.contains("<summary>4003 mentions in 4002 files</summary>"),
        "{d}"
    );
}
