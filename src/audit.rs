//! The result of an audit: what every renderer reads and what `--format json` prints.
//!
//! Owns the schema (schema_version 1; its JSON Schema, generated from these types, is checked
//! in as `schemas/routeaudit-output.schema.json`) and the ordering rules: every list is sorted
//! by (file, line, column, rule) before anything is rendered. Nothing here reads files or
//! evaluates rules.

use serde::Serialize;

use crate::lang::{FnKind, OccKind};
use crate::policy::{Handoff, Severity, TestMode};

pub const SCHEMA_VERSION: u32 = 1;

/// The result of `routeaudit check --format json` (also `--json-output`).
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(title = "routeaudit audit"))]
#[derive(Clone, Debug, Serialize)]
pub struct Audit {
    pub schema_version: u32,
    pub tool: Tool,
    pub policy: PolicyInfo,
    pub verdict: Verdict,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub mentions: Vec<Mention>,
    pub required: Vec<Required>,
    pub evidence: Vec<EvidenceHit>,
    pub skipped: Vec<Skipped>,
    /// Problems that are not findings (syntax errors read from a partial tree, reach entries
    /// that match no function, unused suppressions). Only those about suppressions
    /// ([`WarningCode::gates`]) can change the verdict, at `--fail-on warning`.
    pub warnings: Vec<Warning>,
    /// Problems that stop the verdict (unreadable files, invalid suppressions): exit code 2.
    pub errors: Vec<FileError>,
    pub rules: Vec<RuleInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tests: Option<TestResults>,
    /// Every function and method in scope (the document's inventory; `symbols`).
    #[serde(skip)]
    pub functions: Vec<FunctionInfo>,
    /// Functions in scope whose names look like what a `forbid-reach` rule forbids reaching
    /// but that no reported call path goes through (the document lists them; not in JSON,
    /// since only runs that take the inventory compute them).
    #[serde(skip)]
    pub routing_like: Vec<RoutingLike>,
    #[serde(skip)]
    pub context: Context,
}

/// Facts about the run that only the document shows. Everything here is a function of the
/// audited paths, the policy and the command line, never of the checkout (no commit, no
/// absolute path), so a committed document stays current until the audited code changes.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The audited paths as the repository sees them (`internal/controller`, `.`).
    pub root: String,
    /// The scope's include/exclude globs and test mode, for the document.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub tests_mode: Option<TestMode>,
    pub handoff: Option<Handoff>,
    pub policy_description: String,
    /// The command that reproduces the document, run from the repository root.
    pub command: String,
    /// The `--fail-on` threshold.
    pub fail_on: Option<Severity>,
    /// The repository root every path of the audit is relative to (absolute). The document
    /// reads it only to place its links relative to where it is written.
    pub repo_root: std::path::PathBuf,
    /// The policy file relative to the repository root (`routeaudit.toml`), or the builtin
    /// pack (`builtin:pure-executor`).
    pub policy_file: String,
}

/// A function whose name matches a `forbid-reach` rule's `to` pattern while no reported call
/// path goes through it: informational, for a reviewer to look at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RoutingLike {
    pub file: String,
    pub line: u32,
    pub name: String,
    /// The `forbid-reach` rule and the `to` pattern the name matches.
    pub rule: String,
    pub pattern: String,
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "routeaudit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct PolicyInfo {
    pub name: String,
    pub title: String,
    pub source: String,
    /// The document's words for a passing and a failing verdict (`PURE`, `NOT PURE`);
    /// `None`: the neutral `PASS` / `FAIL`.
    #[serde(skip)]
    pub pass_label: Option<String>,
    #[serde(skip)]
    pub fail_label: Option<String>,
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    /// Something in scope could not be read: the verdict cannot be trusted.
    Error,
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub files_scanned: usize,
    /// Failing findings by severity (not test code under `tests = "separate"`, not
    /// suppressed, not baselined).
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub mentions: usize,
    /// Findings in test code listed apart under `tests = "separate"`.
    pub test_findings: usize,
    pub suppressed: usize,
    pub baselined: usize,
    /// With `--new-from-rev`: findings on lines not changed since that revision.
    #[serde(skip_serializing_if = "is_zero")]
    pub outside_diff: usize,
    /// Warnings about `routeaudit:allow` directives (`unused-suppression`, `unknown-rule`):
    /// they count at severity warning ([`WarningCode::gates`]).
    #[serde(skip_serializing_if = "is_zero")]
    pub suppression_warnings: usize,
    pub files_skipped: usize,
    pub files_parsed: usize,
    /// Files in scope that ignore rules left out (`.gitignore` and the like; `--no-ignore`
    /// audits them).
    #[serde(skip_serializing_if = "is_zero")]
    pub files_ignored: usize,
}

