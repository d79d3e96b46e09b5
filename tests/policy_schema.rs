//! Every policy in the repository — the builtin pack, the fixtures, the README's example and
//! what `routeaudit init` writes — validates against the checked-in JSON Schema
//! `schemas/routeaudit-policy.schema.json`, and the schema refuses what the reader refuses.

mod common;
use common::*;

use std::path::{Path, PathBuf};

fn schema() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("schemas/routeaudit-policy.schema.json"))
        .expect("the checked-in policy schema");
    serde_json::from_str(&text).unwrap()
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema())
        .expect("a valid draft-07 schema")
}

/// The same schema read by a draft-4 validator, as some editors' TOML support does.
fn draft4_validator() -> jsonschema::Validator {
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema())
        .expect("a schema draft 4 can read")
}

/// A TOML policy as the JSON value editors validate.
fn as_json(toml_text: &str) -> serde_json::Value {
    let v: toml::Value = toml::from_str(toml_text).expect("TOML");
    serde_json::to_value(v).unwrap()
}

fn problems(v: &jsonschema::Validator, toml_text: &str) -> Vec<String> {
    let json = as_json(toml_text);
    v.iter_errors(&json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn policies_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            policies_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml")
            && p.file_name().is_some_and(|n| n != "Cargo.toml")
        {
            out.push(p);
        }
    }
}

#[test]
fn every_repository_policy_validates() {
    let v = validator();
    let mut files = Vec::new();
    for dir in ["rules", "examples", "tests/fixtures"] {
        policies_under(&root().join(dir), &mut files);
    }
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("rules/pure-executor.toml")),
        "{files:?}"
    );
    assert!(files.len() >= 8, "{files:?}");
    for f in &files {
        let errs = problems(&v, &std::fs::read_to_string(f).unwrap());
        assert!(errs.is_empty(), "{}: {errs:#?}", f.display());
        // and the reader agrees
        let o = bin()
            .args(["policy", "validate", f.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{}: {}", f.display(), stderr(&o));
    }
}

#[test]
fn the_readme_example_validates() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = &readme[readme.find("\n## Policies").expect("a Policies section")..];
    let start = section.find("```toml\n").expect("a TOML example") + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    assert!(example.contains("[[rule]]"), "{example}");
    let errs = problems(&validator(), example);
    assert!(errs.is_empty(), "{errs:#?}");
}

#[test]
fn the_init_starter_policy_validates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("internal/controller")).unwrap();
    std::fs::write(
        dir.path().join("internal/controller/we.go"),
        "package controller\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["init"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("routeaudit.toml")).unwrap();
    let errs = problems(&validator(), &text);
    assert!(errs.is_empty(), "{text}\n{errs:#?}");
}

#[test]
fn the_schema_refuses_what_the_reader_refuses() {
    let v = validator();
    let v4 = draft4_validator();
    let rule = "[[rule]]\nid = \"r\"\nkind = \"forbid-file\"\nfiles = [\"a.go\"]\n";
    assert!(problems(&v, rule).is_empty());
    assert!(problems(&v4, rule).is_empty());
    let builtin = std::fs::read_to_string(root().join("rules/pure-executor.toml")).unwrap();
    assert!(problems(&v4, &builtin).is_empty());
    for (bad, why) in [
        (format!("{rule}severty = \"error\"\n"), "misspelled key"),
        (format!("{rule}symbols = [\"A\"]\n"), "key of another kind"),
        (format!("{rule}severity = \"fatal\"\n"), "unknown severity"),
        (format!("{rule}url = \"not a url\"\n"), "url"),
        (
            "[[rule]]\nid = \"r\"\nkind = \"forbid-everything\"\n".to_string(),
            "unknown kind",
        ),
        (
            "[[rule]]\nid = \"r\"\nkind = \"forbid-reach\"\nfrom = [\"f\"]\nto = [\"g\"]\nmax-depth = 0\n"
                .to_string(),
            "max-depth 0",
        ),
        (format!("[policy]\npass_label = \"OK\"\n{rule}"), "[policy] key"),
        (format!("[policy]\nfail-label = \"\"\n{rule}"), "empty label"),
        (format!("[scope]\ntests = \"maybe\"\n{rule}"), "tests mode"),
        (format!("{rule}[[evidence]]\nid = \"e\"\nregex = \"x\"\nin = [\"codes\"]\n"), "occurrence kind"),
    ] {
        assert!(!problems(&v, &bad).is_empty(), "{why}: accepted\n{bad}");
        assert!(!problems(&v4, &bad).is_empty(), "{why}: draft 4 accepted\n{bad}");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p.toml"), &bad).unwrap();
        let o = run_in(dir.path(), &["policy", "validate", "p.toml"]);
        assert_eq!(code(&o), 2, "{why}: the reader accepted\n{bad}");
    }
}
