//! Baselines: today's findings recorded, so a gate can land on an imperfect tree and fail
//! only on new findings.
//!
//! An entry is identified by the finding's fingerprint (rule, file, symbol, occurrence,
//! enclosing function, normalized line text; never the line number), so lines inserted above
//! keep it valid. Entries match findings one to one, so a second identical violation on
//! another line is new.
//!
//! Renamed files: an entry also has a file-independent key, and the baseline keeps a small
//! sample of each recorded file's lines ([`FileSketch`]). An entry follows its finding into
//! another file only when (1) its recorded file no longer exists, (2) the other file was not
//! itself recorded (a file that had findings then is not a new name of another), and (3) the
//! other file is a rename by content, as git judges renames: the lines the two files share are
//! at least half of the larger one. A deleted file and a new, unrelated file that happens to
//! hold the same violating line are therefore two files: the new finding counts. Baselines
//! without samples (written by earlier versions) follow no rename.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crate::audit::{Finding, Warning};

pub(crate) const BASELINE_VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct BaselineFile {
    pub routeaudit_baseline: u32,
    pub findings: Vec<Entry>,
    /// A sample of the content of each file that has entries, to recognise it renamed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, FileSketch>,
}

/// What a baseline remembers of a file's content: how many distinct significant lines it had
/// (white space folded; lines without a letter or digit, such as `}`, left out) and the hashes
/// of the [`SAMPLE`] smallest of them, as 8 hex digits each. Enough to estimate how many of
/// its lines another file holds, without storing the file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileSketch {
    pub lines: usize,
    pub sample: String,
}

/// How many line hashes a [`FileSketch`] keeps.
pub(crate) const SAMPLE: usize = 32;

/// The distinct significant lines of `text`, hashed.
fn line_hashes(text: &str) -> HashSet<u32> {
    crate::span::lines_inclusive(text)
        .filter(|l| l.chars().any(char::is_alphanumeric))
        .map(|l| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for (i, w) in l.split_whitespace().enumerate() {
                for b in (i > 0).then_some(b' ').into_iter().chain(w.bytes()) {
                    h ^= u64::from(b);
                    h = h.wrapping_mul(0x0000_0100_0000_01b3);
                }
            }
            (h ^ (h >> 32)) as u32
        })
        .collect()
}

impl FileSketch {
    pub(crate) fn of(text: &str) -> FileSketch {
        let hashes = line_hashes(text);
        let mut sample: Vec<u32> = hashes.iter().copied().collect();
        sample.sort_unstable();
        sample.truncate(SAMPLE);
        FileSketch {
            lines: hashes.len(),
            sample: sample.iter().map(|h| format!("{h:08x}")).collect(),
        }
    }

    fn sample(&self) -> Vec<u32> {
        self.sample
            .as_bytes()
            .chunks(8)
            .filter_map(|c| u32::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
            .collect()
    }

    /// Whether a file with these line `hashes` is this file renamed (and perhaps edited): the
    /// lines they share, estimated from the sample, are at least half of the larger file.
    pub(crate) fn is_renamed_as(&self, hashes: &HashSet<u32>) -> bool {
        let sample = self.sample();
        if sample.is_empty() || self.lines == 0 {
            return false;
        }
        let kept = sample.iter().filter(|h| hashes.contains(h)).count();
        // shared lines ≈ kept/sample × lines; compare with half the larger file, in integers
        let larger = self.lines.max(hashes.len());
        2 * kept * self.lines >= larger * sample.len()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
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
pub(crate) fn content_key(f: &Finding) -> String {
    let mut g = f.clone();
    g.file = None;
    crate::engine::fingerprint(&g, "")
}

/// The baseline of `findings` (suppressed ones left out), with a sketch of each of their files
/// as they are under `root` now.
pub(crate) fn from_findings(findings: &[Finding], root: &Path) -> BaselineFile {
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
    let files = entries
        .iter()
        .filter_map(|e| e.file.clone())
        .collect::<std::collections::BTreeSet<String>>()
        .into_iter()
        .filter_map(|f| {
            let text = read_source(root, &f)?;
            Some((f, FileSketch::of(&text)))
        })
        .collect();
    BaselineFile {
        routeaudit_baseline: BASELINE_VERSION,
        findings: entries,
        files,
    }
}

/// The text of an audited file, if it is there and readable.
fn read_source(root: &Path, rel: &str) -> Option<String> {
    let bytes = crate::fsread::read_regular(&root.join(rel), crate::fsread::BASELINE_LIMIT).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

pub(crate) fn read(path: &Path) -> Result<BaselineFile, String> {
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
/// entry that matched nothing (fixed findings: the baseline can shrink). `root` is where the
/// files are, to tell a renamed file (module documentation).
pub(crate) fn apply(
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
    // renamed files: see the module documentation for the three conditions
    let mut hashes: HashMap<&str, Option<HashSet<u32>>> = HashMap::new();
    for fi in unmatched {
        let Some(file) = findings[fi].file.as_deref() else {
            continue;
        };
        if baseline.files.contains_key(file) {
            continue;
        }
        let key = content_key(&findings[fi]);
        let new = hashes
            .entry(file)
            .or_insert_with(|| read_source(root, file).map(|t| line_hashes(&t)));
        let Some(new) = new.as_ref() else {
            continue;
        };
        let renamed_from = |e: &Entry| {
            e.file.as_ref().is_some_and(|p| {
                !root.join(p).exists()
                    && baseline.files.get(p).is_some_and(|s| s.is_renamed_as(new))
            })
        };
        if let Some(i) = (0..baseline.findings.len()).find(|&i| {
            let e = &baseline.findings[i];
            !used[i] && e.content == key && renamed_from(e)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rename_keeps_at_least_half_of_the_lines() {
        let old = "package a\n\nfunc f() {\n\tCheckCooldown()\n\tMarkSkipped()\n}\n";
        let sketch = FileSketch::of(old);
        assert_eq!(sketch.lines, 4, "`}}` and blank lines are not significant");
        assert_eq!(sketch.sample.len(), 4 * 8);
        // renamed, white space changed, one line gone
        let renamed = "package a\r\nfunc   f() {\r\n    CheckCooldown()\r\n}\r\n";
        assert!(sketch.is_renamed_as(&line_hashes(renamed)));
        // another file that shares the violating function and nothing else
        let unrelated = "package b\n\nimport \"fmt\"\n\n// Other does other things.\nfunc Other() { fmt.Println(1) }\n\nfunc f() {\n\tCheckCooldown()\n}\n";
        assert!(!sketch.is_renamed_as(&line_hashes(unrelated)));
        assert!(!FileSketch::of("}\n").is_renamed_as(&line_hashes("}\n")));
    }

    #[test]
    fn large_files_are_judged_from_the_sample() {
        let text: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        let sketch = FileSketch::of(&text);
        assert_eq!(sketch.lines, 1000);
        assert_eq!(sketch.sample.len(), SAMPLE * 8);
        assert!(sketch.is_renamed_as(&line_hashes(&text)));
        let half: String = (0..1000)
            .map(|i| {
                if i % 4 == 0 {
                    format!("other {i}\n")
                } else {
                    format!("line {i}\n")
                }
            })
            .collect();
        assert!(sketch.is_renamed_as(&line_hashes(&half)));
        let rewritten: String = (0..1000).map(|i| format!("new {i}\n")).collect();
        assert!(!sketch.is_renamed_as(&line_hashes(&rewritten)));
    }
}
