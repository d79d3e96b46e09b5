//! `--format human`: rustc-style diagnostics for a person at a terminal.
//!
//! Each finding: severity and rule id, message, `--> file:line:col`, the source line with a
//! caret under the span, the enclosing function, the owner hint and the rule's origin. Test
//! code findings are listed apart; a summary line closes the report.

use colored::Colorize;
use std::io::{self, Write};

use crate::audit::{Audit, Finding, RuleInfo, Verdict};
use crate::policy::Severity;

pub(crate) struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, s: &str, f: impl Fn(&str) -> colored::ColoredString) -> String {
        if self.color {
            f(s).to_string()
        } else {
            s.to_string()
        }
    }
}

pub(crate) fn render(audit: &Audit, out: &mut dyn Write, style: &Style) -> io::Result<()> {
    if style.color {
        // the decision was made by `--color`; colored must not second-guess it
        colored::control::set_override(true);
    }
    let (main, apart): (Vec<&Finding>, Vec<&Finding>) =
        audit.findings.iter().partition(|f| f.counts());
    let rule_of = |id: &str| audit.rules.iter().find(|r| r.id == id);
    for f in &main {
        finding(out, f, style, rule_of(&f.rule))?;
    }
    if !apart.is_empty() {
        writeln!(
            out,
            "{}",
            style.paint("note: not counted towards the verdict:", |s| s.bold())
        )?;
        for f in &apart {
            let why = f.status.why_not_counted().unwrap_or_default();
            writeln!(
                out,
                "  {} [{}] {} `{}` {}",
                f.location(),
                f.rule,
                f.occurrence.map(|o| o.as_str()).unwrap_or("-"),
                f.symbol.as_deref().unwrap_or(""),
                style.paint(&format!("({why})"), |s| s.dimmed()),
            )?;
        }
        writeln!(out)?;
    }
    for w in &audit.warnings {
        let loc = match (&w.file, w.line) {
            (Some(f), Some(l)) => format!("{f}:{l}: "),
            (Some(f), None) => format!("{f}: "),
            _ => String::new(),
        };
        writeln!(
            out,
            "{}: {loc}{} [{}]",
            style.paint("warning", |s| s.yellow().bold()),
            w.message,
            w.code
        )?;
    }
    for e in &audit.errors {
        let loc = match e.line {
            Some(l) => format!("{}:{l}", e.file),
            None => e.file.clone(),
        };
        writeln!(
            out,
            "{}: {loc}: {}",
            style.paint("error", |s| s.red().bold()),
            e.message
        )?;
    }
    if !audit.skipped.is_empty() {
        let mut reasons: Vec<(String, usize)> = Vec::new();
        for sk in &audit.skipped {
            match reasons.iter_mut().find(|(r, _)| *r == sk.reason) {
                Some((_, n)) => *n += 1,
                None => reasons.push((sk.reason.clone(), 1)),
            }
        }
        let reasons: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
        writeln!(
            out,
            "note: skipped {} file(s): {}",
            audit.skipped.len(),
            reasons.join(", ")
        )?;
        for sk in &audit.skipped {
            writeln!(out, "  {} ({})", sk.file, sk.reason)?;
        }
    }
    if let Some(t) = &audit.tests {
        test_results(t, out, style)?;
    }
    summary(audit, out, style)
}

