//! `go test -json` event streams read into test cases.

use std::collections::HashMap;

use serde::Deserialize;

use super::{Outcome, TestCase};

#[derive(Deserialize)]
struct GoEvent {
    #[serde(rename = "Action")]
    action: Option<String>,
    #[serde(rename = "Package", default)]
    package: Option<String>,
    #[serde(rename = "Test", default)]
    test: Option<String>,
}

/// Counts one outcome per finished test (subtests included). Package-level events are not
/// tests. A test that started but never finished (a panic, a timeout) counts as failed.
/// Lines that are not JSON objects (build output mixed in with `2>&1`) are ignored.
pub(super) fn parse(text: &str, source: &str) -> Result<Vec<TestCase>, String> {
    let mut cases: Vec<(String, Option<Outcome>)> = Vec::new();
    // Index of the latest entry per test, to pair `run` with its outcome.
    let mut latest: HashMap<String, usize> = HashMap::new();
    let mut events = 0usize;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if !line.starts_with('{') {
            continue;
        }
        let ev: GoEvent = serde_json::from_str(line)
            .map_err(|e| format!("{source}:{}: not a `go test -json` event: {e}", n + 1))?;
        let Some(action) = ev.action else { continue };
        events += 1;
        let Some(test) = ev.test.filter(|t| !t.is_empty()) else {
            continue;
        };
        let name = match ev.package.as_deref() {
            Some(p) if !p.is_empty() => format!("{p}/{test}"),
            _ => test,
        };
        let outcome = match action.as_str() {
            "pass" => Some(Outcome::Passed),
            "fail" => Some(Outcome::Failed),
            "skip" => Some(Outcome::Skipped),
            "run" => None,
            _ => continue,
        };
        match (latest.get(&name).copied(), outcome) {
            // The outcome of the run in progress.
            (Some(i), Some(o)) if cases[i].1.is_none() => cases[i].1 = Some(o),
            // A run already in progress is not restarted by a second `run`.
            (Some(i), None) if cases[i].1.is_none() => {}
            // A new run (first sight, or `-count` > 1), possibly reported without `run`.
            (_, o) => {
                latest.insert(name.clone(), cases.len());
                cases.push((name, o));
            }
        }
    }
    if events == 0 {
        return Err(format!(
            "{source}: no `go test -json` event (objects with an `Action` field) found"
        ));
    }
    Ok(cases
        .into_iter()
        .map(|(name, o)| TestCase {
            name,
            outcome: o.unwrap_or(Outcome::Failed),
        })
        .collect())
}
