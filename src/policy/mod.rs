//! Policies: the validated form of a `routeaudit.toml` (or a builtin pack).
//!
//! `parse` reads TOML into these types and collects every problem with its position;
//! `discover` decides which policy applies to an audited path. Globs and regexes are
//! compiled here, once, so the engine never sees an invalid one.

pub mod discover;
pub mod naming;
pub mod parse;
#[cfg(test)]
pub mod schema;

use globset::GlobSet;
use regex::Regex;
use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

use crate::lang::KindSet;

pub use parse::{PolicyError, load_builtin, load_file, parse_policy};

/// Builtin packs, embedded in the binary: (name, TOML source).
pub const BUILTINS: &[(&str, &str)] = &[(
    "pure-executor",
    include_str!("../../rules/pure-executor.toml"),
)];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Naming {
    #[default]
    Exact,
    Words,
}

impl Naming {
    /// The key a name is compared under.
    pub fn key(self, name: &str) -> String {
        match self {
            Naming::Exact => name.to_string(),
            Naming::Words => naming::words_key(name),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TestMode {
    Include,
    Exclude,
    #[default]
    Separate,
}

/// A compiled list of globs with the patterns kept for display.
#[derive(Clone, Debug)]
pub struct Globs {
    pub patterns: Vec<String>,
    pub set: GlobSet,
    /// Where the patterns are anchored, as a `/`-terminated path relative to the audit root
    /// (`""`: the root itself). Set by [`Policy::anchor`].
    pub base: String,
}

impl Globs {
    /// Whether `rel` (relative to the audit root) matches, read relative to the globs' base.
    pub fn is_match(&self, rel: &str) -> bool {
        rel.strip_prefix(self.base.as_str())
            .is_some_and(|r| self.set.is_match(r))
    }

    /// The first pattern that matches `rel`.
    pub fn first_match(&self, rel: &str) -> Option<&str> {
        let r = rel.strip_prefix(self.base.as_str())?;
        // the set's indices are those of the patterns it was built from
        self.set
            .matches(r)
            .first()
            .map(|&i| self.patterns[i].as_str())
    }
}

/// Whether `rel` passes an include/exclude pair: matched by `include` (or no `include`) and not
/// matched by `exclude`. The one definition behind [`Scope::contains`], [`Rule::applies_to`] and
/// [`EvidenceRule::applies_to`].
pub fn admits(include: Option<&Globs>, exclude: Option<&Globs>, rel: &str) -> bool {
    include.is_none_or(|g| g.is_match(rel)) && !exclude.is_some_and(|g| g.is_match(rel))
}

#[derive(Clone, Debug)]
pub struct Scope {
    /// `None`: every file the walk yields.
    pub include: Option<Globs>,
    pub exclude: Option<Globs>,
    pub tests: TestMode,
}

impl Scope {
    /// Whether `rel` (relative to the audit root) is in scope.
    pub fn contains(&self, rel: &str) -> bool {
        admits(self.include.as_ref(), self.exclude.as_ref(), rel)
    }
}

/// Where a rule was written: `routeaudit.toml:12:1` or `builtin:pure-executor:30:1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A name or a regex over whole names, as listed in `symbols`/`patterns`/`from`/`to`.
#[derive(Clone, Debug)]
pub enum NamePat {
    Name(String),
    Regex(Regex),
}

impl NamePat {
    pub fn display(&self) -> String {
        match self {
            NamePat::Name(n) => n.clone(),
            NamePat::Regex(r) => r.as_str().to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub enum RuleKind {
    ForbidSymbol {
        symbols: Vec<String>,
        patterns: Vec<Regex>,
        kinds: KindSet,
    },
    ForbidFile {
        files: Globs,
    },
    ForbidPattern {
        regex: Regex,
        kinds: KindSet,
    },
    RequireSymbol {
        symbols: Vec<String>,
        kinds: KindSet,
    },
    ForbidReach {
        from: Vec<NamePat>,
        to: Vec<NamePat>,
        /// Barriers: a call chain never passes through a function matching one of these
        /// (entering one ends the path), and none is an entry.
        stop: Vec<NamePat>,
        max_depth: Option<usize>,
    },
}

/// The kind of a rule as written in `kind = "..."`. The kind names, the keys each kind accepts
/// beyond the common ones and the default messages are defined here and nowhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    ForbidSymbol,
    ForbidFile,
    ForbidPattern,
    RequireSymbol,
    ForbidReach,
}

impl Kind {
    /// Every kind, in the order they are listed in messages.
    pub const ALL: [Kind; 5] = [
        Kind::ForbidSymbol,
        Kind::ForbidFile,
        Kind::ForbidPattern,
        Kind::RequireSymbol,
        Kind::ForbidReach,
    ];

    /// The name a policy writes in `kind = "..."`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::ForbidSymbol => "forbid-symbol",
            Kind::ForbidFile => "forbid-file",
            Kind::ForbidPattern => "forbid-pattern",
            Kind::RequireSymbol => "require-symbol",
            Kind::ForbidReach => "forbid-reach",
        }
    }

    /// The kind named `name`, if any.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The keys a rule of this kind accepts besides the common ones (`id`, `kind`, ...).
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::ForbidSymbol => &["symbols", "patterns", "in"],
            Kind::ForbidFile => &["files"],
            Kind::ForbidPattern => &["regex", "in"],
            Kind::RequireSymbol => &["symbols", "in"],
            Kind::ForbidReach => &["from", "to", "symbols", "stop", "max-depth"],
        }
    }

    /// The finding message when the rule sets no `message`.
    pub fn default_message(self) -> &'static str {
        match self {
            Kind::ForbidSymbol => "forbidden symbol",
            Kind::ForbidFile => "forbidden file",
            Kind::ForbidPattern => "forbidden pattern",
            Kind::RequireSymbol => "required symbol is missing",
            Kind::ForbidReach => "forbidden call path",
        }
    }

