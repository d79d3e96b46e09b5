//! Hostile inputs stay within bounds: a 3 MB single-line Go file, a 400,000-call method
//! chain and a file of tens of thousands of one-line functions are audited with their
//! findings, exit 1, and a peak resident set under 200 MB (measured by the kernel for the
//! child process, not by a clock).

mod common;

use common::bin;
use std::io::Read;
use std::process::Stdio;

/// Most memory any of these runs may take.
const PEAK_KB: i64 = 200 * 1024;

/// Runs `routeaudit check --format json .` in a directory holding `name` = `text`; returns
/// the exit code, the JSON output and the child's peak resident set in KB.
// the child is waited for with wait4, which std does not know about
#[allow(clippy::zombie_processes)]
fn check_one_file(name: &str, text: &str) -> (i32, serde_json::Value, i64) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let mut child = bin()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "."])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid we hold and have not waited for
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    assert!(libc::WIFEXITED(status), "killed by a signal: {status}");
    let json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    eprintln!("{name}: {} bytes, peak {} KB", text.len(), usage.ru_maxrss);
    (libc::WEXITSTATUS(status), json, usage.ru_maxrss)
}

fn rules_found(json: &serde_json::Value) -> Vec<String> {
    let mut rules: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "counted")
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

#[test]
fn a_three_megabyte_single_line_function() {
    let body = "a(b, c); d.e(f); ".repeat(3_000_000 / 17);
    let src = format!("package p; func reconcilePending() {{ CheckCooldown(); {body}}}");
    let (code, json, peak) = check_one_file("x.go", &src);
    assert_eq!(code, 1, "{json}");
    let rules = rules_found(&json);
    assert!(
        rules.contains(&"no-routing-functions".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"pending-path-no-cooldown".to_string()),
        "{rules:?}"
    );
    let warned = json["warnings"].as_array().unwrap().iter().any(|w| {
        w["message"]
            .as_str()
            .unwrap_or("")
            .contains("read token by token")
    });
    assert!(warned, "{}", json["warnings"]);
    assert!(peak < PEAK_KB, "peak {peak} KB");
}

#[test]
fn a_four_hundred_thousand_call_chain() {
    let src = format!(
        "package p\nfunc reconcilePending() {{ CheckCooldown(); x{} }}\n",
        ".m()".repeat(400_000)
    );
    let (code, json, peak) = check_one_file("x.go", &src);
    assert_eq!(code, 1, "{json}");
    assert!(rules_found(&json).contains(&"pending-path-no-cooldown".to_string()));
    assert!(peak < PEAK_KB, "peak {peak} KB");
}

#[test]
fn tens_of_thousands_of_functions_on_one_line() {
    let fns: String = (0..25_000)
        .map(|i| format!("func f{i}() {{ a(b, c); d.e(f) }}; "))
        .collect();
    let src = format!(
        "package p; func reconcilePending() {{ helper() }}; func helper() {{ CheckCooldown() }}; {fns}"
    );
    let (code, json, peak) = check_one_file("x.go", &src);
    assert_eq!(code, 1, "{json}");
    let rules = rules_found(&json);
    assert!(
        rules.contains(&"pending-path-no-cooldown".to_string()),
        "{rules:?}"
    );
    // every declaration read alone, none token by token
    assert_eq!(
        json["warnings"].as_array().unwrap().len(),
        0,
        "{}",
        json["warnings"]
    );
    assert!(peak < PEAK_KB, "peak {peak} KB");
}
