//! Reads policy TOML into a [`Policy`], collecting every problem with its position.
//!
//! The TOML is parsed into toml's spanned document tree (`DeTable`) and read key by key, so
//! an unknown key, a wrong type, a bad glob or regex, an empty list or a duplicate rule id
//! each becomes one [`PolicyError`] naming the file, line, column, key and rule id, and all
//! of them are reported at once. `extends` layers are loaded first and merged under the file.

use globset::{GlobBuilder, GlobSetBuilder};
use regex::Regex;
use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{
    BUILTINS, EvidenceRule, Globs, Handoff, NamePat, Naming, Origin, Policy, RULE_KINDS, Rule,
    RuleKind, Scope, Severity, TestMode,
};
use crate::lang::KindSet;
use crate::span::LineIndex;

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

type Errors = Vec<PolicyError>;

const TOP_KEYS: &[&str] = &["extends", "policy", "scope", "rule", "evidence", "handoff"];
const POLICY_KEYS: &[&str] = &["name", "title", "description", "naming"];
const SCOPE_KEYS: &[&str] = &["include", "exclude", "tests"];
const COMMON_RULE_KEYS: &[&str] = &[
    "id",
    "kind",
    "severity",
    "message",
    "owner",
    "description",
    "include",
    "exclude",
];
const EVIDENCE_KEYS: &[&str] = &["id", "regex", "in", "include", "exclude"];
const HANDOFF_KEYS: &[&str] = &["title", "items"];

fn kind_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "forbid-symbol" => &["symbols", "patterns", "in"],
        "forbid-file" => &["files"],
        "forbid-pattern" => &["regex", "in"],
        "require-symbol" => &["symbols", "in"],
        "forbid-reach" => &["from", "to", "symbols", "max-depth"],
        _ => &[],
    }
}

/// Loads a policy file from disk (and whatever it extends).
pub fn load_file(path: &Path) -> Result<Policy, Errors> {
    let display = path.to_string_lossy().replace('\\', "/");
    let src = std::fs::read_to_string(path).map_err(|e| {
        vec![PolicyError {
            file: display.clone(),
            line: 1,
            column: 1,
            rule: None,
            key: None,
            message: format!("cannot read the policy file: {e}"),
        }]
    })?;
    parse_policy(&src, &display, path.parent())
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
/// relative `extends` paths are resolved (None for builtins).
pub fn parse_policy(src: &str, file: &str, dir: Option<&Path>) -> Result<Policy, Errors> {
    let mut seen = Vec::new();
    let layer = read_layer(src, file, dir, &mut seen).map_err(|mut es| {
        // in the order of the files and lines they point at
        es.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        es.dedup();
        es
    })?;
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
        rules: layer.rules,
        evidence: layer.evidence,
        handoff: layer.handoff,
    })
}

pub(crate) fn default_scope() -> Scope {
    let mut r = Reader::new("", "<default>");
    Scope {
        include: r.globs_from(
            &["**/*.go", "**/*.rs", "**/*.yaml", "**/*.yml"],
            0..0,
            None,
            "include",
        ),
        exclude: r.globs_from(&["vendor/**", "**/testdata/**"], 0..0, None, "exclude"),
        tests: TestMode::Separate,
    }
}

/// One policy file's contribution before merging.
#[derive(Default)]
struct Layer {
    name: Option<String>,
    title: Option<String>,
    description: Option<String>,
    naming: Option<Naming>,
    scope: Option<Scope>,
    rules: Vec<Rule>,
    evidence: Vec<EvidenceRule>,
    handoff: Option<Handoff>,
}

impl Layer {
    /// `self` over `base`: set values win, rules and evidence with the same id replace.
    fn over(self, mut base: Layer) -> Layer {
        for r in self.rules {
            match base.rules.iter_mut().find(|b| b.id == r.id) {
                Some(slot) => *slot = r,
                None => base.rules.push(r),
            }
        }
        for e in self.evidence {
            match base.evidence.iter_mut().find(|b| b.id == e.id) {
                Some(slot) => *slot = e,
                None => base.evidence.push(e),
            }
        }
        Layer {
            name: self.name.or(base.name),
            title: self.title.or(base.title),
            description: self.description.or(base.description),
            naming: self.naming.or(base.naming),
            scope: self.scope.or(base.scope),
            rules: base.rules,
            evidence: base.evidence,
            handoff: self.handoff.or(base.handoff),
        }
    }
}

