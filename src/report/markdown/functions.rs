//! The document's functions: the required symbols with their line ranges, the functions that
//! matter (holding a finding, on a call path, required), routing-like names, and a count per
//! directory of all the others (the complete inventory is `routeaudit symbols --format json`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::group::{self, Group, Item};
use super::text::{code, code_cell, in_cell};
use super::{Doc, plural};
use crate::audit::{Audit, FunctionInfo};
use crate::lang::FnKind;

/// `lines 189–280` or `line 12`.
fn lines(line: u32, end: u32) -> String {
    if end > line {
        format!("lines {line}–{end}")
    } else {
        format!("line {line}")
    }
}

pub(super) fn required(d: &mut Doc) {
    let a = d.a;
    if a.required.is_empty() {
        return;
    }
    w!(d, "## Execution functions");
    w!(d);
    if d.plan.functions == Group::Rows {
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
            let at = match (&r.file, r.line) {
                (Some(f), Some(l)) => format!(
                    "{}, {}",
                    in_cell(&d.links.at(f, Some(l), None)),
                    lines(l, r.end_line.unwrap_or(l))
                ),
                (Some(f), None) => in_cell(&d.links.to(f, None, f)),
                (None, _) => "not found in scope".into(),
            };
            w!(
                d,
                "| {} | {status} | {at} | {} |",
                code_cell(&r.symbol),
                code_cell(&r.rule)
            );
        }
        w!(d);
        return;
    }
    let missing: Vec<String> = a
        .required
        .iter()
        .filter(|r| !r.found)
        .map(|r| format!("{} ({})", code(&r.symbol), code(&r.rule)))
        .collect();
    if !missing.is_empty() {
        w!(d, "❌ Missing: {}.", missing.join(", "));
        w!(d);
    }
    let items: Vec<Item> = a
        .required
        .iter()
        .filter(|r| r.found)
        .map(|r| {
            let mut t = code(&r.symbol);
            if let Some(decl) = r.declared.as_deref().filter(|x| *x != r.symbol) {
                let _ = write!(t, " as {}", code(decl));
            }
            let _ = write!(t, " ({})", code(&r.rule));
            Item {
                file: r.file.clone().unwrap_or_default(),
                line: r.line,
                column: None,
                end_line: r.end_line,
                text: t,
            }
        })
        .collect();
    if !items.is_empty() {
        let summary = group::count_summary(items.len(), "declaration", "declarations", &items);
        group::write(d, &items, d.plan.functions, &summary);
    }
}

pub(super) fn routing_like(d: &mut Doc) {
    let a = d.a;
    if a.routing_like.is_empty() {
        return;
    }
    w!(d, "## Routing-like names");
    w!(d);
    w!(
        d,
        "Functions whose names match what a `forbid-reach` rule forbids reaching, though no \
         reported call path goes through them: dead routing code, or reached through a call \
         the graph cannot resolve. Informational: they never fail the verdict."
    );
    w!(d);
    if d.plan.functions == Group::Rows {
        w!(d, "| Function | Where | Rule | Pattern |");
        w!(d, "| --- | --- | --- | --- |");
        for r in &a.routing_like {
            w!(
                d,
                "| {} | {} | {} | {} |",
                code_cell(&r.name),
                in_cell(&d.links.at(&r.file, Some(r.line), None)),
                code_cell(&r.rule),
                code_cell(&r.pattern)
            );
        }
        w!(d);
        return;
    }
    let items: Vec<Item> = a
        .routing_like
        .iter()
        .map(|r| {
            Item::at(
                &r.file,
                Some(r.line),
                format!(
                    "{} ({}: {})",
                    code(&r.name),
                    code(&r.rule),
                    code(&r.pattern)
                ),
            )
        })
        .collect();
    let summary = group::count_summary(items.len(), "function", "functions", &items);
    group::write(d, &items, d.plan.functions, &summary);
}

/// Why a function is listed.
#[derive(Default)]
struct Why {
    required: BTreeSet<String>,
    findings: usize,
    entry: bool,
    on_path: bool,
}

impl Why {
    fn words(&self) -> String {
        let mut parts = Vec::new();
        for r in &self.required {
            parts.push(format!("required by {}", code(r)));
        }
        if self.findings > 0 {
            parts.push(format!(
                "holds {}",
                plural(self.findings, "finding", "findings")
            ));
        }
        if self.entry {
            parts.push("entry of a call path".into());
        }
        if self.on_path && !self.entry {
            parts.push("on a call path".into());
        }
        parts.join("; ")
    }
}

