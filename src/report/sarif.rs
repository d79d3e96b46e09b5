//! SARIF 2.1.0 output for code scanning (GitHub, GitLab, IDE viewers).
//!
//! Owns the mapping from an [`Audit`] to one SARIF run: rules as reporting descriptors,
//! findings as results with stable `partialFingerprints`, call chains as code flows,
//! suppressed and baselined findings marked as such, file problems as tool notifications.
//! It also owns the one-line finding message shared with the GitHub annotations. Output is
//! deterministic (sorted object keys, no timestamps, no absolute paths). It must not evaluate
//! rules or change the audit.

use std::io;

use serde_json::{Map, Value, json};

use super::markdown::{code, md};
use crate::audit::{Audit, Finding, RuleInfo, Status};
use crate::policy::Severity;

pub(crate) const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub(crate) const FINGERPRINT_KEY: &str = "routeaudit/v1";
const SRCROOT: &str = "%SRCROOT%";

/// Writes `audit` as a SARIF 2.1.0 log (pretty JSON, trailing newline).
pub(crate) fn render(audit: &Audit, out: &mut dyn io::Write) -> io::Result<()> {
    let log = to_value(audit);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

/// The SARIF log as a JSON value.
pub(crate) fn to_value(audit: &Audit) -> Value {
    let mut driver = Map::new();
    driver.insert("name".into(), json!(audit.tool.name));
    driver.insert("version".into(), json!(audit.tool.version));
    if let Some(uri) = information_uri() {
        driver.insert("informationUri".into(), json!(uri));
    }
    driver.insert(
        "rules".into(),
        Value::Array(audit.rules.iter().map(rule).collect()),
    );

    // a baseline or diff mode was used: every result says whether it is new
    let baseline_used = audit
        .findings
        .iter()
        .any(|f| matches!(f.status, Status::Baselined | Status::OutsideDiff));
    let results: Vec<Value> = audit
        .findings
        .iter()
        .map(|f| result(audit, f, baseline_used))
        .collect();

    let mut notifications: Vec<Value> = audit
        .warnings
        .iter()
        .map(|w| {
            notification(
                "warning",
                w.code.as_str(),
                &w.message,
                w.file.as_deref(),
                w.line,
            )
        })
        .collect();
    notifications.extend(audit.errors.iter().map(|e| {
        let code = match e.kind {
            crate::audit::FileErrorKind::Unreadable => "file-error",
            kind => kind.as_str(),
        };
        notification("error", code, &e.message, Some(&e.file), e.line)
    }));
    let mut invocation = Map::new();
    invocation.insert("executionSuccessful".into(), json!(audit.errors.is_empty()));
    if !notifications.is_empty() {
        invocation.insert(
            "toolExecutionNotifications".into(),
            Value::Array(notifications),
        );
    }

    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": Value::Object(driver)},
            "columnKind": "unicodeCodePoints",
            "invocations": [Value::Object(invocation)],
            "results": results,
            "properties": {
                "policy": audit.policy.name,
                "policySource": audit.policy.source,
                "verdict": audit.verdict,
            },
        }],
    })
}

/// The project's address from Cargo metadata, when the package declares one.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty())
}

/// SARIF level for a severity.
pub(crate) fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(r: &RuleInfo) -> Value {
    let full = r
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or(&r.message);
    let mut text = sentence(full);
    let mut markdown = format!("**{}**", md(&r.message));
    if full != r.message {
        markdown.push_str(&format!("\n\n{}", md(full)));
    }
    if let Some(o) = &r.owner {
        text.push_str(&format!(" This responsibility belongs to {o}."));
        markdown.push_str(&format!(
            "\n\nThis responsibility belongs to **{}**.",
            md(o)
        ));
    }
    if !r.targets.is_empty() {
        text.push_str(&format!(" Targets: {}.", r.targets.join(", ")));
        let ts: Vec<String> = r.targets.iter().map(|t| code(t)).collect();
        markdown.push_str(&format!("\n\nTargets: {}.", ts.join(", ")));
    }
    text.push_str(&format!(" Rule kind {}, defined at {}.", r.kind, r.origin));
    markdown.push_str(&format!(
        "\n\nRule kind `{}`, defined at {}.",
        r.kind,
        code(&r.origin)
    ));
    let url = r.url.as_deref().filter(|u| !u.trim().is_empty());
    if let Some(u) = url {
        text.push_str(&format!(" Documentation: {u}"));
        markdown.push_str(&format!("\n\n[Documentation]({})", link_target(u)));
    }
    let mut v = json!({
        "id": r.id,
        "name": r.id,
        "shortDescription": {"text": r.message},
        "fullDescription": {"text": full},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {"kind": r.kind, "origin": r.origin, "tags": [r.kind]},
    });
    if let Some(u) = url {
        v["helpUri"] = json!(u);
    }
    v
}