fn read_layer(
    src: &str,
    file: &str,
    dir: Option<&Path>,
    seen: &mut Vec<String>,
) -> Result<Layer, Errors> {
    if seen.iter().any(|s| s == file) {
        return Err(vec![PolicyError {
            file: file.to_string(),
            line: 1,
            column: 1,
            rule: None,
            key: Some("extends".into()),
            message: format!("`extends` loops back to `{file}`"),
        }]);
    }
    seen.push(file.to_string());
    let mut r = Reader::new(src, file);
    let (doc, parse_errors) = DeTable::parse_recoverable(src);
    if !parse_errors.is_empty() {
        for e in parse_errors {
            let span = e.span().unwrap_or(0..0);
            r.err(
                span,
                None,
                None,
                format!("invalid TOML: {}", e.message().trim()),
            );
        }
        return Err(r.errors);
    }
    let doc = doc.into_inner();
    r.check_keys(&doc, TOP_KEYS, None, None, "top level");

    // extends first, so errors in a base are reported with its own file name
    let mut base = Layer::default();
    let mut base_errors = Vec::new();
    if let Some(v) = get(&doc, "extends") {
        for (name, span) in r.string_list(v, "extends", None).unwrap_or_default() {
            let loaded = if let Some(b) = name.strip_prefix("builtin:") {
                match BUILTINS.iter().find(|(n, _)| *n == b) {
                    Some((_, bsrc)) => read_layer(bsrc, &name, None, seen),
                    None => {
                        r.err(
                            span,
                            None,
                            Some("extends"),
                            format!(
                                "no builtin policy named `{b}` (available: {})",
                                BUILTINS
                                    .iter()
                                    .map(|(n, _)| format!("builtin:{n}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                        continue;
                    }
                }
            } else {
                let path: PathBuf = dir.unwrap_or(Path::new(".")).join(&name);
                match std::fs::read_to_string(&path) {
                    Ok(s) => {
                        let disp = path.to_string_lossy().replace('\\', "/");
                        read_layer(&s, &disp, path.parent(), seen)
                    }
                    Err(e) => {
                        r.err(
                            span,
                            None,
                            Some("extends"),
                            format!("cannot read `{}`: {e}", path.display()),
                        );
                        continue;
                    }
                }
            };
            match loaded {
                Ok(layer) => base = layer.over(base),
                Err(es) => base_errors.extend(es),
            }
        }
    }

    let mut layer = Layer::default();
    if let Some(v) = get(&doc, "policy")
        && let Some(t) = r.table(v, "policy", None)
    {
        r.check_keys(t, POLICY_KEYS, None, None, "[policy]");
        layer.name = get(t, "name").and_then(|v| r.string(v, "name", None));
        layer.title = get(t, "title").and_then(|v| r.string(v, "title", None));
        layer.description = get(t, "description").and_then(|v| r.string(v, "description", None));
        if let Some(v) = get(t, "naming")
            && let Some(s) = r.string(v, "naming", None)
        {
            layer.naming = match s.as_str() {
                "exact" => Some(Naming::Exact),
                "words" => Some(Naming::Words),
                other => {
                    r.err(
                        v.span(),
                        None,
                        Some("naming"),
                        format!("unknown naming `{other}` (expected \"exact\" or \"words\")"),
                    );
                    None
                }
            };
        }
    }
    if let Some(v) = get(&doc, "scope")
        && let Some(t) = r.table(v, "scope", None)
    {
        r.check_keys(t, SCOPE_KEYS, None, None, "[scope]");
        let defaults = default_scope();
        let tests = match get(t, "tests")
            .and_then(|v| r.string(v, "tests", None).map(|s| (s, v.span())))
        {
            None => TestMode::Separate,
            Some((s, span)) => match s.as_str() {
                "include" => TestMode::Include,
                "exclude" => TestMode::Exclude,
                "separate" => TestMode::Separate,
                other => {
                    r.err(
                        span,
                        None,
                        Some("tests"),
                        format!("unknown value `{other}` (expected \"include\", \"exclude\" or \"separate\")"),
                    );
                    TestMode::Separate
                }
            },
        };
        layer.scope = Some(Scope {
            include: match get(t, "include") {
                Some(v) => r.globs(v, "include", None),
                None => defaults.include,
            },
            exclude: match get(t, "exclude") {
                Some(v) => r.globs(v, "exclude", None),
                None => defaults.exclude,
            },
            tests,
        });
    }

    let mut ids: HashSet<String> = HashSet::new();
    if let Some(v) = get(&doc, "rule") {
        for item in r.array_of_tables(v, "rule") {
            if let Some(rule) = r.rule(item, &mut ids) {
                layer.rules.push(rule);
            }
        }
    }
    let mut ev_ids: HashSet<String> = HashSet::new();
    if let Some(v) = get(&doc, "evidence") {
        for item in r.array_of_tables(v, "evidence") {
            if let Some(e) = r.evidence(item, &mut ev_ids) {
                layer.evidence.push(e);
            }
        }
    }
    if let Some(v) = get(&doc, "handoff")
        && let Some(t) = r.table(v, "handoff", None)
    {
        r.check_keys(t, HANDOFF_KEYS, None, None, "[handoff]");
        layer.handoff = Some(Handoff {
            title: get(t, "title")
                .and_then(|v| r.string(v, "title", None))
                .unwrap_or_else(|| "Handoff".into()),
            items: get(t, "items")
                .and_then(|v| r.string_list(v, "items", None))
                .unwrap_or_default()
                .into_iter()
                .map(|(s, _)| s)
                .collect(),
        });
    }
    seen.pop();
    let mut errors = base_errors;
    errors.extend(r.errors);
    if errors.is_empty() {
        Ok(layer.over(base))
    } else {
        Err(errors)
    }
}

fn get<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
    t.iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(_, v)| v)
}

fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

struct Reader<'a> {
    file: &'a str,
    src: &'a str,
    idx: LineIndex,
    errors: Errors,
}

impl<'a> Reader<'a> {
    fn new(src: &'a str, file: &'a str) -> Self {
        Reader {
            file,
            src,
            idx: LineIndex::new(src),
            errors: Vec::new(),
        }
    }

    fn origin(&self, span: Range<usize>) -> Origin {
        let (line, column) = self.idx.position(self.src, span.start);
        Origin {
            file: self.file.to_string(),
            line,
            column,
        }
    }

    fn err(&mut self, span: Range<usize>, rule: Option<&str>, key: Option<&str>, message: String) {
        let o = self.origin(span);
        self.errors.push(PolicyError {
            file: o.file,
            line: o.line,
            column: o.column,
            rule: rule.map(str::to_string),
            key: key.map(str::to_string),
            message,
        });
    }

    fn check_keys(
        &mut self,
        t: &DeTable,
        allowed: &[&str],
        rule: Option<&str>,
        kind: Option<&str>,
        ctx: &str,
    ) {
        for (k, _) in t.iter() {
            let key = k.get_ref().as_ref();
            if allowed.contains(&key) {
                continue;
            }
            let other = RULE_KINDS
                .iter()
                .find(|kk| kind_keys(kk).contains(&key) && Some(**kk) != kind);
            let msg = match (kind, other) {
                (Some(kind), Some(_)) => format!("does not apply to rules of kind `{kind}`"),
                _ => format!(
                    "unknown key in {ctx} (expected one of: {})",
                    allowed.join(", ")
                ),
            };
            self.err(k.span(), rule, Some(key), msg);
        }
    }

    fn table<'v, 'i>(
        &mut self,
        v: &'v Spanned<DeValue<'i>>,
        key: &str,
        rule: Option<&str>,
    ) -> Option<&'v DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.err(
                    v.span(),
                    rule,
                    Some(key),
                    format!("expected a table, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn array_of_tables<'v, 'i>(
        &mut self,
        v: &'v Spanned<DeValue<'i>>,
        key: &str,
    ) -> Vec<&'v Spanned<DeValue<'i>>> {
        match v.get_ref() {
            DeValue::Array(a) => a.iter().collect(),
            other => {
                self.err(
                    v.span(),
                    None,
                    Some(key),
                    format!(
                        "expected an array of tables (`[[{key}]]`), found {}",
                        type_name(other)
                    ),
                );
                Vec::new()
            }
        }
    }

    fn string(&mut self, v: &Spanned<DeValue>, key: &str, rule: Option<&str>) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.err(
                    v.span(),
                    rule,
                    Some(key),
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    fn string_list(
        &mut self,
        v: &Spanned<DeValue>,
        key: &str,
        rule: Option<&str>,
    ) -> Option<Vec<(String, Range<usize>)>> {
        match v.get_ref() {
            DeValue::String(s) => Some(vec![(s.to_string(), v.span())]),
            DeValue::Array(a) => {
                let mut out = Vec::new();
                for item in a.iter() {
                    if let Some(s) = self.string(item, key, rule) {
                        out.push((s, item.span()));
                    }
                }
                Some(out)
            }
            other => {
                self.err(
                    v.span(),
                    rule,
                    Some(key),
                    format!("expected a list of strings, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn globs(&mut self, v: &Spanned<DeValue>, key: &str, rule: Option<&str>) -> Option<Globs> {
        let list = self.string_list(v, key, rule)?;
        let mut b = GlobSetBuilder::new();
        let mut patterns = Vec::new();
        let mut ok = true;
        for (p, span) in list {
            match build_glob(&p) {
                Ok(g) => {
                    b.add(g);
                    patterns.push(p);
                }
                Err(e) => {
                    ok = false;
                    self.err(span, rule, Some(key), format!("invalid glob `{p}`: {e}"));
                }
            }
        }
        if !ok {
            return None;
        }
        match b.build() {
            Ok(set) => Some(Globs { patterns, set }),
            Err(e) => {
                self.err(v.span(), rule, Some(key), format!("invalid globs: {e}"));
                None
            }
        }
    }

    fn globs_from(
        &mut self,
        pats: &[&str],
        span: Range<usize>,
        rule: Option<&str>,
        key: &str,
    ) -> Option<Globs> {
        let mut b = GlobSetBuilder::new();
        for p in pats {
            match build_glob(p) {
                Ok(g) => {
                    b.add(g);
                }
                Err(e) => self.err(span.clone(), rule, Some(key), format!("invalid glob: {e}")),
            }
        }
        Some(Globs {
            patterns: pats.iter().map(|s| s.to_string()).collect(),
            set: b.build().ok()?,
        })
    }

    /// Compiles a regex, or reports it under `key` and `rule`. With `lines` (`forbid-pattern`,
    /// `[[evidence]]`, applied line by line) `^` and `$` are line bounds, also before a
    /// `\r\n`, so testing the whole text first finds what the lines do.
    fn regex(
        &mut self,
        s: &str,
        span: Range<usize>,
        key: &str,
        rule: Option<&str>,
        lines: bool,
    ) -> Option<Regex> {
        match regex::RegexBuilder::new(s)
            .multi_line(lines)
            .crlf(lines)
            .build()
        {
            Ok(r) => Some(r),
            Err(e) => {
                let msg = e.to_string().replace('\n', "\n    ");
                self.err(
                    span,
                    rule,
                    Some(key),
                    format!("invalid regex `{s}`:\n    {msg}"),
                );
                None
            }
        }
    }

    fn kinds(&mut self, t: &DeTable, rule: Option<&str>, default: &str) -> KindSet {
        let Some(v) = get(t, "in") else {
            return KindSet::from_name(default).unwrap_or_default();
        };
        let mut set = KindSet::default();
        let before = self.errors.len();
        for (name, span) in self.string_list(v, "in", rule).unwrap_or_default() {
            match KindSet::from_name(&name) {
                Some(k) => set = set.union(k),
                None => self.err(
                    span,
                    rule,
                    Some("in"),
                    format!(
                        "unknown occurrence kind `{name}` (expected a kind: func, method, type, field, variant, const, var, call, reference, comment, string; or a group: declaration, use, code, text, any)"
                    ),
                ),
            }
        }
        // an empty list, not one whose entries were all wrong (those are reported already)
        if set.is_empty() && self.errors.len() == before {
            self.err(
                v.span(),
                rule,
                Some("in"),
                "the list of occurrence kinds is empty".into(),
            );
        }
        set
    }

    fn rule(&mut self, item: &Spanned<DeValue>, ids: &mut HashSet<String>) -> Option<Rule> {
        let t = self.table(item, "rule", None)?;
        let origin = self.origin(item.span());
        let id = match get(t, "id") {
            Some(v) => {
                let id = self.string(v, "id", None)?;
                if id.is_empty()
                    || !id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    self.err(
                        v.span(),
                        Some(&id),
                        Some("id"),
                        "rule ids are non-empty and use letters, digits, `-` and `_`".into(),
                    );
                }
                if !ids.insert(id.clone()) {
                    self.err(
                        v.span(),
                        Some(&id),
                        Some("id"),
                        format!("duplicate rule id `{id}`"),
                    );
                }
                id
            }
            None => {
                self.err(
                    item.span(),
                    None,
                    Some("id"),
                    "missing key `id` in [[rule]]".into(),
                );
                return None;
            }
        };
        let rid = Some(id.as_str());
        let kind_v = match get(t, "kind") {
            Some(v) => v,
            None => {
                self.err(
                    item.span(),
                    rid,
                    Some("kind"),
                    format!(
                        "missing key `kind` (expected one of: {})",
                        RULE_KINDS.join(", ")
                    ),
                );
                return None;
            }
        };
        let kind_s = self.string(kind_v, "kind", rid)?;
        if !RULE_KINDS.contains(&kind_s.as_str()) {
            self.err(
                kind_v.span(),
                rid,
                Some("kind"),
                format!(
                    "unknown rule kind `{kind_s}` (expected one of: {})",
                    RULE_KINDS.join(", ")
                ),
            );
            return None;
        }
        let allowed: Vec<&str> = COMMON_RULE_KEYS
            .iter()
            .chain(kind_keys(&kind_s))
            .copied()
            .collect();
        self.check_keys(t, &allowed, rid, Some(&kind_s), "[[rule]]");

        let severity = match get(t, "severity") {
            None => Severity::Error,
            Some(v) => {
                let s = self.string(v, "severity", rid).unwrap_or_default();
                Severity::parse(&s).unwrap_or_else(|| {
                    self.err(
                        v.span(),
                        rid,
                        Some("severity"),
                        format!(
                            "unknown severity `{s}` (expected \"error\", \"warning\" or \"info\")"
                        ),
                    );
                    Severity::Error
                })
            }
        };
        let message = get(t, "message").and_then(|v| self.string(v, "message", rid));
        let owner = get(t, "owner").and_then(|v| self.string(v, "owner", rid));
        let description = get(t, "description").and_then(|v| self.string(v, "description", rid));
        let include = get(t, "include").and_then(|v| self.globs(v, "include", rid));
        let exclude = get(t, "exclude").and_then(|v| self.globs(v, "exclude", rid));

        let kind = match kind_s.as_str() {
            "forbid-symbol" => {
                let before = self.errors.len();
                let symbols = self.names(t, "symbols", rid);
                let patterns: Vec<Regex> = get(t, "patterns")
                    .and_then(|v| self.string_list(v, "patterns", rid))
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|(p, span)| self.regex(&p, span, "patterns", rid, false))
                    .collect();
                if symbols.is_empty() && patterns.is_empty() && self.errors.len() == before {
                    self.err(
                        item.span(),
                        rid,
                        Some("symbols"),
                        "a forbid-symbol rule needs a non-empty `symbols` list or `patterns`"
                            .into(),
                    );
                }
                RuleKind::ForbidSymbol {
                    symbols,
                    patterns,
                    kinds: self.kinds(t, rid, "code"),
                }
            }
            "require-symbol" => {
                let before = self.errors.len();
                let symbols = self.names(t, "symbols", rid);
                if symbols.is_empty() && self.errors.len() == before {
                    self.err(
                        item.span(),
                        rid,
                        Some("symbols"),
                        "a require-symbol rule needs a non-empty `symbols` list".into(),
                    );
                }
                let kinds = self.kinds(t, rid, "declaration");
                if kinds.has_text() {
                    let span = get(t, "in").map_or(item.span(), |v| v.span());
                    self.err(
                        span,
                        rid,
                        Some("in"),
                        "a required symbol must be declared or used in code: `comment` and `string` (`text`, `any`) can never satisfy a require-symbol rule".into(),
                    );
                }
                RuleKind::RequireSymbol { symbols, kinds }
            }
            "forbid-file" => {
                let files = match get(t, "files") {
                    Some(v) => {
                        let g = self.globs(v, "files", rid);
                        if g.as_ref().is_some_and(|g| g.patterns.is_empty()) {
                            self.err(
                                v.span(),
                                rid,
                                Some("files"),
                                "the list of file globs is empty".into(),
                            );
                        }
                        g
                    }
                    None => {
                        self.err(
                            item.span(),
                            rid,
                            Some("files"),
                            "a forbid-file rule needs `files`".into(),
                        );
                        None
                    }
                };
                RuleKind::ForbidFile { files: files? }
            }
            "forbid-pattern" => {
                let regex = match get(t, "regex") {
                    Some(v) => {
                        let s = self.string(v, "regex", rid)?;
                        let re = self.regex(&s, v.span(), "regex", rid, true);
                        if re.as_ref().is_some_and(|re| re.is_match("")) {
                            self.err(
                                v.span(),
                                rid,
                                Some("regex"),
                                "the regex matches the empty string, so it would match every line"
                                    .into(),
                            );
                        }
                        re
                    }
                    None => {
                        self.err(
                            item.span(),
                            rid,
                            Some("regex"),
                            "a forbid-pattern rule needs `regex`".into(),
                        );
                        None
                    }
                };
                let kinds = self.kinds(t, rid, "code");
                RuleKind::ForbidPattern {
                    regex: regex?,
                    kinds,
                }
            }
            "forbid-reach" => {
                let before = self.errors.len();
                let from = self.name_pats(t, "from", rid);
                let from_ok = self.errors.len() == before;
                let mut to = self.name_pats(t, "to", rid);
                for n in self.names(t, "symbols", rid) {
                    to.push(NamePat::Name(n));
                }
                let to_ok = self.errors.len() == before;
                if from.is_empty() && from_ok {
                    self.err(
                        item.span(),
                        rid,
                        Some("from"),
                        "a forbid-reach rule needs a non-empty `from` list of entry functions"
                            .into(),
                    );
                }
                if to.is_empty() && to_ok {
                    self.err(
                        item.span(),
                        rid,
                        Some("to"),
                        "a forbid-reach rule needs `to` regexes or `symbols`".into(),
                    );
                }
                let max_depth = match get(t, "max-depth") {
                    None => None,
                    Some(v) => match v.get_ref() {
                        DeValue::Integer(i) => match i.as_str().parse::<usize>() {
                            Ok(n) if n > 0 => Some(n),
                            _ => {
                                self.err(
                                    v.span(),
                                    rid,
                                    Some("max-depth"),
                                    "expected a positive integer".into(),
                                );
                                None
                            }
                        },
                        other => {
                            self.err(
                                v.span(),
                                rid,
                                Some("max-depth"),
                                format!("expected a positive integer, found {}", type_name(other)),
                            );
                            None
                        }
                    },
                };
                RuleKind::ForbidReach {
                    from,
                    to,
                    max_depth,
                }
            }
            _ => unreachable!("kind checked against RULE_KINDS above"),
        };
        let message = message.unwrap_or_else(|| {
            match kind_s.as_str() {
                "forbid-symbol" => "forbidden symbol",
                "forbid-file" => "forbidden file",
                "forbid-pattern" => "forbidden pattern",
                "require-symbol" => "required symbol is missing",
                _ => "forbidden call path",
            }
            .to_string()
        });
        Some(Rule {
            id,
            kind,
            severity,
            message,
            owner,
            description,
            include,
            exclude,
            origin,
        })
    }

    /// `symbols`: identifiers only (a regex belongs in `patterns`).
    fn names(&mut self, t: &DeTable, key: &str, rule: Option<&str>) -> Vec<String> {
        let Some(v) = get(t, key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (s, span) in self.string_list(v, key, rule).unwrap_or_default() {
            if is_identifier(&s) {
                out.push(s);
            } else {
                self.err(
                    span,
                    rule,
                    Some(key),
                    format!("`{s}` is not an identifier (use `patterns` or `to` for regexes)"),
                );
            }
        }
        out
    }

    /// `from`/`to`: identifiers are names, anything else is a regex.
    fn name_pats(&mut self, t: &DeTable, key: &str, rule: Option<&str>) -> Vec<NamePat> {
        let Some(v) = get(t, key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (s, span) in self.string_list(v, key, rule).unwrap_or_default() {
            if is_identifier(&s) {
                out.push(NamePat::Name(s));
            } else if let Some(re) = self.regex(&s, span, key, rule, false) {
                out.push(NamePat::Regex(re));
            }
        }
        out
    }

    fn evidence(
        &mut self,
        item: &Spanned<DeValue>,
        ids: &mut HashSet<String>,
    ) -> Option<EvidenceRule> {
        let t = self.table(item, "evidence", None)?;
        let origin = self.origin(item.span());
        let id = match get(t, "id") {
            Some(v) => self.string(v, "id", None)?,
            None => {
                self.err(
                    item.span(),
                    None,
                    Some("id"),
                    "missing key `id` in [[evidence]]".into(),
                );
                return None;
            }
        };
        let rid = Some(id.as_str());
        if !ids.insert(id.clone()) {
            self.err(
                item.span(),
                rid,
                Some("id"),
                format!("duplicate evidence id `{id}`"),
            );
        }
        self.check_keys(t, EVIDENCE_KEYS, rid, None, "[[evidence]]");
        let regex = match get(t, "regex") {
            Some(v) => {
                let s = self.string(v, "regex", rid)?;
                self.regex(&s, v.span(), "regex", rid, true)
            }
            None => {
                self.err(
                    item.span(),
                    rid,
                    Some("regex"),
                    "an evidence entry needs `regex`".into(),
                );
                None
            }
        };
        let kinds = self.kinds(t, rid, "comment");
        let include = get(t, "include").and_then(|v| self.globs(v, "include", rid));
        let exclude = get(t, "exclude").and_then(|v| self.globs(v, "exclude", rid));
        Some(EvidenceRule {
            id,
            regex: regex?,
            kinds,
            include,
            exclude,
            origin,
        })
    }
}

pub fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_alphabetic() || f == '_')
        && c.all(|ch| ch.is_alphanumeric() || ch == '_')
}

/// Compiles a scope glob: `*` stays inside one path component, `**` crosses them, and a
/// pattern without `/` matches the file name in any directory (as in `.gitignore`).
pub fn build_glob(p: &str) -> Result<globset::Glob, globset::Error> {
    let pat = if p.contains('/') {
        p.trim_start_matches("./").to_string()
    } else {
        format!("**/{p}")
    };
    GlobBuilder::new(&pat).literal_separator(true).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> Vec<String> {
        match parse_policy(src, "p.toml", None) {
            Ok(_) => Vec::new(),
            Err(es) => es.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn builtin_pack_is_valid() {
        let p = load_builtin("pure-executor").unwrap();
        assert_eq!(p.name, "pure-executor");
        assert_eq!(p.naming, Naming::Words);
        assert_eq!(p.rules.len(), 11);
        assert!(p.handoff.as_ref().is_some_and(|h| h.items.len() == 6));
        assert_eq!(p.evidence.len(), 1);
    }

    #[test]
    fn misspelled_key_names_line_column_and_rule() {
        let src = "[[rule]]\nid = \"r1\"\nkind = \"forbid-symbol\"\nsymbls = [\"A\"]\n";
        let e = errors(src);
        assert_eq!(e.len(), 2, "{e:?}");
        // in line order: the rule (line 1) lacks symbols; line 4 has the misspelled key
        assert!(e[1].starts_with("p.toml:4:1: rule `r1`: key `symbls`: unknown key in [[rule]] (expected one of: id, kind,"), "{}", e[1]);
        assert!(
            e[0].contains("needs a non-empty `symbols` list"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn every_problem_is_collected() {
        let src = r#"
[policy]
naming = "fuzzy"
[scope]
tests = "maybe"
include = ["src/[z-a]"]
[[rule]]
id = "a"
kind = "forbid-pattern"
regex = "(unclosed"
[[rule]]
id = "a"
kind = "forbid-file"
files = ["**/x.go"]
regex = "x"
[[rule]]
id = "c"
kind = "forbid-everything"
[[rule]]
id = "d"
kind = "forbid-symbol"
symbols = []
in = ["codes"]
"#;
        let e = errors(src);
        let want = [
            "p.toml:3:10: key `naming`: unknown naming `fuzzy`",
            "p.toml:5:9: key `tests`: unknown value `maybe`",
            "p.toml:6:12: key `include`: invalid glob `src/[z-a]`",
            "p.toml:10:9: rule `a`: key `regex`: invalid regex `(unclosed`",
            "p.toml:12:6: rule `a`: key `id`: duplicate rule id `a`",
            "p.toml:15:1: rule `a`: key `regex`: does not apply to rules of kind `forbid-file`",
            "p.toml:18:8: rule `c`: key `kind`: unknown rule kind `forbid-everything`",
            "p.toml:23:7: rule `d`: key `in`: unknown occurrence kind `codes`",
        ];
        for w in want {
            assert!(
                e.iter().any(|x| x.starts_with(w)),
                "missing {w:?} in {e:#?}"
            );
        }
        assert!(
            e.iter()
                .any(|x| x.contains("rule `d`: key `symbols`: a forbid-symbol rule needs")),
            "{e:#?}"
        );
    }

    #[test]
    fn one_error_per_problem() {
        let e = errors(
            "[[rule]]\nid = \"x\"\nkind = \"forbid-symbol\"\nsymbols = [\"A\"]\nin = [\"cod\"]\n[[rule]]\nid = \"y\"\nkind = \"forbid-reach\"\nfrom = [\"f\"]\nto = [\"(\"]\n",
        );
        assert_eq!(e.len(), 2, "{e:#?}");
        assert!(
            e[0].starts_with("p.toml:5:7: rule `x`: key `in`: unknown occurrence kind `cod`"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("p.toml:10:7: rule `y`: key `to`: invalid regex"),
            "{e:?}"
        );
    }

    #[test]
    fn require_symbol_cannot_be_satisfied_by_text() {
        let e = errors(
            "[[rule]]\nid = \"r\"\nkind = \"require-symbol\"\nsymbols = [\"f\"]\nin = [\"comment\"]\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with(
                "p.toml:5:6: rule `r`: key `in`: a required symbol must be declared or used in code"
            ),
            "{e:?}"
        );
    }

    #[test]
    fn errors_come_in_line_order() {
        let e = errors(
            "[[rule]]\nid = \"a\"\nkind = \"forbid-file\"\nfiles = [\"[\"]\n[scope]\ntests = \"x\"\n",
        );
        let lines: Vec<&str> = e.iter().map(|x| x.split(':').nth(1).unwrap()).collect();
        assert_eq!(lines, ["4", "6"], "{e:?}");
    }

    #[test]
    fn invalid_toml_is_an_error_with_position() {
        let e = errors("[policy\nname = 1\n");
        assert!(e[0].starts_with("p.toml:1:"), "{e:?}");
        assert!(e[0].contains("invalid TOML"), "{e:?}");
    }

    #[test]
    fn wrong_types_are_reported() {
        let e = errors(
            "[policy]\nname = 3\n[[rule]]\nid = \"x\"\nkind = \"forbid-symbol\"\nsymbols = [1]\n",
        );
        assert!(
            e.iter()
                .any(|x| x
                    .starts_with("p.toml:2:8: key `name`: expected a string, found an integer")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|x| x.starts_with("p.toml:6:12: rule `x`: key `symbols`: expected a string")),
            "{e:?}"
        );
    }

    #[test]
    fn extends_builtin_and_overrides_by_id() {
        let src = r#"
extends = ["builtin:pure-executor"]
[policy]
name = "ours"
[[rule]]
id = "no-routing-functions"
kind = "forbid-symbol"
symbols = ["CheckCooldown"]
severity = "warning"
[[rule]]
id = "extra"
kind = "forbid-file"
files = ["legacy.go"]
"#;
        let p = parse_policy(src, "p.toml", None).unwrap();
        assert_eq!(p.name, "ours");
        assert_eq!(p.naming, Naming::Words, "inherited from the pack");
        assert_eq!(p.rules.len(), 12);
        let r = p.rule("no-routing-functions").unwrap();
        assert_eq!(r.severity, Severity::Warning);
        assert_eq!(r.listed_symbols(), ["CheckCooldown"]);
        assert_eq!(r.origin.file, "p.toml");
        let extra = p.rule("extra").unwrap();
        let RuleKind::ForbidFile { files } = &extra.kind else {
            panic!()
        };
        assert!(
            files.is_match("a/b/legacy.go"),
            "a bare name matches in any directory"
        );
        assert_eq!(
            p.rule("no-compat-stubs").unwrap().origin.file,
            "builtin:pure-executor"
        );
    }

    #[test]
    fn extends_unknown_builtin() {
        let e = errors("extends = [\"builtin:nope\"]\n");
        assert!(
            e[0].starts_with("p.toml:1:12: key `extends`: no builtin policy named `nope`"),
            "{e:?}"
        );
    }

    #[test]
    fn extends_loop_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a.toml");
        let b = tmp.path().join("b.toml");
        std::fs::write(&a, "extends = [\"b.toml\"]\n").unwrap();
        std::fs::write(&b, "extends = [\"a.toml\"]\n").unwrap();
        let e = load_file(&a).unwrap_err();
        assert!(e.iter().any(|x| x.message.contains("loops back")), "{e:?}");
    }

    #[test]
    fn reach_rule_parses_names_and_regexes() {
        let src = "[[rule]]\nid = \"r\"\nkind = \"forbid-reach\"\nfrom = [\"reconcilePending\", \"^reconcile.*\"]\nto = ['(?i)cooldown']\nsymbols = [\"MarkSkipped\"]\nmax-depth = 4\n";
        let p = parse_policy(src, "p.toml", None).unwrap();
        let RuleKind::ForbidReach {
            from,
            to,
            max_depth,
        } = &p.rules[0].kind
        else {
            panic!()
        };
        assert!(matches!(&from[0], NamePat::Name(n) if n == "reconcilePending"));
        assert!(matches!(&from[1], NamePat::Regex(_)));
        assert_eq!(to.len(), 2);
        assert_eq!(*max_depth, Some(4));
    }

    #[test]
    fn pattern_rule_rejects_empty_matching_regex() {
        let e = errors("[[rule]]\nid = \"r\"\nkind = \"forbid-pattern\"\nregex = 'x*'\n");
        assert!(e[0].contains("matches the empty string"), "{e:?}");
    }
}