/// The functions that matter, by index into `a.functions`, with why.
fn that_matter(a: &Audit) -> BTreeMap<usize, Why> {
    let mut by_file: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in a.functions.iter().enumerate() {
        by_file.entry(&f.file).or_default().push(i);
    }
    // the innermost function of `file` around `line`, preferring one named `name`
    let around = |file: &str, line: u32, name: Option<&str>| -> Option<usize> {
        let fns = by_file.get(file)?;
        let inside = |&&i: &&usize| {
            let f = &a.functions[i];
            f.line <= line && line <= f.end_line.max(f.line)
        };
        let span = |&i: &usize| a.functions[i].end_line.saturating_sub(a.functions[i].line);
        name.and_then(|n| {
            fns.iter()
                .filter(inside)
                .filter(|&&i| a.functions[i].name == n)
                .copied()
                .min_by_key(span)
        })
        .or_else(|| fns.iter().filter(inside).copied().min_by_key(span))
    };
    let mut out: BTreeMap<usize, Why> = BTreeMap::new();
    for f in &a.findings {
        if let (Some(file), Some(line)) = (&f.file, f.line)
            && let Some(i) = around(file, line, f.in_function.as_deref())
        {
            out.entry(i).or_default().findings += 1;
        }
        for (k, hop) in f.chain.iter().enumerate() {
            if let Some(i) = around(&hop.file, hop.line, Some(&hop.function)) {
                let why = out.entry(i).or_default();
                if k == 0 {
                    why.entry = true;
                } else {
                    why.on_path = true;
                }
            }
        }
    }
    for r in a.required.iter().filter(|r| r.found) {
        if let (Some(file), Some(line)) = (&r.file, r.line)
            && let Some(i) = around(file, line, r.declared.as_deref())
            && a.functions[i].line == line
        {
            out.entry(i).or_default().required.insert(r.rule.clone());
        }
    }
    out
}

fn kind_word(f: &FunctionInfo) -> String {
    match (f.kind, &f.receiver) {
        (FnKind::Method, Some(r)) => format!("method of {}", code(r)),
        (FnKind::Method, None) => "method".into(),
        (FnKind::Func, _) => "func".into(),
    }
}

pub(super) fn inventory(d: &mut Doc) {
    let a = d.a;
    if a.functions.is_empty() {
        return;
    }
    let matter = that_matter(a);
    w!(d, "## Functions");
    w!(d);
    if !matter.is_empty() {
        w!(
            d,
            "The functions that matter: those that hold a finding, lie on a reported call path \
             or are required by the policy."
        );
        w!(d);
        if d.plan.functions == Group::Rows {
            w!(d, "| Function | Kind | Where | Why |");
            w!(d, "| --- | --- | --- | --- |");
            for (&i, why) in &matter {
                let f = &a.functions[i];
                let test = if f.test { " 🧪 test" } else { "" };
                w!(
                    d,
                    "| {} | {}{test} | {}, {} | {} |",
                    code_cell(&f.name),
                    in_cell(&kind_word(f)),
                    in_cell(&d.links.at(&f.file, Some(f.line), None)),
                    lines(f.line, f.end_line),
                    in_cell(&why.words())
                );
            }
            w!(d);
        } else {
            let items: Vec<Item> = matter
                .iter()
                .map(|(&i, why)| {
                    let f = &a.functions[i];
                    Item {
                        file: f.file.clone(),
                        line: Some(f.line),
                        column: None,
                        end_line: Some(f.end_line),
                        text: format!("{} ({})", code(&f.name), why.words()),
                    }
                })
                .collect();
            let summary = group::count_summary(items.len(), "function", "functions", &items);
            group::write(d, &items, d.plan.functions, &summary);
        }
    }
    others(d, &matter);
}

/// Most rows of the per-directory count of the other functions.
const DIR_ROWS: usize = 100;

/// Every other function, counted per directory (cut shallower until the table is short).
fn others(d: &mut Doc, matter: &BTreeMap<usize, Why>) {
    let a = d.a;
    let rest: Vec<&FunctionInfo> = a
        .functions
        .iter()
        .enumerate()
        .filter(|(i, _)| !matter.contains_key(i))
        .map(|(_, f)| f)
        .collect();
    let inventory = format!(
        "`routeaudit symbols {} --format json`",
        if a.context.root.is_empty() {
            "."
        } else {
            &a.context.root
        }
    );
    if rest.is_empty() {
        w!(d, "The complete inventory: {inventory}.");
        w!(d);
        return;
    }
    // functions and those in test code per file, then files per directory at each depth
    let mut per_file: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in &rest {
        let e = per_file.entry(f.file.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(f.test);
    }
    let mut depth = group::max_depth(per_file.keys().copied());
    let count_at = |depth: usize| {
        let mut rows: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
        for (file, (n, tests)) in &per_file {
            let row = rows.entry(group::dir_prefix(file, depth)).or_default();
            row.0 += 1;
            row.1 += n;
            row.2 += tests;
        }
        rows
    };
    let mut rows = count_at(depth);
    while rows.len() > DIR_ROWS && depth > 0 {
        depth -= 1;
        rows = count_at(depth);
    }
    let other = if matter.is_empty() { "" } else { "other " };
    w!(
        d,
        "{} {other}{} in {}, counted per directory; the complete inventory, with line ranges: \
         {inventory}.",
        rest.len(),
        if rest.len() == 1 {
            "function or method"
        } else {
            "functions and methods"
        },
        plural(per_file.len(), "file", "files")
    );
    w!(d);
    let fold = rows.len() > 8;
    if fold {
        w!(d, "<details>");
        w!(
            d,
            "<summary>{}</summary>",
            plural(rows.len(), "directory", "directories")
        );
        w!(d);
    }
    w!(d, "| Directory | Files | Functions | In test code |");
    w!(d, "| --- | ---: | ---: | ---: |");
    for (dir, (files, n, tests)) in &rows {
        let label = if dir.is_empty() {
            "`.`".to_string()
        } else {
            in_cell(&d.links.to(dir, None, &format!("{dir}/")))
        };
        w!(d, "| {label} | {files} | {n} | {tests} |");
    }
    w!(d);
    if fold {
        w!(d, "</details>");
        w!(d);
    }
}