/// A URL as a Markdown link target: `<...>` when it holds characters a bare target cannot.
fn link_target(u: &str) -> String {
    if u.chars().any(|c| c.is_whitespace() || "()<>".contains(c)) {
        format!("<{}>", u.replace('<', "%3C").replace('>', "%3E"))
    } else {
        u.to_string()
    }
}

/// `s` ending with a full stop.
fn sentence(s: &str) -> String {
    let s = s.trim_end();
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

/// One line saying what is wrong, where it leads and who owns it instead. Shared by the
/// SARIF results and the GitHub annotations.
pub(crate) fn message(f: &Finding) -> String {
    let base = if f.message.trim().is_empty() {
        f.rule.as_str()
    } else {
        f.message.as_str()
    };
    let mut m = base.to_string();
    let symbol = f.symbol.as_deref();
    let matched = f.matched.as_deref();
    let detail = if !f.chain.is_empty() {
        Some(
            f.chain
                .iter()
                .map(|h| h.function.as_str())
                .collect::<Vec<_>>()
                .join(" → "),
        )
    } else if f.rule_kind == "forbid-file" {
        matched.map(|g| format!("file matches {g}"))
    } else if f.file.is_none() {
        symbol
            .or(matched)
            .map(|s| format!("{s} not found in scope"))
    } else {
        symbol.map(|s| {
            let mut d = s.to_string();
            if let Some(mt) = matched.filter(|mt| *mt != s) {
                d.push_str(&format!(" (matches {mt})"));
            }
            let occ = f.occurrence.map(|o| {
                if o.is_declaration() {
                    format!("{} declaration", o.as_str())
                } else {
                    o.as_str().to_string()
                }
            });
            match (occ, f.in_function.as_deref()) {
                (Some(o), Some(func)) => d.push_str(&format!(", {o} in {func}")),
                (Some(o), None) => d.push_str(&format!(", {o}")),
                (None, Some(func)) => d.push_str(&format!(", in {func}")),
                (None, None) => {}
            }
            d
        })
    };
    if let Some(d) = detail {
        m.push_str(": ");
        m.push_str(&d);
    }
    if let Some(o) = f.owner.as_deref().filter(|o| !o.trim().is_empty()) {
        m.push_str(&format!(". Belongs to {o}"));
    }
    m.push('.');
    m
}

fn result(audit: &Audit, f: &Finding, baseline_used: bool) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule));
    if let Some(i) = audit.rules.iter().position(|x| x.id == f.rule) {
        r.insert("ruleIndex".into(), json!(i));
    }
    // Test code listed apart never fails: shown, but only as a note.
    let apart = f.status == Status::TestCode;
    let lvl = if apart { "note" } else { level(f.severity) };
    r.insert("level".into(), json!(lvl));
    r.insert("message".into(), json!({"text": message(f)}));
    if let Some(file) = &f.file {
        r.insert(
            "locations".into(),
            json!([{"physicalLocation": physical(file, f)}]),
        );
    }
    if !f.fingerprint.is_empty() {
        r.insert(
            "partialFingerprints".into(),
            json!({FINGERPRINT_KEY: f.fingerprint}),
        );
    }
    if !f.chain.is_empty() {
        let hops: Vec<Value> = f
            .chain
            .iter()
            .map(|h| {
                json!({"location": {
                    "physicalLocation": {
                        "artifactLocation": artifact(&h.file),
                        "region": {"startLine": h.line},
                    },
                    "message": {"text": h.function},
                }})
            })
            .collect();
        r.insert(
            "codeFlows".into(),
            json!([{"threadFlows": [{"locations": hops}]}]),
        );
    }
    if f.status.is_suppressed() {
        r.insert(
            "suppressions".into(),
            json!([{"kind": "inSource", "justification": suppression_reason(f)}]),
        );
    }
    if baseline_used {
        let state = match f.status {
            Status::Baselined | Status::OutsideDiff => "unchanged",
            _ => "new",
        };
        r.insert("baselineState".into(), json!(state));
    }
    if f.test {
        r.insert("properties".into(), json!({"test": true}));
    }
    Value::Object(r)
}

