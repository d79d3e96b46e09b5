//! The document's findings: forbidden symbols, files and patterns (a table per rule, or
//! grouped lists on a large tree) and the call paths of `forbid-reach` rules.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::group::{self, Group, Item};
use super::text::{code, code_cell, excerpt_cell, text};
use super::{Doc, STATUS_LEGEND, finding_status, plural, status_mark};
use crate::audit::{Audit, Finding, RuleInfo};

fn owner_line(d: &mut Doc, r: &RuleInfo) {
    let mut line = text(&r.message);
    if let Some(o) = &r.owner {
        let _ = write!(line, " — belongs to **{}**", text(o));
    }
    if !line.is_empty() {
        w!(d, "{line}.");
        w!(d);
    }
}

/// `symbol` (occurrence) mark `in function`, for a grouped list.
fn short(f: &Finding) -> String {
    let mut s = String::new();
    if let Some(sym) = &f.symbol {
        s.push_str(&code(sym));
    }
    if let Some(o) = f.occurrence {
        let _ = write!(s, " {}", o.as_str());
    }
    let _ = write!(s, " {}", status_mark(f));
    if let Some(func) = &f.in_function {
        let _ = write!(s, " in {}", code(func));
    }
    s.trim_start().to_string()
}

fn item(f: &Finding, text: String) -> Item {
    Item {
        file: f.file.clone().unwrap_or_default(),
        line: f.line,
        column: f.column,
        end_line: None,
        text,
    }
}

pub(super) fn forbidden(d: &mut Doc) {
    let a = d.a;
    let of_kind = |k: &'static str| a.rules.iter().filter(move |r| r.kind == k);
    if of_kind("forbid-symbol").next().is_none()
        && of_kind("forbid-file").next().is_none()
        && of_kind("forbid-pattern").next().is_none()
    {
        return;
    }
    w!(d, "## Forbidden symbols");
    w!(d);
    if d.plan.findings != Group::Rows {
        w!(
            d,
            "The tree is large: findings are grouped per {}. {STATUS_LEGEND}.",
            match d.plan.findings {
                Group::Dirs(_) => "directory",
                _ => "file",
            }
        );
        w!(d);
    }
    for r in of_kind("forbid-symbol") {
        w!(d, "### {}", code(&r.id));
        w!(d);
        owner_line(d, r);
        if d.plan.findings == Group::Rows {
            w!(d, "| Symbol | Status | Location | Occurrence | Function |");
            w!(d, "| --- | --- | --- | --- | --- |");
            for (target, hits) in by_target(a, r) {
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
                        location_cell(d, f),
                        f.occurrence.map_or("—", |o| o.as_str()),
                        f.in_function.as_deref().map_or("—".into(), code_cell)
                    );
                }
            }
            w!(d);
        } else {
            grouped(d, r, "✅ Not found");
        }
    }
    for r in of_kind("forbid-file") {
        w!(d, "### {} (forbidden files)", code(&r.id));
        w!(d);
        owner_line(d, r);
        if d.plan.findings == Group::Rows {
            w!(d, "| Glob | Status | File |");
            w!(d, "| --- | --- | --- |");
            for (target, hits) in by_target(a, r) {
                if hits.is_empty() {
                    w!(d, "| {} | ✅ no file matches | — |", code_cell(target));
                }
                for f in hits {
                    w!(
                        d,
                        "| {} | {} | {} |",
                        code_cell(target),
                        finding_status(f),
                        location_cell(d, f)
                    );
                }
            }
            w!(d);
        } else {
            grouped(d, r, "✅ No file matches");
        }
    }
    for r in of_kind("forbid-pattern") {
        w!(d, "### {} (forbidden patterns)", code(&r.id));
        w!(d);
        owner_line(d, r);
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
        if d.plan.findings == Group::Rows {
            w!(d, "| Location | Status | Match | Line |");
            w!(d, "| --- | --- | --- | --- |");
            for f in hits {
                w!(
                    d,
                    "| {} | {} | {} | {} |",
                    location_cell(d, f),
                    finding_status(f),
                    f.symbol.as_deref().map_or("—".into(), code_cell),
                    excerpt_cell(&f.source_line)
                );
            }
            w!(d);
        } else {
            let items: Vec<Item> = hits.iter().map(|f| item(f, short(f))).collect();
            let summary = group::count_summary(items.len(), "match", "matches", &items);
            group::write(d, &items, d.plan.findings, &summary);
        }
    }
}