impl Summary {
    /// The findings that do not count, by reason, in the order every renderer uses:
    /// `1 in test code`, `2 suppressed`, `1 baselined`, `3 outside the diff`.
    pub fn not_counted(&self) -> Vec<String> {
        not_counted_parts(
            self.test_findings,
            self.suppressed,
            self.baselined,
            self.outside_diff,
        )
    }
}

/// Like [`Summary::not_counted`], for any set of findings (one rule's, say).
pub fn not_counted<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<String> {
    let (mut test, mut suppressed, mut baselined, mut outside) = (0, 0, 0, 0);
    for f in findings {
        match f.status {
            Status::Counted => {}
            Status::TestCode => test += 1,
            Status::Suppressed { .. } => suppressed += 1,
            Status::Baselined => baselined += 1,
            Status::OutsideDiff => outside += 1,
        }
    }
    not_counted_parts(test, suppressed, baselined, outside)
}

fn not_counted_parts(
    test: usize,
    suppressed: usize,
    baselined: usize,
    outside: usize,
) -> Vec<String> {
    let mut parts = Vec::new();
    if test > 0 {
        parts.push(format!("{test} in test code"));
    }
    if suppressed > 0 {
        parts.push(format!("{suppressed} suppressed"));
    }
    if baselined > 0 {
        parts.push(format!("{baselined} baselined"));
    }
    if outside > 0 {
        parts.push(format!("{outside} outside the diff"));
    }
    parts
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One call-path hop of a reachability finding.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Hop {
    pub function: String,
    pub file: String,
    pub line: u32,
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: String,
    pub rule_kind: String,
    #[cfg_attr(test, schemars(with = "schema::SeverityName"))]
    pub severity: Severity,
    /// Absent only for a required symbol that is missing everywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    /// The text as written in the source (`check_cooldown`, or the matched pattern text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// The policy entry it matched (`CheckCooldown`, a regex, a glob).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, schemars(with = "Option<schema::OccurrenceName>"))]
    pub occurrence: Option<OccKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_function: Option<String>,
    pub test: bool,
    /// In a file that says it is generated (`// Code generated ... DO NOT EDIT.`): fix the
    /// generator's input, not the file.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub generated: bool,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub chain: Vec<Hop>,
    /// Whether the finding counts towards the verdict, and why not. Set once, when the audit
    /// is settled; serialized as `suppressed`, `suppression`, `baselined` and `status`.
    #[serde(flatten)]
    pub status: Status,
    /// Stable across line shifts: rule, file, symbol, occurrence, enclosing function and the
    /// normalized source line (never the line number).
    pub fingerprint: String,
    /// The source line of the finding, for excerpts.
    #[serde(skip)]
    pub source_line: String,
}

impl Finding {
    /// A finding of `rule`, with the rule's identity, severity, message and owner filled in
    /// and nothing else: the caller says where and what.
    pub fn of(rule: &crate::policy::Rule) -> Finding {
        Finding {
            rule: rule.id.clone(),
            rule_kind: rule.kind.name().into(),
            severity: rule.severity,
            file: None,
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            symbol: None,
            matched: None,
            occurrence: None,
            in_function: None,
            test: false,
            generated: false,
            message: rule.message.clone(),
            owner: rule.owner.clone(),
            chain: Vec::new(),
            status: Status::Counted,
            fingerprint: String::new(),
            source_line: String::new(),
        }
    }

    /// Places the finding at `span` of `file`.
    pub fn at(mut self, file: &str, span: crate::span::Span) -> Finding {
        self.file = Some(file.to_string());
        self.line = Some(span.line);
        self.column = Some(span.column);
        self.end_line = Some(span.end_line);
        self.end_column = Some(span.end_column);
        self
    }

    /// Whether this finding fails the run: it counts, and its severity is at or above the
    /// `--fail-on` threshold (`None`: nothing fails).
    pub fn fails(&self, fail_on: Option<Severity>) -> bool {
        self.counts() && fail_on.is_some_and(|min| self.severity >= min)
    }

    /// Whether this finding counts towards the verdict.
    pub fn counts(&self) -> bool {
        self.status == Status::Counted
    }

    pub fn location(&self) -> String {
        match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}"),
            (Some(f), Some(l), None) => format!("{f}:{l}"),
            (Some(f), _, _) => f.clone(),
            _ => "(not found in scope)".into(),
        }
    }
}

