//! `--format json`: the [`Audit`] (schema_version 1), pretty-printed. Its JSON Schema is
//! generated from the audit types and checked in as [`SCHEMA_PATH`]; a test fails when the
//! checked-in file is stale (`ROUTEAUDIT_BLESS=1` rewrites it).

use std::io::{self, Write};

use crate::audit::Audit;

/// Where the JSON Schema of the output is checked in, relative to the crate root.
#[cfg(test)]
pub(crate) const SCHEMA_PATH: &str = "schemas/routeaudit-output.schema.json";

pub(crate) fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, audit)?;
    out.write_all(b"\n")
}

/// The JSON Schema of [`render`]'s output, as checked in (pretty JSON, final newline). Every
/// object is closed (`additionalProperties: false`), so a key the schema does not describe
/// fails validation; an optional key is left out rather than written as `null`, so it is
/// never `null`.
#[cfg(test)]
pub(crate) fn schema_json() -> String {
    let schema = schemars::generate::SchemaSettings::draft07()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<Audit>();
    let mut v = schema.to_value();
    close_objects(&mut v);
    let mut out = serde_json::to_string_pretty(&v).expect("a schema is JSON");
    out.push('\n');
    out
}

#[cfg(test)]
fn close_objects(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            let required: Vec<Value> = match map.get("required") {
                Some(Value::Array(r)) => r.clone(),
                _ => Vec::new(),
            };
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                for (name, prop) in props.iter_mut() {
                    if required.iter().any(|r| r == name.as_str()) {
                        continue;
                    }
                    if let Some(Value::Array(types)) = prop.get_mut("type") {
                        types.retain(|t| t != "null");
                        if let [only] = types.as_slice() {
                            prop["type"] = only.clone();
                        }
                    }
                    if let Some(obj) = prop.as_object_mut()
                        && let Some(Value::Array(alts)) = obj.get_mut("anyOf")
                    {
                        alts.retain(|a| a.get("type").is_none_or(|t| t != "null"));
                        if alts.len() == 1 {
                            // `allOf` keeps a description beside a lone `$ref` (draft 7
                            // ignores the siblings of a `$ref`)
                            let alts = obj.remove("anyOf").unwrap_or_default();
                            obj.insert("allOf".into(), alts);
                        }
                    }
                }
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;
    use serde_json::Value;

    fn validator() -> jsonschema::Validator {
        let schema: Value = serde_json::from_str(&schema_json()).unwrap();
        jsonschema::draft7::options()
            .build(&schema)
            .expect("a valid draft-07 schema")
    }

    fn problems(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
        v.iter_errors(doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    }

    #[test]
    fn checked_in_schema_is_the_generated_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA_PATH);
        let generated = schema_json();
        if std::env::var_os("ROUTEAUDIT_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(&path, &generated).unwrap();
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "{SCHEMA_PATH} is not what the audit types generate: \
             rerun with ROUTEAUDIT_BLESS=1 to rewrite it"
        );
    }

    #[test]
    fn sample_audits_validate() {
        let v = validator();
        for a in [sample::clean(), sample::impure(), sample::incomplete()] {
            let doc = serde_json::to_value(&a).unwrap();
            let errs = problems(&v, &doc);
            assert!(errs.is_empty(), "{errs:#?}");
        }
    }

    #[test]
    fn the_schema_is_not_vacuous() {
        let v = validator();
        let good = serde_json::to_value(sample::impure()).unwrap();
        type Edit = fn(&mut Value);
        let broken: [(&str, Edit); 6] = [
            ("an unknown verdict", |d| d["verdict"] = "maybe".into()),
            ("an unknown top-level key", |d| d["extra"] = 1.into()),
            ("an unknown finding key", |d| {
                d["findings"][0]["x"] = 1.into()
            }),
            ("a bad status", |d| {
                d["findings"][0]["status"] = "gone".into()
            }),
            ("a missing status", |d| {
                d["findings"][0].as_object_mut().unwrap().remove("status");
            }),
            ("a bad occurrence", |d| {
                d["mentions"][0]["occurrence"] = "macro".into()
            }),
        ];
        for (what, edit) in broken {
            let mut doc = good.clone();
            edit(&mut doc);
            assert!(!problems(&v, &doc).is_empty(), "{what} must be rejected");
        }
    }
}
