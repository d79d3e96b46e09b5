//! Checks for arbitrary input, shared by the cargo-fuzz targets under `fuzz/` and the smoke
//! test that runs them in the normal test suite (`tests/fuzz_smoke.rs`).
//!
//! Each `check_*` function takes raw bytes (invalid UTF-8 is replaced, so every input reaches
//! the reader), runs one reader of routeaudit on them and panics when an invariant breaks:
//! the reader itself must not panic, must finish within [`time_bound`], and must return
//! consistent facts. For the Go and Rust front-ends the engine must report the same results
//! whether its prefilter reads the file lightly (lexing comments and strings only, or not at
//! all) or the whole file is parsed. This module is the only routeaudit API the fuzz targets
//! use; it is not part of the tool's interface.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::engine::{Engine, FileResult, Needs};
use crate::lang::{self, FileFacts, Lang};
use crate::policy::{self, Policy};
use crate::span::LineIndex;
use crate::testresults;

/// The most one check may take on one input in an optimised build (generous: real files
/// take milliseconds).
pub const TIME_BOUND: Duration = Duration::from_secs(2);

/// The bound in force: [`TIME_BOUND`], or fifteen times it in a build with debug assertions
/// (the unoptimised test build, where parsing is that much slower).
pub fn time_bound() -> Duration {
    if cfg!(debug_assertions) {
        TIME_BOUND * 15
    } else {
        TIME_BOUND
    }
}

/// The Go front-end on `data` as a `.go` file.
pub fn check_go(data: &[u8]) {
    check_source(Lang::Go, "pkg/fuzz.go", "pkg", data);
}

/// The Rust front-end on `data` as a `.rs` file.
pub fn check_rust(data: &[u8]) {
    check_source(Lang::Rust, "src/fuzz.rs", "src", data);
}

/// The YAML comment scanner on `data` as a `.yaml` file, and the engine over it.
pub fn check_yaml(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let facts = timed("yaml front-end", || lang::text::extract_yaml(&src));
    check_facts(&src, &facts);
    assert!(
        facts.occurrences.is_empty() && facts.functions.is_empty(),
        "YAML has text regions only"
    );
    for r in &facts.text {
        assert_eq!(r.kind, lang::TextKind::Comment, "YAML regions are comments");
    }
    // the policy's names do not steer YAML (it has no code): one policy serves every input
    for naming in ["exact", "words"] {
        with_engines("", naming, |light, _| {
            timed("engine on YAML", || {
                light.check_file("deploy/fuzz.yaml", Lang::Yaml, &src, "deploy")
            })
        });
    }
}

/// The policy reader on `data` as a policy file; a policy it accepts must build an engine
/// that can check a small Go file.
pub fn check_policy(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let parsed = timed("policy reader", || {
        policy::parse_policy(&src, "fuzz.toml", None)
    });
    if let Ok(policy) = parsed {
        timed("engine from a fuzzed policy", || {
            let engine = Engine::new(&policy, Needs::default());
            let go = "package p\n\n// CheckCooldown routeaudit:allow\nfunc f() { g(\"x\") }\n";
            engine.check_file("p/a.go", Lang::Go, go, "p");
            engine.check_file("deploy/a.yaml", Lang::Yaml, "a: b # c\n", "deploy");
        });
    }
}

/// The test-results reader on `data` as a results file; what it reads must add up.
pub fn check_test_results(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let parsed = timed("test-results reader", || {
        testresults::parse(&src, "fuzz-results")
    });
    match parsed {
        Ok(run) => {
            let routing = testresults::RoutingNames::new(
                ["CheckCooldown", "check_resource_lock", "x"],
                policy::Naming::Words,
                vec![regex::Regex::new(r"^Mark\w*Skipped$").expect("a valid pattern")],
            );
            let sum = timed("routing-related names", || {
                testresults::summarize(std::slice::from_ref(&run), &routing)
            });
            assert_eq!(sum.passed + sum.failed + sum.skipped, run.cases.len());
            assert!(sum.failures.len() <= sum.failed);
            for name in &sum.routing_related {
                assert!(run.cases.iter().any(|c| &c.name == name));
            }
        }
        Err(e) => assert!(e.starts_with("fuzz-results"), "error names the file: {e}"),
    }
}

/// Front-end invariants, then the engine at its own depth against a full parse, under a
/// policy listing names that occur in the input (exact or words naming).
fn check_source(lang: Lang, rel: &str, unit: &str, data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let facts = timed("front-end", || lang::extract(lang, rel, &src));
    check_facts(&src, &facts);
    if let Some(light) = lang::text_only(lang, rel, &src) {
        check_facts(&src, &light);
    }
    // one naming per input, alternating with its length: half the engines to build
    let naming = ["exact", "words"][data.len() % 2];
    with_engines(&src, naming, |light, full| {
        let a = timed("engine (prefiltered)", || {
            light.check_file(rel, lang, &src, unit)
        });
        let b = timed("engine (full parse)", || {
            full.check_file(rel, lang, &src, unit)
        });
        // A file with syntax errors may be split differently into code and text by the
        // lexer and the parser; the claim is for files that parse.
        if facts.warnings.is_empty() {
            assert_same_results(&a, &b, naming);
        }
    });
}

/// Runs `f`, panicking when it takes longer than [`time_bound`].
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    let bound = time_bound();
    assert!(took <= bound, "{what} took {took:?}, more than {bound:?}");
    out
}

