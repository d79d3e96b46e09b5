//! The keys the policy reader accepts in each table. The per-kind rule keys live with
//! [`Kind`](crate::policy::Kind); everything else is listed here, once, for the reader, its
//! messages and the test that keeps the JSON Schema in step with the reader.

use crate::policy::Kind;

/// Keys of the top-level table.
pub const TOP_KEYS: &[&str] = &["extends", "policy", "scope", "rule", "evidence", "handoff"];
/// Keys of `[policy]`.
pub const POLICY_KEYS: &[&str] = &[
    "name",
    "title",
    "description",
    "naming",
    "pass-label",
    "fail-label",
];
/// Keys of `[scope]`.
pub const SCOPE_KEYS: &[&str] = &["include", "exclude", "tests"];
/// Keys every `[[rule]]` accepts, whatever its kind.
pub const COMMON_RULE_KEYS: &[&str] = &[
    "id",
    "kind",
    "severity",
    "message",
    "owner",
    "description",
    "url",
    "include",
    "exclude",
];
/// Keys of `[[evidence]]`.
pub const EVIDENCE_KEYS: &[&str] = &["id", "regex", "in", "include", "exclude"];
/// Keys of `[handoff]`.
pub const HANDOFF_KEYS: &[&str] = &["title", "items"];

/// Every key a rule of `kind` accepts: the common ones, then the kind's own.
pub fn rule_keys(kind: Kind) -> Vec<&'static str> {
    COMMON_RULE_KEYS
        .iter()
        .chain(kind.keys())
        .copied()
        .collect()
}
