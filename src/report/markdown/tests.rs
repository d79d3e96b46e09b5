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