/// Spans and regions lie inside the source, on character boundaries, in order.
fn check_facts(src: &str, facts: &FileFacts) {
    let lines = LineIndex::new(src).line_count(src).max(1) as u32 + 1;
    let mut last_end = 0;
    for r in &facts.text {
        assert!(
            r.start <= r.end && r.end <= src.len(),
            "region {r:?} outside the source"
        );
        assert!(
            src.is_char_boundary(r.start) && src.is_char_boundary(r.end),
            "region {r:?} splits a character"
        );
        assert!(r.start >= last_end, "region {r:?} overlaps the one before");
        last_end = r.end;
    }
    let spans = facts
        .occurrences
        .iter()
        .map(|o| o.span)
        .chain(facts.functions.iter().flat_map(|f| [f.span, f.name_span]))
        .chain(
            facts
                .functions
                .iter()
                .flat_map(|f| f.calls.iter().map(|c| c.span)),
        );
    for s in spans {
        assert!(
            s.line >= 1 && s.line <= s.end_line && s.end_line <= lines,
            "span {s:?} outside the {lines} lines"
        );
    }
    for o in &facts.occurrences {
        assert!(!o.name.is_empty(), "an occurrence without a name: {o:?}");
        if let Some(f) = o.function {
            assert!(
                f < facts.functions.len(),
                "occurrence in no function: {o:?}"
            );
        }
    }
}

/// What a prefiltered and a full read must agree on: everything but the parse counter, the
/// inventory and the warnings.
fn assert_same_results(a: &FileResult, b: &FileResult, naming: &str) {
    let show = |r: &FileResult| {
        format!(
            "findings {:?}\nmentions {:?}\nrequired {:?}\nevidence {:?}\ndirectives {:?}\ndirective errors {:?}",
            r.findings, r.mentions, r.required, r.evidence, r.directives, r.directive_errors
        )
    };
    let (a, b) = (show(a), show(b));
    assert!(
        a == b,
        "naming {naming}: the prefiltered read differs from the full parse\n--- prefiltered\n{a}\n--- full\n{b}"
    );
}

/// Engines kept for policies already built: inputs that start alike (mutations of one seed)
/// share their first identifiers, hence their policy.
type Engines = (&'static Engine<'static>, &'static Engine<'static>);

/// A process-wide table (not a thread-local one), so the kept engines stay reachable until
/// exit and leak checkers do not report them.
static ENGINES: Mutex<Option<HashMap<String, Engines>>> = Mutex::new(None);

/// At most this many policies are kept (for the life of the process); past that, engines are
/// built for one input and dropped.
const KEPT_ENGINES: usize = 256;

/// Calls `f` with the prefiltering engine and the full-parse engine for the policy
/// [`policy_for`]`(src, naming)`.
fn with_engines<T>(src: &str, naming: &str, f: impl FnOnce(&Engine, &Engine) -> T) -> T {
    let toml = policy_for(src, naming);
    let kept = |toml: &str| {
        let table = ENGINES.lock().unwrap_or_else(|e| e.into_inner());
        let found = table.as_ref().and_then(|t| t.get(toml).copied());
        (found, table.as_ref().map_or(0, HashMap::len))
    };
    let (found, count) = kept(&toml);
    if let Some((light, full)) = found {
        return f(light, full);
    }
    let policy = policy::parse_policy(&toml, "fuzz.toml", None)
        .unwrap_or_else(|e| panic!("the generated policy is valid: {e:?}\n{toml}"));
    let full_needs = Needs {
        inventory: true,
        graph: false,
    };
    if count >= KEPT_ENGINES {
        let light = Engine::new(&policy, Needs::default());
        let full = Engine::new(&policy, full_needs);
        return f(&light, &full);
    }
    let policy: &'static Policy = Box::leak(Box::new(policy));
    let light: &'static Engine = Box::leak(Box::new(Engine::new(policy, Needs::default())));
    let full: &'static Engine = Box::leak(Box::new(Engine::new(policy, full_needs)));
    ENGINES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .insert(toml, (light, full));
    f(light, full)
}

/// The text of a policy whose listed names occur in `src` (its first identifiers), so the
/// prefilter has something to find: one rule reports them in code only (names in comments and
/// strings are mentions, which lets the engine lex instead of parse), one requires them; an
/// evidence entry quotes comments.
fn policy_for(src: &str, naming: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    for word in src.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.len() >= 2
            && word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && !names.contains(&word)
        {
            names.push(word);
            if names.len() == 6 {
                break;
            }
        }
    }
    let (code, required) = names.split_at(names.len() / 2);
    let list = |ns: &[&str]| {
        let quoted: Vec<String> = ns
            .iter()
            .chain(["CheckCooldown"].iter())
            .map(|n| format!("\"{n}\""))
            .collect();
        quoted.join(", ")
    };
    let toml = format!(
        "[policy]\nnaming = \"{naming}\"\n[scope]\ntests = \"include\"\n\
         [[rule]]\nid = \"code\"\nkind = \"forbid-symbol\"\nsymbols = [{}]\nin = [\"code\"]\n\
         [[rule]]\nid = \"req\"\nkind = \"require-symbol\"\nsymbols = [{}]\n\
         [[rule]]\nid = \"yaml\"\nkind = \"forbid-pattern\"\nregex = '^\\s*skip\\w*:'\ninclude = [\"**/*.yaml\"]\n\
         [[evidence]]\nid = \"removed\"\nregex = '(?i)no routing'\n",
        list(code),
        list(required)
    );
    toml
}
