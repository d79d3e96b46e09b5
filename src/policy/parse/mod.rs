//! Reads policy TOML into a [`Policy`], collecting every problem with its position.
//!
//! The TOML is parsed into toml's spanned document tree (`DeTable`) and read key by key, so
//! an unknown key, a wrong type, a bad glob or regex, an empty list or a duplicate rule id
//! each becomes one [`PolicyError`] naming the file, line, column, key and rule id, and all
//! of them are reported at once. `extends` layers are loaded first and merged under the file.

//!
//! `layer` reads one file (and its `extends`) into a layer, `files` reads them from disk, `rules` reads `[[rule]]` and
//! `[[evidence]]` entries, `reader` holds the typed accessors every table uses and `keys` the
//! keys each table accepts.

mod files;
mod keys;
mod layer;
mod reader;
mod rules;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

use files::ReadFailure;

use super::{BUILTINS, Policy, Scope, TestMode};

pub use keys::{
    COMMON_RULE_KEYS, EVIDENCE_KEYS, HANDOFF_KEYS, POLICY_KEYS, SCOPE_KEYS, TOP_KEYS, rule_keys,
};
pub use reader::{compile_globs, is_identifier};

/// One problem in a policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub rule: Option<String>,
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if let Some(r) = &self.rule {
            write!(f, "rule `{r}`: ")?;
        }
        if let Some(k) = &self.key {
            write!(f, "key `{k}`: ")?;
        }
        f.write_str(&self.message)
    }
}

pub(crate) type Errors = Vec<PolicyError>;

/// Loads a policy file from disk (and whatever it extends). Only a regular file of at most
/// [`POLICY_LIMIT`](crate::fsread::POLICY_LIMIT) bytes is read.
pub fn load_file(path: &Path) -> Result<Policy, Errors> {
    let display = path.to_string_lossy().replace('\\', "/");
    let src = files::read_policy_text(path, &display).map_err(|e| {
        vec![match e {
            ReadFailure::Unreadable(why) => PolicyError {
                file: display.clone(),
                line: 1,
                column: 1,
                rule: None,
                key: None,
                message: format!("cannot read the policy file: {why}"),
            },
            ReadFailure::NotUtf8(e) => e,
        }]
    })?;
    parse_source(&src, &display, path.parent(), files::identity(path))
}

/// Loads an embedded pack by name (`pure-executor`).
pub fn load_builtin(name: &str) -> Result<Policy, Errors> {
    let (_, src) = BUILTINS.iter().find(|(n, _)| *n == name).ok_or_else(|| {
        vec![PolicyError {
            file: format!("builtin:{name}"),
            line: 1,
            column: 1,
            rule: None,
            key: None,
            message: format!(
                "no builtin policy named `{name}` (available: {})",
                BUILTINS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }]
    })?;
    parse_policy(src, &format!("builtin:{name}"), None)
}

/// Parses policy source. `file` names it in messages and in `Policy::source`; `dir` is where
/// relative `extends` paths are resolved and, canonicalised, the policy's `base_dir` (None for
/// builtins).
pub fn parse_policy(src: &str, file: &str, dir: Option<&Path>) -> Result<Policy, Errors> {
    parse_source(src, file, dir, PathBuf::from(file))
}

/// [`parse_policy`] for a source whose identity (for `extends` loops) is `id`.
fn parse_source(src: &str, file: &str, dir: Option<&Path>, id: PathBuf) -> Result<Policy, Errors> {
    let mut stack = Vec::new();
    let layer = layer::read_layer(src, file, dir, id, &mut stack).map_err(|mut es| {
        // in the order of the files and lines they point at
        es.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        es.dedup();
        es
    })?;
    if layer.rules.is_empty() {
        // an empty or comments-only file is a mistake, never "audit nothing and pass"
        return Err(vec![PolicyError {
            file: file.to_string(),
            line: 1,
            column: 1,
            rule: None,
            key: None,
            message: "the policy has no rules: add a `[[rule]]`, or `extends = [\"builtin:pure-executor\"]` to start from the builtin pack".into(),
        }]);
    }
    let name = layer.name.clone().unwrap_or_else(|| {
        Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "policy".into())
    });
    Ok(Policy {
        title: layer.title.clone().unwrap_or_else(|| name.clone()),
        name,
        description: layer.description.unwrap_or_default(),
        source: file.to_string(),
        naming: layer.naming.unwrap_or_default(),
        scope: layer.scope.unwrap_or_else(default_scope),
        base_dir: dir.and_then(|d| {
            let d = if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            };
            std::fs::canonicalize(d).ok()
        }),
        pass_label: layer.pass_label,
        fail_label: layer.fail_label,
        rules: layer.rules,
        evidence: layer.evidence,
        handoff: layer.handoff,
    })
}

pub(crate) fn default_scope() -> Scope {
    let compile = |pats: &[&str]| {
        Some(compile_globs(pats.iter().copied()).expect("the default scope globs are valid"))
    };
    Scope {
        include: compile(&["**/*.go", "**/*.rs", "**/*.yaml", "**/*.yml"]),
        exclude: compile(&["vendor/**", "**/testdata/**"]),
        tests: TestMode::Separate,
    }
}