/// One line for `--test-results`: the counts and how many tests are routing-related.
fn test_results(
    t: &crate::audit::TestResults,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<()> {
    let failed = format!("{} failed", t.failed);
    let failed = if t.failed > 0 {
        style.paint(&failed, |s| s.red().bold())
    } else {
        failed
    };
    writeln!(
        out,
        "tests: {} passed, {failed}, {} skipped; {} routing-related ({})",
        t.passed,
        t.skipped,
        t.routing_related.len(),
        t.sources.join(", ")
    )
}

fn finding(
    out: &mut dyn Write,
    f: &Finding,
    style: &Style,
    rule: Option<&RuleInfo>,
) -> io::Result<()> {
    let (label, paint): (&str, fn(&str) -> colored::ColoredString) = match f.severity {
        Severity::Error => ("error", |s| s.red().bold()),
        Severity::Warning => ("warning", |s| s.yellow().bold()),
        Severity::Info => ("info", |s| s.cyan().bold()),
    };
    let what = match (&f.symbol, f.occurrence) {
        (Some(s), Some(o)) => format!(": `{s}` ({})", o.as_str()),
        (Some(s), None) => format!(": `{s}`"),
        _ => String::new(),
    };
    writeln!(
        out,
        "{}{}",
        style.paint(&format!("{label}[{}]", f.rule), paint),
        style.paint(&format!(": {}{what}", f.message), |s| s.bold())
    )?;
    let arrow = style.paint("-->", |s| s.blue().bold());
    writeln!(out, "  {arrow} {}", f.location())?;
    if let (Some(line), false) = (f.line, f.source_line.is_empty()) {
        let num = line.to_string();
        let pad = " ".repeat(num.len());
        let bar = style.paint("|", |s| s.blue().bold());
        writeln!(out, "  {pad} {bar}")?;
        let text = f.source_line.replace('\t', "    ");
        writeln!(
            out,
            "  {} {bar} {}",
            style.paint(&num, |s| s.blue().bold()),
            text
        )?;
        if let Some(col) = f.column {
            let before: String = f.source_line.chars().take(col as usize - 1).collect();
            let indent = before.replace('\t', "    ").chars().count();
            let width = match (f.end_line, f.end_column) {
                (Some(el), Some(ec)) if el == line && ec > col => (ec - col) as usize,
                _ => 1,
            };
            writeln!(
                out,
                "  {pad} {bar} {}{}",
                " ".repeat(indent),
                style.paint(&"^".repeat(width), paint)
            )?;
        }
    }
    let eq = style.paint("=", |s| s.blue().bold());
    if let Some(func) = &f.in_function {
        writeln!(out, "  {eq} in function `{func}`")?;
    }
    if f.generated {
        writeln!(
            out,
            "  {eq} note: the file is generated; change what generates it"
        )?;
    }
    if let Some(m) = &f.matched
        && Some(m) != f.symbol.as_ref()
    {
        writeln!(out, "  {eq} matched: `{m}`")?;
    }
    if !f.chain.is_empty() {
        writeln!(out, "  {eq} call path:")?;
        for (i, hop) in f.chain.iter().enumerate() {
            let arrow = if i == 0 { "  " } else { "->" };
            writeln!(
                out,
                "      {arrow} {} ({}:{})",
                hop.function, hop.file, hop.line
            )?;
        }
    }
    if let Some(owner) = &f.owner {
        writeln!(out, "  {eq} help: this responsibility belongs to {owner}")?;
    }
    if let Some(r) = rule {
        writeln!(out, "  {eq} rule defined at {}", r.origin)?;
        if let Some(url) = r.url.as_deref().filter(|u| !u.trim().is_empty()) {
            writeln!(out, "  {eq} see: {url}")?;
        }
    }
    writeln!(out)
}

fn summary(audit: &Audit, out: &mut dyn Write, style: &Style) -> io::Result<()> {
    let s = &audit.summary;
    let counted = s.errors + s.warnings + s.infos + s.suppression_warnings;
    let unreadable = audit
        .errors
        .iter()
        .any(|e| e.kind == crate::audit::FileErrorKind::Unreadable);
    let verdict = match audit.verdict {
        // `--fail-on never`: the run passes by request, not because it found nothing
        Verdict::Pass if audit.context.fail_on.is_none() && counted > 0 => {
            style.paint("PASS (--fail-on never)", |x| x.yellow().bold())
        }
        Verdict::Pass => style.paint("PASS", |x| x.green().bold()),
        Verdict::Fail => style.paint("FAIL", |x| x.red().bold()),
        Verdict::Error if unreadable => style.paint("INCOMPLETE", |x| x.red().bold()),
        Verdict::Error => style.paint("ERROR", |x| x.red().bold()),
    };
    let mut parts = vec![plural(s.errors, "error"), plural(s.warnings, "warning")];
    if s.infos > 0 {
        parts.push(plural(s.infos, "info"));
    }
    if s.suppression_warnings > 0 {
        parts.push(plural(s.suppression_warnings, "suppression warning"));
    }
    parts.extend(s.not_counted());
    parts.push(format!(
        "{} in comments/strings",
        plural(s.mentions, "mention")
    ));
    let mut files = String::new();
    if s.files_skipped > 0 {
        files.push_str(&format!(", {} skipped", s.files_skipped));
    }
    if s.files_ignored > 0 {
        files.push_str(&format!(", {} left out by ignore rules", s.files_ignored));
    }
    for (kind, n) in audit.error_kinds() {
        files.push_str(&format!(", {}", kind.count(n)));
    }
    writeln!(
        out,
        "routeaudit {verdict}: {} — {} ({} file{} scanned{files}; policy {})",
        audit.policy.name,
        parts.join(", "),
        s.files_scanned,
        if s.files_scanned == 1 { "" } else { "s" },
        audit.policy.source,
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