/// The reason written after `--` in a `routeaudit:allow` comment on the finding's line;
/// the audit does not carry the reason of a comment on the line above.
fn suppression_reason(f: &Finding) -> String {
    f.status
        .suppression()
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| "suppressed with a routeaudit:allow comment".into())
}

fn physical(file: &str, f: &Finding) -> Value {
    let mut p = Map::new();
    p.insert("artifactLocation".into(), artifact(file));
    if let Some(line) = f.line {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(line));
        if let Some(c) = f.column {
            region.insert("startColumn".into(), json!(c));
        }
        if let Some(el) = f.end_line {
            region.insert("endLine".into(), json!(el.max(line)));
        }
        if let Some(ec) = f.end_column {
            region.insert("endColumn".into(), json!(ec));
        }
        p.insert("region".into(), Value::Object(region));
    }
    Value::Object(p)
}

fn artifact(file: &str) -> Value {
    json!({"uri": uri(file), "uriBaseId": SRCROOT})
}

fn notification(level: &str, id: &str, text: &str, file: Option<&str>, line: Option<u32>) -> Value {
    let mut n = Map::new();
    n.insert("level".into(), json!(level));
    n.insert("message".into(), json!({"text": text}));
    n.insert("descriptor".into(), json!({"id": id}));
    if let Some(file) = file {
        let mut p = Map::new();
        p.insert("artifactLocation".into(), artifact(file));
        if let Some(l) = line {
            p.insert("region".into(), json!({"startLine": l}));
        }
        n.insert("locations".into(), json!([{"physicalLocation": p}]));
    }
    Value::Object(n)
}

