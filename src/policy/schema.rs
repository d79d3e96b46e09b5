//! The policy file format as plain serde types with a doc comment on every key, from which the
//! JSON Schema `schemas/routeaudit-policy.schema.json` is generated (for editors: taplo / Even
//! Better TOML read it through a `#:schema` line).
//!
//! The reader in `parse` does not use these types: it reads the spanned TOML tree key by key
//! so that every problem gets a position. Tests keep the two in step: the keys the schema
//! allows per table and per rule kind must equal the keys the reader accepts, and the
//! checked-in schema must equal the generated one (`ROUTEAUDIT_BLESS=1` rewrites it).

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use std::borrow::Cow;

use crate::lang::OccKind;

/// Where the generated schema is checked in, relative to the crate root.
pub const SCHEMA_PATH: &str = "schemas/routeaudit-policy.schema.json";

/// A list of strings; a single string stands for a list of one.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Strings {
    One(String),
    Many(Vec<String>),
}

/// A list of occurrence kinds or groups; a single one stands for a list of one.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Kinds {
    One(OccurrenceKind),
    Many(Vec<OccurrenceKind>),
}

/// A `routeaudit.toml` policy: boundary rules that an audited tree must keep.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "routeaudit policy")]
pub struct RawPolicy {
    /// Policies to start from, merged in order under this file: `builtin:NAME` for an
    /// embedded pack, or a path relative to this file. Rules and evidence with the same `id`
    /// are replaced; other settings are taken from this file when it sets them.
    pub extends: Option<Strings>,
    /// The policy's name, title, naming mode and verdict words.
    pub policy: Option<RawPolicyTable>,
    /// Which files of the audited tree are checked.
    pub scope: Option<RawScope>,
    /// The boundary rules. A policy needs at least one (here or through `extends`).
    pub rule: Option<Vec<RawRule>>,
    /// Patterns quoted as supporting evidence in reports; they never fail a run.
    pub evidence: Option<Vec<RawEvidence>>,
    /// What the other side of the boundary must check instead (for the verification document).
    pub handoff: Option<RawHandoff>,
}

/// `[policy]`: about the policy itself.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPolicyTable {
    /// A short name (default: the file name without extension).
    pub name: Option<String>,
    /// A one-line title for reports (default: the name).
    pub title: Option<String>,
    /// What the policy protects, for reports.
    pub description: Option<String>,
    /// How listed names are compared with names in code.
    pub naming: Option<RawNaming>,
    /// The word reports use for a passing verdict (default `PASS`).
    #[schemars(length(min = 1))]
    pub pass_label: Option<String>,
    /// The word reports use for a failing verdict (default `FAIL`).
    #[schemars(length(min = 1))]
    pub fail_label: Option<String>,
}

/// How a listed name is compared with a name in code.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RawNaming {
    /// Names must be equal (the default).
    Exact,
    /// Names are equal word for word, whatever the case convention:
    /// `CheckCooldown` == `checkCooldown` == `check_cooldown`.
    Words,
}

/// `[scope]`: the files checked, as globs relative to the policy file's directory (a builtin
/// pack's: the repository root). A glob without `/`
/// matches a file name in any directory.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScope {
    /// Globs of the files to check (default: Go, Rust and YAML files).
    pub include: Option<Strings>,
    /// Globs of files never checked (default: `vendor/**`, `**/testdata/**`).
    pub exclude: Option<Strings>,
    /// What happens to test code.
    pub tests: Option<RawTests>,
}

/// What happens to test code (`_test.go`, Rust `#[cfg(test)]` and `tests/`).
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RawTests {
    /// Test code is checked like any other code.
    Include,
    /// Test code is not checked.
    Exclude,
    /// Findings in test code are listed apart and never fail the run (the default).
    Separate,
}

/// How much a finding of a rule matters.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RawSeverity {
    /// Fails the run (the default).
    Error,
    /// Fails the run with `--fail-on warning`.
    Warning,
    /// Reported only.
    Info,
}

/// A kind of occurrence (`func`, `call`, `comment`, ...) or a group of them (`declaration`,
/// `use`, `code`, `text`, `any`).
pub struct OccurrenceKind;

