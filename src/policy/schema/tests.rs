//! The checked-in schema is the generated one, and allows exactly the keys the reader accepts.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::*;
use crate::policy::Kind;
use crate::policy::parse::{
    EVIDENCE_KEYS, HANDOFF_KEYS, POLICY_KEYS, SCOPE_KEYS, TOP_KEYS, parse_policy, rule_keys,
};

fn generated() -> Value {
    serde_json::from_str(&schema_json()).unwrap()
}

fn keys_of(v: &Value) -> BTreeSet<String> {
    v["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no properties in {v}"))
        .keys()
        .cloned()
        .collect()
}

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

#[test]
fn checked_in_schema_is_the_generated_one() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA_PATH);
    let want = schema_json();
    if std::env::var_os("ROUTEAUDIT_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{SCHEMA_PATH} differs from the schema the policy format generates; \
         rerun with ROUTEAUDIT_BLESS=1 to rewrite it"
    );
}

#[test]
fn the_schema_allows_exactly_the_keys_the_reader_accepts() {
    let s = generated();
    let def = |name: &str| s["definitions"][name].clone();
    assert_eq!(keys_of(&s), set(TOP_KEYS), "top level");
    assert_eq!(
        keys_of(&def("RawPolicyTable")),
        set(POLICY_KEYS),
        "[policy]"
    );
    assert_eq!(keys_of(&def("RawScope")), set(SCOPE_KEYS), "[scope]");
    assert_eq!(
        keys_of(&def("RawEvidence")),
        set(EVIDENCE_KEYS),
        "[[evidence]]"
    );
    assert_eq!(keys_of(&def("RawHandoff")), set(HANDOFF_KEYS), "[handoff]");
    let variants = def("RawRule")["oneOf"].as_array().unwrap().clone();
    let mut kinds = BTreeSet::new();
    for v in &variants {
        let name = v["properties"]["kind"]["enum"][0]
            .as_str()
            .unwrap()
            .to_string();
        let kind = Kind::parse(&name).unwrap_or_else(|| panic!("schema kind `{name}`"));
        assert_eq!(keys_of(v), set(&rule_keys(kind)), "[[rule]] kind {name}");
        assert_eq!(v["additionalProperties"], false, "{name}");
        kinds.insert(name);
    }
    assert_eq!(kinds, set(&Kind::ALL.map(Kind::name)), "rule kinds");
    assert_eq!(set(RAW_RULE_KINDS), kinds);
    for table in ["RawPolicyTable", "RawScope", "RawEvidence", "RawHandoff"] {
        assert_eq!(def(table)["additionalProperties"], false, "{table}");
    }
    assert_eq!(s["additionalProperties"], false);
    fn no_const(v: &Value) {
        match v {
            Value::Object(m) => {
                assert!(
                    !m.contains_key("const"),
                    "draft-4 validators ignore `const`"
                );
                m.values().for_each(no_const);
            }
            Value::Array(a) => a.iter().for_each(no_const),
            _ => {}
        }
    }
    no_const(&s);
}

/// Every key of every table carries a description (the hover text in an editor).
#[test]
fn every_key_is_described() {
    fn walk(v: &Value, at: &str) {
        if let Some(props) = v.get("properties").and_then(Value::as_object) {
            for (k, p) in props {
                assert!(
                    p.get("description")
                        .and_then(Value::as_str)
                        .is_some_and(|d| !d.is_empty()),
                    "{at}.{k} has no description"
                );
            }
        }
        match v {
            Value::Object(m) => m.iter().for_each(|(k, c)| walk(c, &format!("{at}/{k}"))),
            Value::Array(a) => a.iter().for_each(|c| walk(c, at)),
            _ => {}
        }
    }
    walk(&generated(), "#");
}

/// Each enumerated value the schema offers is one the reader takes.
#[test]
fn every_enumerated_value_is_accepted_by_the_reader() {
    let s = generated();
    let values = |def: &str| -> Vec<String> {
        let d = &s["definitions"][def];
        match d.get("enum") {
            Some(e) => e
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect(),
            None => d["oneOf"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["enum"][0].as_str().unwrap().to_string())
                .collect(),
        }
    };
    let rule = "[[rule]]\nid = \"r\"\nkind = \"forbid-symbol\"\nsymbols = [\"A\"]\n";
    let ok = |src: String| {
        parse_policy(&src, "p.toml", None).unwrap_or_else(|e| panic!("{src}\n{}", e[0]));
    };
    let severities = values("RawSeverity");
    assert_eq!(severities.len(), 3);
    for v in severities {
        ok(format!("{rule}severity = \"{v}\"\n"));
    }
    for v in values("RawNaming") {
        ok(format!("[policy]\nnaming = \"{v}\"\n{rule}"));
    }
    for v in values("RawTests") {
        ok(format!("[scope]\ntests = \"{v}\"\n{rule}"));
    }
    let kinds = values("OccurrenceKind");
    assert_eq!(kinds.len(), OccKind::ALL.len() + OCCURRENCE_GROUPS.len());
    for v in kinds {
        ok(format!("{rule}in = [\"{v}\"]\n"));
    }
}

/// The policies shipped in the repository, with the files the schema test validates too.
pub(crate) fn repository_policies() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut stack = vec![
        root.join("rules"),
        root.join("examples"),
        root.join("tests/fixtures"),
    ];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "toml")
                && p.file_name().is_some_and(|n| n != "Cargo.toml")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The mirror reads every policy of the repository, so its types match real files.
#[test]
fn the_mirror_reads_every_repository_policy() {
    let files = repository_policies();
    assert!(files.len() >= 8, "{files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        if let Err(e) = toml::from_str::<RawPolicy>(&text) {
            panic!("{}: {e}", f.display());
        }
    }
    for (_, src) in crate::policy::BUILTINS {
        toml::from_str::<RawPolicy>(src).unwrap();
    }
    // and refuses what the reader refuses
    let bad = "[[rule]]\nid = \"r\"\nkind = \"forbid-file\"\nfiles = [\"a\"]\nsymbols = [\"A\"]\n";
    assert!(toml::from_str::<RawPolicy>(bad).is_err());
}