/// A relative path as a URI reference: `/` separators, and every byte that is not an
/// unreserved or path character percent-encoded. `:` is always encoded so a first segment
/// like `c:x.go` cannot read as a scheme.
pub(crate) fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;
    use std::path::Path;

    fn sarif(a: &Audit) -> String {
        sample::rendered(render, a)
    }

    /// The committed copy of the official schema (a missing copy fails the test).
    fn validator() -> jsonschema::Validator {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let path = dir.join("tests/schemas/sarif-schema-2.1.0.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schema: Value = serde_json::from_str(&text).unwrap();
        // The OASIS file declares draft-04; validate under the draft it declares.
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
        jsonschema::draft4::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    }

    fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
        v.iter_errors(doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    #[test]
    fn clean_log() {
        insta::assert_snapshot!("sarif_clean", sarif(&sample::clean()));
    }

    #[test]
    fn impure_log() {
        insta::assert_snapshot!("sarif_impure", sarif(&sample::impure()));
    }

    #[test]
    fn logs_validate_against_the_official_schema() {
        let v = validator();
        for a in [sample::clean(), sample::impure(), sample::incomplete()] {
            let doc: Value = serde_json::from_str(&sarif(&a)).unwrap();
            let errs = errors(&v, &doc);
            assert!(errs.is_empty(), "{errs:#?}");
        }
    }

    #[test]
    fn the_validator_is_not_vacuous() {
        let v = validator();
        let mut doc = to_value(&sample::impure());
        doc["runs"][0]["results"][0]["level"] = json!("fatal");
        assert!(!errors(&v, &doc).is_empty(), "level fatal must be rejected");

        let mut doc = to_value(&sample::impure());
        doc["version"] = json!("2.0.0");
        assert!(
            !errors(&v, &doc).is_empty(),
            "version 2.0.0 must be rejected"
        );

        let mut doc = to_value(&sample::impure());
        doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
            json!(0);
        assert!(!errors(&v, &doc).is_empty(), "startLine 0 must be rejected");
    }

    #[test]
    fn fingerprints_survive_lines_inserted_above() {
        let prints = |a: &Audit| -> Vec<Value> {
            to_value(a)["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["partialFingerprints"].clone())
                .collect()
        };
        let before = prints(&sample::impure());
        let after = prints(&sample::shifted(5));
        assert_eq!(before, after);
        assert!(before.iter().all(|p| p[FINGERPRINT_KEY].is_string()));
        // The lines did move.
        let line = |a: &Audit| to_value(a)["runs"][0]["results"][1]["locations"][0].clone();
        assert_ne!(line(&sample::impure()), line(&sample::shifted(5)));
    }

    #[test]
    fn results_carry_status_and_flows() {
        let doc = to_value(&sample::impure());
        let results = doc["runs"][0]["results"].as_array().unwrap();
        let missing = &results[0];
        assert_eq!(missing["ruleId"], "execution-functions-present");
        assert!(missing.get("locations").is_none());
        let suppressed = results
            .iter()
            .find(|r| r.get("suppressions").is_some())
            .unwrap();
        assert_eq!(
            suppressed["suppressions"][0]["justification"],
            "removed in #412, tracked"
        );
        let unchanged: Vec<_> = results
            .iter()
            .filter(|r| r["baselineState"] == "unchanged")
            .collect();
        assert_eq!(unchanged.len(), 1);
        let tests: Vec<_> = results
            .iter()
            .filter(|r| r["properties"]["test"] == true)
            .collect();
        assert_eq!(tests.len(), 1);
        assert_eq!(
            tests[0]["level"], "note",
            "test code listed apart is only a note"
        );
        let flow = results
            .iter()
            .find(|r| r.get("codeFlows").is_some())
            .unwrap();
        let hops = flow["codeFlows"][0]["threadFlows"][0]["locations"]
            .as_array()
            .unwrap();
        assert_eq!(hops.len(), 3);
        assert_eq!(hops[2]["location"]["message"]["text"], "CheckCooldown");
        assert_eq!(
            doc["runs"][0]["invocations"][0]["executionSuccessful"],
            true
        );
        let inc = to_value(&sample::incomplete());
        assert_eq!(
            inc["runs"][0]["invocations"][0]["executionSuccessful"],
            false
        );
    }

    #[test]
    fn rule_docs_reach_help_and_help_uri() {
        let doc = to_value(&sample::impure());
        let rules = doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        let routing = rules
            .iter()
            .find(|r| r["id"] == "no-routing-functions")
            .unwrap();
        assert_eq!(
            routing["helpUri"],
            "https://example.com/architecture#pure-executor"
        );
        assert!(
            routing["fullDescription"]["text"]
                .as_str()
                .unwrap()
                .starts_with("Cooldown, resource locks, backoff and skipping")
        );
        let text = routing["help"]["text"].as_str().unwrap();
        let markdown = routing["help"]["markdown"].as_str().unwrap();
        for s in [text, markdown] {
            assert!(s.contains("RemediationOrchestrator"), "{s}");
            assert!(s.contains("Cooldown, resource locks"), "{s}");
        }
        assert!(text.ends_with(" Documentation: https://example.com/architecture#pure-executor"));
        assert!(
            markdown
                .ends_with("\n\n[Documentation](https://example.com/architecture#pure-executor)")
        );
        // a rule without a url has no helpUri
        let stubs = rules.iter().find(|r| r["id"] == "no-compat-stubs").unwrap();
        assert!(stubs.get("helpUri").is_none());
        assert!(
            !stubs["help"]["text"]
                .as_str()
                .unwrap()
                .contains("Documentation")
        );
        assert_eq!(link_target("https://x/a b"), "<https://x/a b>");
    }

    #[test]
    fn uris_are_relative_references() {
        assert_eq!(uri("internal/a b/x.go"), "internal/a%20b/x.go");
        assert_eq!(uri("c:x.go"), "c%3Ax.go");
        assert_eq!(uri("a\\b#1%.go"), "a/b%231%25.go");
        assert_eq!(uri("dé.go"), "d%C3%A9.go");
    }
}