/// The groups `in` accepts besides the single occurrence kinds.
pub const OCCURRENCE_GROUPS: &[&str] = &["declaration", "use", "code", "text", "any"];

impl JsonSchema for OccurrenceKind {
    fn schema_name() -> Cow<'static, str> {
        "OccurrenceKind".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = OccKind::ALL
            .iter()
            .map(|k| k.as_str())
            .chain(OCCURRENCE_GROUPS.iter().copied())
            .collect();
        json_schema!({
            "description": "An occurrence kind (func, method, type, field, variant, const, var, call, reference, comment, string) or a group: declaration = every declaration kind, use = call + reference, code = declaration + use, text = comment + string, any = everything.",
            "type": "string",
            "enum": names,
        })
    }
}

impl<'de> Deserialize<'de> for OccurrenceKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match crate::lang::KindSet::from_name(&s) {
            Some(_) => Ok(OccurrenceKind),
            None => Err(serde::de::Error::custom(format!(
                "unknown occurrence kind `{s}`"
            ))),
        }
    }
}

/// Declares the rule kinds: each is a struct with the keys every rule shares followed by its
/// own keys, and a variant of [`RawRule`] tagged by `kind`.
macro_rules! rule_kinds {
    ($(
        $(#[$doc:meta])*
        $kind:literal => $name:ident {
            $( $(#[$fdoc:meta])* $field:ident : $ty:ty, )*
        }
    )*) => {
        /// `[[rule]]`: one boundary rule; `kind` decides which other keys it takes.
        #[derive(Deserialize, JsonSchema)]
        #[serde(tag = "kind")]
        pub enum RawRule {
            $( $(#[$doc])* #[serde(rename = $kind)] $name($name), )*
        }

        /// Every rule kind's name, in declaration order.
        pub const RAW_RULE_KINDS: &[&str] = &[$($kind),*];

        $(
            $(#[$doc])*
            #[derive(Deserialize, JsonSchema)]
            #[serde(deny_unknown_fields, rename_all = "kebab-case")]
            pub struct $name {
                /// The rule's identifier (letters, digits, `-`, `_`), unique in the policy;
                /// a rule with the same id in an extending file replaces this one.
                #[schemars(pattern(r"^[A-Za-z0-9_-]+$"))]
                pub id: String,
                /// How much a finding matters (default `error`).
                pub severity: Option<RawSeverity>,
                /// The finding's message (default: a short text for the kind).
                pub message: Option<String>,
                /// Who owns what the rule forbids (shown in reports).
                pub owner: Option<String>,
                /// Why the rule exists (shown in reports and the verification document).
                pub description: Option<String>,
                /// A documentation link for the rule (SARIF `helpUri`): an absolute URL.
                #[schemars(url)]
                pub url: Option<String>,
                /// Narrows the rule to files matching these globs (within the scope).
                pub include: Option<Strings>,
                /// Files matching these globs are exempt from the rule.
                pub exclude: Option<Strings>,
                $( $(#[$fdoc])* pub $field: $ty, )*
            }
        )*
    };
}

rule_kinds! {
    /// A listed name (or an identifier matching a regex) must not occur.
    "forbid-symbol" => RawForbidSymbol {
        /// Identifiers that must not occur (compared under the policy's naming mode).
        symbols: Option<Strings>,
        /// Regexes over whole identifiers that must not occur.
        patterns: Option<Strings>,
        /// Which occurrences count (default `code`).
        r#in: Option<Kinds>,
    }
    /// A file matching the globs must not exist in scope.
    "forbid-file" => RawForbidFile {
        /// Globs of forbidden files (non-empty).
        files: Strings,
    }
    /// A regex, applied line by line, must not match.
    "forbid-pattern" => RawForbidPattern {
        /// The forbidden regex; `^` and `$` are line bounds. It must not match the empty string.
        regex: String,
        /// Which text is searched: code, or comment/string text (default `code`).
        r#in: Option<Kinds>,
    }
    /// Every listed name must be declared (or used) somewhere in scope.
    "require-symbol" => RawRequireSymbol {
        /// Identifiers that must be present (non-empty).
        symbols: Strings,
        /// Which occurrences satisfy the rule (default `declaration`); text kinds never do.
        r#in: Option<Kinds>,
    }
    /// No call path may lead from an entry function to a matching callee.
    "forbid-reach" => RawForbidReach {
        /// Entry functions: identifiers, or regexes over function names.
        from: Strings,
        /// Forbidden callees: identifiers, or regexes over function names.
        to: Option<Strings>,
        /// Forbidden callees given as identifiers (added to `to`).
        symbols: Option<Strings>,
        /// Barrier functions (identifiers, or regexes over function names, compared like
        /// `from`): a call chain never passes through one, since entering it ends the path, and
        /// none is an entry. For dispatchers whose branches are audited by other rules.
        stop: Option<Strings>,
        /// The longest call chain followed, in calls (default: unbounded).
        #[schemars(range(min = 1))]
        max_depth: Option<u32>,
    }
}

/// `[[evidence]]`: a pattern quoted as supporting evidence; it never fails a run.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvidence {
    /// The entry's identifier, unique among the evidence entries.
    pub id: String,
    /// The regex searched for, line by line.
    pub regex: String,
    /// Which text is searched (default `comment`).
    pub r#in: Option<Kinds>,
    /// Narrows the entry to files matching these globs (within the scope).
    pub include: Option<Strings>,
    /// Files matching these globs are not searched.
    pub exclude: Option<Strings>,
}

/// `[handoff]`: what the other side of the boundary must check instead.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHandoff {
    /// The section's title (default `Handoff`).
    pub title: Option<String>,
    /// One check per item.
    pub items: Option<Strings>,
}

/// The JSON Schema of a policy file, as checked in (pretty JSON with a final newline).
pub fn schema_json() -> String {
    let schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RawPolicy>();
    let mut v = schema.to_value();
    drop_null(&mut v);
    const_to_enum(&mut v);
    describe_kinds(&mut v);
    let mut out = serde_json::to_string_pretty(&v).expect("a schema is JSON");
    out.push('\n');
    out
}

/// TOML has no null: an optional key is simply absent, so `null` is taken out of every type.
fn drop_null(v: &mut serde_json::Value) {
    use serde_json::Value;
    let Value::Object(map) = v else {
        if let Value::Array(items) = v {
            items.iter_mut().for_each(drop_null);
        }
        return;
    };
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            map.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(alts)) = map.get_mut("anyOf") {
        alts.retain(|a| a.get("type").is_none_or(|t| t != "null"));
        if alts.len() == 1 {
            // a lone alternative: `allOf` keeps the description beside the `$ref` (draft 7
            // ignores the siblings of a `$ref`)
            let alts = map.remove("anyOf").unwrap_or_default();
            map.insert("allOf".into(), alts);
        }
    }
    map.values_mut().for_each(drop_null);
}

/// `"const": x` becomes `"enum": [x]`: the same constraint, also understood by validators that
/// only know JSON Schema draft 4 (taplo documents draft 4 support), where `const` would be
/// ignored and every `[[rule]]` variant would look alike.
fn const_to_enum(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            if let Some(c) = map.remove("const") {
                map.insert("enum".into(), Value::Array(vec![c]));
            }
            map.values_mut().for_each(const_to_enum);
        }
        Value::Array(items) => items.iter_mut().for_each(const_to_enum),
        _ => {}
    }
}

/// Gives each rule variant's `kind` property the description of its kind.
fn describe_kinds(v: &mut serde_json::Value) {
    let Some(variants) = v
        .pointer_mut("/definitions/RawRule/oneOf")
        .and_then(|o| o.as_array_mut())
    else {
        return;
    };
    for variant in variants {
        if let Some(kind) = variant.pointer_mut("/properties/kind")
            && let Some(obj) = kind.as_object_mut()
        {
            obj.insert(
                "description".into(),
                "The rule kind; it decides which other keys the rule takes.".into(),
            );
        }
    }
}

#[cfg(test)]
mod tests;
