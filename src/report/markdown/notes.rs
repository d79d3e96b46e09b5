//! The document's informational sections: mentions in comments and strings, quoted evidence,
//! test results, the handoff checklist and the command that reproduces the document.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::group::{self, Group, Item};
use super::text::{code, longest_run, text};
use super::{Doc, plural};
use crate::audit::Mention;
use crate::lang::OccKind;

/// Mentions listed one per line before the list is folded.
const FOLD_AFTER: usize = 10;

fn where_in(m: &Mention) -> String {
    let what = match m.occurrence {
        OccKind::Comment => "in a comment",
        OccKind::String => "in a string",
        other => other.as_str(),
    };
    let test = if m.test { " (test code)" } else { "" };
    format!("{what}{test}")
}

pub(super) fn mentions(d: &mut Doc) {
    let a = d.a;
    if a.mentions.is_empty() {
        return;
    }
    w!(d, "## Mentions in comments and strings");
    w!(d);
    w!(
        d,
        "Forbidden names that appear only in comments or strings (documented removals). \
         Informational: they never fail the verdict."
    );
    w!(d);
    let mut by_file: BTreeMap<&str, Vec<&Mention>> = BTreeMap::new();
    for m in &a.mentions {
        by_file.entry(&m.file).or_default().push(m);
    }
    let summary = format!(
        "{} in {}",
        plural(a.mentions.len(), "mention", "mentions"),
        plural(by_file.len(), "file", "files")
    );
    if d.plan.mentions != Group::Rows {
        let items: Vec<Item> = a
            .mentions
            .iter()
            .map(|m| {
                Item::at(
                    &m.file,
                    Some(m.line),
                    format!("{} {}", code(&m.symbol), where_in(m)),
                )
            })
            .collect();
        group::write(d, &items, d.plan.mentions, &summary);
        return;
    }
    let fold = a.mentions.len() > FOLD_AFTER;
    if fold {
        w!(d, "<details>");
        w!(d, "<summary>{summary}</summary>");
        w!(d);
    }
    for (file, ms) in by_file {
        let head = d.links.to(file, None, file);
        w!(d, "- {head}");
        for m in ms {
            let at = d.links.to(file, Some(m.line), &format!("line {}", m.line));
            let mut line = format!("  - {at}: {} {}", code(&m.symbol), where_in(m));
            let ex = m.source_line.trim();
            if !ex.is_empty() {
                let _ = write!(line, " — {}", code(ex));
            }
            w!(d, "{line}");
        }
    }
    w!(d);
    if fold {
        w!(d, "</details>");
        w!(d);
    }
}

pub(super) fn evidence(d: &mut Doc) {
    let a = d.a;
    if a.evidence.is_empty() {
        return;
    }
    w!(d, "## Evidence");
    w!(d);
    if d.plan.mentions != Group::Rows {
        let items: Vec<Item> = a
            .evidence
            .iter()
            .map(|e| {
                Item::at(
                    &e.file,
                    Some(e.line),
                    format!("“{}” ({})", group::words(e.text.trim()), code(&e.rule)),
                )
            })
            .collect();
        let summary = group::count_summary(items.len(), "quote", "quotes", &items);
        group::write(d, &items, d.plan.mentions, &summary);
        return;
    }
    for e in &a.evidence {
        for l in e.text.lines() {
            w!(d, "> {}", text(l));
        }
        let at = d.links.at(&e.file, Some(e.line), None);
        w!(d, ">");
        w!(d, "> — {at} ({})", code(&e.rule));
        w!(d);
    }
}

pub(super) fn tests(d: &mut Doc) {
    let Some(t) = &d.a.tests else {
        return;
    };
    w!(d, "## Tests");
    w!(d);
    if !t.sources.is_empty() {
        let srcs: Vec<String> = t.sources.iter().map(|s| code(s)).collect();
        w!(d, "Read from {}.", srcs.join(", "));
        w!(d);
    }
    w!(d, "| Passed | Failed | Skipped |");
    w!(d, "| ---: | ---: | ---: |");
    w!(d, "| {} | {} | {} |", t.passed, t.failed, t.skipped);
    w!(d);
    if !t.failures.is_empty() {
        w!(d, "### Failing tests");
        w!(d);
        names(d, &t.failures);
    }
    w!(d, "### Routing-related tests");
    w!(d);
    if t.routing_related.is_empty() {
        w!(d, "No test name mentions a forbidden symbol.");
        w!(d);
    } else {
        w!(d, "Tests whose names mention a forbidden symbol:");
        w!(d);
        names(d, &t.routing_related);
    }
}

/// Test names, one per line, or on one folded line when there are very many.
fn names(d: &mut Doc, names: &[String]) {
    if names.len() <= 200 {
        for n in names {
            w!(d, "- {}", code(n));
        }
        w!(d);
        return;
    }
    w!(d, "<details>");
    w!(
        d,
        "<summary>{}</summary>",
        plural(names.len(), "test", "tests")
    );
    w!(d);
    let all: Vec<String> = names.iter().map(|n| code(n)).collect();
    w!(d, "{}", all.join(", "));
    w!(d);
    w!(d, "</details>");
    w!(d);
}

pub(super) fn handoff(d: &mut Doc) {
    let Some(h) = &d.a.context.handoff else {
        return;
    };
    if h.title.trim().is_empty() && h.items.is_empty() {
        return;
    }
    w!(d, "## Handoff");
    w!(d);
    if !h.title.trim().is_empty() {
        w!(d, "**{}**", text(&h.title));
        w!(d);
    }
    for item in &h.items {
        w!(d, "- [ ] {}", text(item));
    }
    if !h.items.is_empty() {
        w!(d);
    }
}

pub(super) fn reproduce(d: &mut Doc) {
    w!(d, "## How to reproduce");
    w!(d);
    w!(d, "From the repository root:");
    w!(d);
    let cmd = if d.a.context.command.trim().is_empty() {
        "routeaudit report"
    } else {
        d.a.context.command.trim()
    };
    let fence = "`".repeat(longest_run(cmd, '`').max(2) + 1);
    w!(d, "{fence}sh");
    w!(d, "{cmd}");
    w!(d, "{fence}");
}
