//! Baselines: today's findings recorded, so a gate can land on an imperfect tree and fail
//! only on new findings.
//!
//! An entry is identified by the finding's fingerprint (rule, file, symbol, occurrence,
//! enclosing function, normalized line text; never the line number), so lines inserted above
//! keep it valid. A second, file-independent key lets an entry follow a file that was renamed
//! with its content unchanged. Entries match findings one to one, so a second identical
//! violation on another line is new.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

use crate::audit::{Finding, Warning};

pub const BASELINE_VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub routeaudit_baseline: u32,
    pub findings: Vec<Entry>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// Informational: where the finding was when the baseline was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub fingerprint: String,
    /// The fingerprint without the file, for renamed files.
    pub content: String,
}

/// The file-independent key of a finding.
pub fn content_key(f: &Finding) -> String {
    let mut g = f.clone();
    g.file = None;
    crate::engine::fingerprint(&g, "")
}

pub fn from_findings(findings: &[Finding]) -> BaselineFile {
    let mut entries: Vec<Entry> = findings
        .iter()
        .filter(|f| !f.status.is_suppressed())
        .map(|f| Entry {
            rule: f.rule.clone(),
            file: f.file.clone(),
            symbol: f.symbol.clone(),
            line: f.line,
            fingerprint: f.fingerprint.clone(),
            content: content_key(f),
        })
        .collect();
    entries.sort();
    BaselineFile {
        routeaudit_baseline: BASELINE_VERSION,
        findings: entries,
    }
}

pub fn read(path: &Path) -> Result<BaselineFile, String> {
    let text = crate::fsread::read_regular_text(path, crate::fsread::BASELINE_LIMIT)
        .map_err(|e| format!("the baseline: {e}"))?;
    let b: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not a routeaudit baseline: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if b.routeaudit_baseline != BASELINE_VERSION {
        return Err(format!(
            "{}: baseline version {} is not supported (expected {BASELINE_VERSION})",
            path.display(),
            b.routeaudit_baseline
        ));
    }
    Ok(b)
}

/// Which findings the baseline knows (suppressed ones are never matched), and a warning per
/// entry that matched nothing (fixed findings: the baseline can shrink).
pub fn apply(
    findings: &[Finding],
    suppressed: &[Option<String>],
    baseline: &BaselineFile,
    root: &Path,
) -> (Vec<bool>, Vec<Warning>) {
    let mut by_fp: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in baseline.findings.iter().enumerate() {
        by_fp.entry(e.fingerprint.as_str()).or_default().push(i);
    }
    let mut known = vec![false; findings.len()];
    let mut used = vec![false; baseline.findings.len()];
    let mut unmatched = Vec::new();
    for (fi, f) in findings.iter().enumerate() {
        if suppressed[fi].is_some() {
            continue;
        }
        match by_fp
            .get(f.fingerprint.as_str())
            .and_then(|v| v.iter().copied().find(|&i| !used[i]))
        {
            Some(i) => {
                used[i] = true;
                known[fi] = true;
            }
            None => unmatched.push(fi),
        }
    }
    // renamed files: same content, and the recorded file no longer exists
    for fi in unmatched {
        let key = content_key(&findings[fi]);
        if let Some(i) = baseline.findings.iter().enumerate().position(|(i, e)| {
            !used[i] && e.content == key && e.file.as_ref().is_some_and(|p| !root.join(p).exists())
        }) {
            used[i] = true;
            known[fi] = true;
        }
    }
    let stale = baseline
        .findings
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(e, _)| Warning {
            file: e.file.clone(),
            line: e.line,
            code: crate::audit::WarningCode::StaleBaselineEntry,
            message: format!(
                "baseline entry for rule `{}`{} matches no finding any more: it can be removed",
                e.rule,
                e.symbol
                    .as_ref()
                    .map(|s| format!(" (`{s}`)"))
                    .unwrap_or_default()
            ),
        })
        .collect();
    (known, stale)
}