/// Whether a finding counts towards the verdict, and if not, why. Decided once per finding when
/// the audit is settled, in this order of precedence: a suppression, the baseline, diff mode,
/// test code listed apart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Status {
    #[default]
    Counted,
    /// Silenced by a `routeaudit:allow` directive, with its reason.
    Suppressed { reason: String },
    /// Recorded in the `--baseline` file.
    Baselined,
    /// On a line not added or changed since the diff-mode revision.
    OutsideDiff,
    /// In test code, listed apart under `tests = "separate"`.
    TestCode,
}

impl Status {
    /// The JSON `status` value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Counted => "counted",
            Status::Suppressed { .. } => "suppressed",
            Status::Baselined => "baselined",
            Status::OutsideDiff => "outside-diff",
            Status::TestCode => "test-code",
        }
    }

    /// Why a finding does not count, in words (`suppressed: reason`, `outside the diff`);
    /// `None` when it counts.
    pub fn why_not_counted(&self) -> Option<String> {
        match self {
            Status::Counted => None,
            Status::Suppressed { reason } if reason.is_empty() => Some("suppressed".into()),
            Status::Suppressed { reason } => Some(format!("suppressed: {reason}")),
            Status::Baselined => Some("baselined".into()),
            Status::OutsideDiff => Some("outside the diff".into()),
            Status::TestCode => Some("test code".into()),
        }
    }

    pub fn is_suppressed(&self) -> bool {
        matches!(self, Status::Suppressed { .. })
    }

    /// The suppression's reason, if suppressed.
    pub fn suppression(&self) -> Option<&str> {
        match self {
            Status::Suppressed { reason } => Some(reason),
            _ => None,
        }
    }
}

/// The JSON keys of schema_version 1 (`suppressed`, `suppression`, `baselined`) plus `status`.
impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let reason = self.suppression();
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("suppressed", &reason.is_some())?;
        if let Some(r) = reason {
            m.serialize_entry("suppression", r)?;
        }
        m.serialize_entry("baselined", &(*self == Status::Baselined))?;
        m.serialize_entry("status", self.as_str())?;
        m.end()
    }
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Mention {
    pub rule: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub symbol: String,
    pub matched: String,
    #[cfg_attr(test, schemars(with = "schema::OccurrenceName"))]
    pub occurrence: OccKind,
    pub test: bool,
    #[serde(skip)]
    pub source_line: String,
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Required {
    pub rule: String,
    pub symbol: String,
    pub found: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, schemars(with = "Option<schema::OccurrenceName>"))]
    pub occurrence: Option<OccKind>,
    /// The name as declared (`reconcile_pending` for `reconcilePending` under words naming).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<String>,
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct EvidenceHit {
    pub rule: String,
    pub file: String,
    pub line: u32,
    pub text: String,
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub file: String,
    /// `binary`, `too-large`, `symlink` (`--no-follow`), `not-a-file`.
    pub reason: String,
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub code: WarningCode,
    pub message: String,
}

/// Stable codes of warnings: part of the JSON contract, so never renamed.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum WarningCode {
    /// A file with a syntax error, read from a partial syntax tree (or at token level).
    SyntaxError,
    /// Something the walk met: a symbolic link loop, an unreadable ignore file, a clamped `-j`.
    Walk,
    /// A `forbid-reach` entry that names no function in scope (usually a typo).
    UnmatchedEntry,
    /// A `routeaudit:allow` directive that suppresses nothing.
    UnusedSuppression,
    /// A baseline entry that matches no finding any more: the baseline can shrink.
    StaleBaselineEntry,
    /// A `routeaudit:allow` directive names a rule the policy does not have.
    UnknownRule,
    /// Bytes that are not valid UTF-8, each read as `?` (offsets and lines unchanged).
    InvalidUtf8,
}