/// A finding's location as a linked table cell.
fn location_cell(d: &Doc, f: &Finding) -> String {
    match &f.file {
        Some(file) => super::text::in_cell(&d.links.at(file, f.line, f.column)),
        None => code_cell(&f.location()),
    }
}

/// A rule's findings in a grouped list, after one line naming the targets nothing matched.
fn grouped(d: &mut Doc, r: &RuleInfo, none_label: &str) {
    let pairs = by_target(d.a, r);
    let absent: Vec<String> = pairs
        .iter()
        .filter(|(_, h)| h.is_empty())
        .map(|(t, _)| code(t))
        .collect();
    if !absent.is_empty() {
        w!(d, "{none_label}: {}.", absent.join(", "));
        w!(d);
    }
    let mut hits: Vec<&Finding> = pairs.into_iter().flat_map(|(_, h)| h).collect();
    if hits.is_empty() {
        return;
    }
    // in the order of the tree, whatever target each matched
    hits.sort_by_key(|f| (f.file.clone(), f.line, f.column));
    let items: Vec<Item> = hits.iter().map(|f| item(f, short(f))).collect();
    let summary = group::count_summary(items.len(), "finding", "findings", &items);
    group::write(d, &items, d.plan.findings, &summary);
}

/// Each listed target of `r` with the findings that matched it, then each other `matched`
/// value among the rule's findings, so no finding is left out.
fn by_target<'a>(a: &'a Audit, r: &'a RuleInfo) -> Vec<(&'a str, Vec<&'a Finding>)> {
    let of_rule: Vec<&Finding> = a.findings.iter().filter(|f| f.rule == r.id).collect();
    let mut out: Vec<(&str, Vec<&Finding>)> = r
        .targets
        .iter()
        .map(|t| {
            let hits = of_rule
                .iter()
                .copied()
                .filter(|f| f.matched.as_deref() == Some(t.as_str()))
                .collect();
            (t.as_str(), hits)
        })
        .collect();
    let mut others: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in of_rule {
        if !r
            .targets
            .iter()
            .any(|t| f.matched.as_deref() == Some(t.as_str()))
        {
            let m = f.matched.as_deref().or(f.symbol.as_deref()).unwrap_or("?");
            others.entry(m).or_default().push(f);
        }
    }
    out.extend(others);
    out
}

/// `fn` ([`file:line`](…)) → … for a finding's call path.
fn chain(d: &Doc, f: &Finding) -> String {
    f.chain
        .iter()
        .map(|h| {
            format!(
                "{} ({})",
                code(&h.function),
                d.links.at(&h.file, Some(h.line), None)
            )
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

pub(super) fn call_paths(d: &mut Doc) {
    let a = d.a;
    let with_chain: Vec<&Finding> = a.findings.iter().filter(|f| !f.chain.is_empty()).collect();
    if with_chain.is_empty() {
        return;
    }
    w!(d, "## Call paths");
    w!(d);
    if d.plan.findings == Group::Rows {
        for f in with_chain {
            let at = d
                .links
                .at(f.file.as_deref().unwrap_or(""), f.line, f.column);
            w!(
                d,
                "- {} {} at {at}: {}",
                code(&f.rule),
                finding_status(f),
                chain(d, f)
            );
        }
        w!(d);
    } else {
        w!(d, "Grouped per place of the first call. {STATUS_LEGEND}.");
        w!(d);
        let items: Vec<Item> = with_chain
            .iter()
            .map(|f| {
                item(
                    f,
                    format!("{} {}: {}", status_mark(f), code(&f.rule), chain(d, f)),
                )
            })
            .collect();
        let summary = plural(items.len(), "call path", "call paths");
        group::write(d, &items, d.plan.findings, &summary);
    }
}