    /// Every kind name, comma-separated (for messages).
    pub fn names() -> String {
        Kind::ALL.map(Kind::name).join(", ")
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl RuleKind {
    pub fn kind(&self) -> Kind {
        match self {
            RuleKind::ForbidSymbol { .. } => Kind::ForbidSymbol,
            RuleKind::ForbidFile { .. } => Kind::ForbidFile,
            RuleKind::ForbidPattern { .. } => Kind::ForbidPattern,
            RuleKind::RequireSymbol { .. } => Kind::RequireSymbol,
            RuleKind::ForbidReach { .. } => Kind::ForbidReach,
        }
    }

    /// The kind's name as written in the policy (`forbid-symbol`, ...).
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub kind: RuleKind,
    pub severity: Severity,
    pub message: String,
    pub owner: Option<String>,
    pub description: Option<String>,
    /// A documentation link for the rule (`url`), an absolute URL.
    pub url: Option<String>,
    pub include: Option<Globs>,
    pub exclude: Option<Globs>,
    pub origin: Origin,
}

impl Rule {
    /// Whether a file (already in the policy scope) is in this rule's narrowed scope.
    pub fn applies_to(&self, rel: &str) -> bool {
        admits(self.include.as_ref(), self.exclude.as_ref(), rel)
    }

    /// Every name listed in `symbols` (for prefilters and the document).
    pub fn listed_symbols(&self) -> &[String] {
        match &self.kind {
            RuleKind::ForbidSymbol { symbols, .. } | RuleKind::RequireSymbol { symbols, .. } => {
                symbols
            }
            _ => &[],
        }
    }
}

#[derive(Clone, Debug)]
pub struct EvidenceRule {
    pub id: String,
    pub regex: Regex,
    pub kinds: KindSet,
    pub include: Option<Globs>,
    pub exclude: Option<Globs>,
    pub origin: Origin,
}

impl EvidenceRule {
    /// Whether a file (already in the policy scope) is in this entry's narrowed scope.
    pub fn applies_to(&self, rel: &str) -> bool {
        admits(self.include.as_ref(), self.exclude.as_ref(), rel)
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Handoff {
    pub title: String,
    pub items: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub name: String,
    pub title: String,
    pub description: String,
    /// `builtin:pure-executor` or the policy file's path as given.
    pub source: String,
    pub naming: Naming,
    pub scope: Scope,
    /// The directory the scope globs are relative to: the top-level policy file's directory
    /// (absolute, canonical), whichever file of its `extends` chain declared `[scope]`; `None`
    /// for a builtin pack and for a policy parsed from text without a directory.
    pub base_dir: Option<PathBuf>,
    /// The verdict words (`pass-label`, `fail-label` in `[policy]`); `None`: PASS and FAIL.
    pub pass_label: Option<String>,
    pub fail_label: Option<String>,
    pub rules: Vec<Rule>,
    pub evidence: Vec<EvidenceRule>,
    pub handoff: Option<Handoff>,
}

impl Policy {
    /// Anchors every glob of the policy (scope, rules, evidence, forbidden files) at `base`,
    /// a `/`-terminated path relative to the audit root (`""`: the root). Globs are written
    /// relative to the policy file's directory; paths are reported relative to the
    /// repository root.
    pub fn anchor(&mut self, base: &str) {
        let set = |g: &mut Option<Globs>| {
            if let Some(g) = g {
                g.base = base.to_string();
            }
        };
        set(&mut self.scope.include);
        set(&mut self.scope.exclude);
        for r in &mut self.rules {
            set(&mut r.include);
            set(&mut r.exclude);
            if let RuleKind::ForbidFile { files } = &mut r.kind {
                files.base = base.to_string();
            }
        }
        for e in &mut self.evidence {
            set(&mut e.include);
            set(&mut e.exclude);
        }
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}