impl WarningCode {
    pub const ALL: [WarningCode; 7] = [
        WarningCode::SyntaxError,
        WarningCode::Walk,
        WarningCode::UnmatchedEntry,
        WarningCode::UnusedSuppression,
        WarningCode::StaleBaselineEntry,
        WarningCode::UnknownRule,
        WarningCode::InvalidUtf8,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::SyntaxError => "syntax-error",
            WarningCode::Walk => "walk",
            WarningCode::UnmatchedEntry => "unmatched-entry",
            WarningCode::UnusedSuppression => "unused-suppression",
            WarningCode::StaleBaselineEntry => "stale-baseline-entry",
            WarningCode::UnknownRule => "unknown-rule",
            WarningCode::InvalidUtf8 => "invalid-utf8",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            WarningCode::SyntaxError => {
                "the file has a syntax error; it was read from a partial tree"
            }
            WarningCode::Walk => {
                "the walk met a symbolic link loop or a bad ignore file, or -j was clamped"
            }
            WarningCode::UnmatchedEntry => "a forbid-reach entry matches no function in scope",
            WarningCode::UnusedSuppression => "a routeaudit:allow directive suppresses nothing",
            WarningCode::StaleBaselineEntry => "a baseline entry matches no finding any more",
            WarningCode::UnknownRule => {
                "a routeaudit:allow directive names a rule the policy does not have"
            }
            WarningCode::InvalidUtf8 => {
                "the file has bytes that are not valid UTF-8; each was read as `?`"
            }
        }
    }

    /// Whether the warning counts at severity warning, like a finding: `--fail-on warning`
    /// (or `info`) fails on it and the summary counts it (`suppression_warnings`). These are
    /// the warnings about `routeaudit:allow` directives, which the tree's authors wrote and
    /// can fix. The others describe the tree or the run (a syntax error, the walk) or depend
    /// on how much of the tree was audited (a reach entry, a baseline entry that matches
    /// nothing when only a subdirectory is checked), so they never change the verdict.
    pub fn gates(self) -> bool {
        matches!(
            self,
            WarningCode::UnusedSuppression | WarningCode::UnknownRule
        )
    }
}

impl std::fmt::Display for WarningCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileError {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub kind: FileErrorKind,
    pub message: String,
}

impl FileError {
    /// A file in scope that could not be read (`line`: where, for invalid UTF-8).
    pub fn unreadable(file: impl Into<String>, line: Option<u32>, message: String) -> Self {
        FileError {
            file: file.into(),
            line,
            kind: FileErrorKind::Unreadable,
            message,
        }
    }

    /// A `routeaudit:allow` directive that cannot be honoured (no reason, no rule).
    pub fn invalid_suppression(file: impl Into<String>, line: u32, message: String) -> Self {
        FileError {
            file: file.into(),
            line: Some(line),
            kind: FileErrorKind::InvalidSuppression,
            message,
        }
    }
}

/// What kind of problem a [`FileError`] is; every renderer words them apart. Part of the
/// JSON contract (`errors[].kind`), so never renamed.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum FileErrorKind {
    /// The file could not be read: the verdict cannot be trusted.
    Unreadable,
    /// A `routeaudit:allow` directive without a reason or a rule.
    InvalidSuppression,
}

impl FileErrorKind {
    pub const ALL: [FileErrorKind; 2] =
        [FileErrorKind::Unreadable, FileErrorKind::InvalidSuppression];

    pub fn as_str(self) -> &'static str {
        match self {
            FileErrorKind::Unreadable => "unreadable",
            FileErrorKind::InvalidSuppression => "invalid-suppression",
        }
    }

    /// A title for one error of this kind: `file could not be read`, `invalid suppression`.
    pub fn title(self) -> &'static str {
        match self {
            FileErrorKind::Unreadable => "file could not be read",
            FileErrorKind::InvalidSuppression => "invalid suppression",
        }
    }

    /// `n` errors of this kind, for a summary line: `1 unreadable`, `2 invalid suppressions`.
    pub fn count(self, n: usize) -> String {
        match (self, n) {
            (FileErrorKind::Unreadable, n) => format!("{n} unreadable"),
            (FileErrorKind::InvalidSuppression, 1) => "1 invalid suppression".into(),
            (FileErrorKind::InvalidSuppression, n) => format!("{n} invalid suppressions"),
        }
    }

    /// Why `n` errors of this kind stop the verdict, as a clause: `1 file in scope could not
    /// be read`, `2 routeaudit:allow directives are invalid`.
    pub fn consequence(self, n: usize) -> String {
        match (self, n) {
            (FileErrorKind::Unreadable, 1) => "1 file in scope could not be read".into(),
            (FileErrorKind::Unreadable, n) => format!("{n} files in scope could not be read"),
            (FileErrorKind::InvalidSuppression, 1) => {
                "1 routeaudit:allow directive is invalid (it needs a rule and a reason)".into()
            }
            (FileErrorKind::InvalidSuppression, n) => format!(
                "{n} routeaudit:allow directives are invalid (each needs a rule and a reason)"
            ),
        }
    }
}

impl Audit {
    /// The number of errors of each kind that occurs, in [`FileErrorKind::ALL`] order.
    pub fn error_kinds(&self) -> Vec<(FileErrorKind, usize)> {
        FileErrorKind::ALL
            .iter()
            .map(|&k| (k, self.errors.iter().filter(|e| e.kind == k).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub kind: String,
    #[cfg_attr(test, schemars(with = "schema::SeverityName"))]
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The rule's documentation link (`url` in the policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Where the rule is written (`routeaudit.toml:12:1`).
    pub origin: String,
    /// Symbols, globs, regexes the rule lists, for the document.
    pub targets: Vec<String>,
    /// Findings of this rule that count towards the verdict.
    pub findings: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct FunctionInfo {
    pub file: String,
    pub line: u32,
    pub end_line: u32,
    pub name: String,
    pub kind: FnKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiver: Option<String>,
    pub test: bool,
    /// With `symbols --calls`: resolved callees and callers, as `name (file:line)`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub callees: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub callers: Vec<String>,
}

#[cfg_attr(test, derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct TestResults {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub failures: Vec<String>,
    pub routing_related: Vec<String>,
    /// The files read (`--test-results`).
    pub sources: Vec<String>,
}

impl Audit {
    /// Sorts every list into the published order. Renderers rely on it.
    pub fn sort(&mut self) {
        let key = |f: &Finding| {
            (
                f.file.clone().unwrap_or_default(),
                f.line.unwrap_or(0),
                f.column.unwrap_or(0),
                f.rule.clone(),
                f.symbol.clone(),
            )
        };
        self.findings.sort_by_key(key);
        self.mentions.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.rule).cmp(&(&b.file, b.line, b.column, &b.rule))
        });
        self.required.sort_by(|a, b| {
            (&a.file, a.line, &a.rule, &a.symbol).cmp(&(&b.file, b.line, &b.rule, &b.symbol))
        });
        self.evidence
            .sort_by(|a, b| (&a.file, a.line, &a.rule).cmp(&(&b.file, b.line, &b.rule)));
        self.skipped.sort();
        self.skipped.dedup();
        self.warnings.sort();
        self.warnings.dedup();
        self.errors.sort();
        self.errors.dedup();
        self.functions.sort();
        self.routing_like.sort();
    }
}

/// The JSON Schema of what the serializers above write, for the types whose JSON is written by
/// hand (`Status`) or whose names live elsewhere (severities, occurrence kinds).
#[cfg(test)]
mod schema {
    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
    use std::borrow::Cow;

    use super::Status;
    use crate::lang::OccKind;
    use crate::policy::Severity;

    /// A severity as written in JSON.
    pub(super) struct SeverityName;

    impl JsonSchema for SeverityName {
        fn schema_name() -> Cow<'static, str> {
            "Severity".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            let names = [Severity::Info, Severity::Warning, Severity::Error].map(Severity::as_str);
            json_schema!({"type": "string", "enum": names})
        }
    }

    /// An occurrence kind as written in JSON.
    pub(super) struct OccurrenceName;

    impl JsonSchema for OccurrenceName {
        fn schema_name() -> Cow<'static, str> {
            "Occurrence".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            let names: Vec<&str> = OccKind::ALL.iter().map(|k| k.as_str()).collect();
            json_schema!({
                "description": "What the occurrence is: a declaration (func, method, type, field, variant, const, var), a use (call, reference) or text (comment, string).",
                "type": "string",
                "enum": names,
            })
        }
    }

    /// The keys [`Status`]'s serializer writes into its finding.
    impl JsonSchema for Status {
        fn schema_name() -> Cow<'static, str> {
            "Status".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            let statuses = [
                Status::Counted,
                Status::Suppressed {
                    reason: String::new(),
                },
                Status::Baselined,
                Status::OutsideDiff,
                Status::TestCode,
            ]
            .map(|s| s.as_str());
            json_schema!({
                "type": "object",
                "properties": {
                    "suppressed": {
                        "description": "Silenced by a `routeaudit:allow` directive.",
                        "type": "boolean",
                    },
                    "suppression": {
                        "description": "The directive's reason; present only when suppressed.",
                        "type": "string",
                    },
                    "baselined": {
                        "description": "Recorded in the `--baseline` file.",
                        "type": "boolean",
                    },
                    "status": {
                        "description": "Whether the finding counts towards the verdict, and if not, why.",
                        "type": "string",
                        "enum": statuses,
                    },
                },
                "required": ["suppressed", "baselined", "status"],
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_codes_are_unique_and_serialize_as_written() {
        let mut seen = std::collections::HashSet::new();
        for c in WarningCode::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {c}");
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
            assert!(!c.description().is_empty());
        }
    }
}
