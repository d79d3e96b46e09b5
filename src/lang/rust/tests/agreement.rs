//! How close the whole-file token reading comes to the syn path: every Rust file of the
//! fixtures and examples, and a generated corpus of constructs, read both ways and compared
//! occurrence by occurrence (span, kind, enclosing function, test flag) and function by
//! function (name, kind, extent, test flag). The figures are printed: they are the measure.
#![allow(clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::Path;

use super::super::{declarations, extract, extract_token_level};
use crate::lang::FileFacts;
use crate::span::Span;

/// What one identifier is in one reading: its kind, the name of its function (the extent,
/// for a function's own entry) and whether it is test code.
type Reading = (&'static str, Option<String>, bool);

fn readings(f: &FileFacts) -> BTreeMap<(Span, bool), Reading> {
    let mut m = BTreeMap::new();
    for o in &f.occurrences {
        let func = o.function.map(|i| f.functions[i].name.clone());
        m.insert((o.span, false), (o.kind.as_str(), func, o.test));
    }
    for func in &f.functions {
        let extent = format!("{:?}", func.span);
        m.insert(
            (func.name_span, true),
            (func.kind.occ().as_str(), Some(extent), func.test),
        );
    }
    m
}

/// (agreeing, compared, disagreements) of the two readings of `src`.
pub(super) fn agreement(src: &str) -> (usize, usize, Vec<String>) {
    let syn = extract(src);
    assert!(syn.warnings.is_empty(), "{:?}", syn.warnings);
    let tok = extract_token_level(src);
    let (a, b) = (readings(&syn), readings(&tok));
    let mut keys: Vec<&(Span, bool)> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut same = 0;
    let mut diffs = Vec::new();
    for k in &keys {
        match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) if x == y => same += 1,
            (x, y) => {
                let idx = crate::span::LineIndex::new(src);
                let line = idx.line_text(src, k.0.line as usize - 1).trim();
                diffs.push(format!(
                    "{}:{} syn {x:?} tokens {y:?}   | {line}",
                    k.0.line, k.0.column
                ));
            }
        }
    }
    (same, keys.len(), diffs)
}

pub(super) fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Constructs of everyday Rust, each in a few shapes.
pub(super) fn generated_corpus() -> Vec<String> {
    let mut files = vec![GENERATED.to_string()];
    // the same items inside modules, impls and test modules
    files.push(format!("mod inner {{\n{GENERATED}\n}}\n"));
    files.push(format!("#[cfg(test)]\nmod tests {{\n{GENERATED}\n}}\n"));
    files
}

const GENERATED: &str = r#"
use std::collections::{HashMap, HashSet as Set};
use crate::routing::check_cooldown;

pub const LIMIT: u32 = 3;
static mut COUNTER: usize = 0;
pub static NAME: &str = "x";

#[derive(Debug, Clone)]
pub struct Status<'a, T: Clone> {
    pub skip_reason: Option<&'a str>,
    pub(crate) items: Vec<T>,
    count: u32,
}

pub struct Unit;
pub struct Pair(u8, pub String);

pub enum Phase {
    Pending,
    Skipped { reason: String, at: u64 },
    Failed(u32),
}

pub union Bits { a: u32, b: f32 }

pub type Alias<T> = Result<T, Box<dyn std::error::Error + Send>>;

pub trait Reconcile: Send + Sync {
    type Output;
    const MAX: usize;
    fn reconcile(&self, key: &str) -> Self::Output;
    fn mark_skipped(&mut self, reason: String) {
        self.reconcile(&reason);
    }
}

impl<'a, T: Clone + Default> Status<'a, T> {
    pub fn new(items: Vec<T>) -> Self {
        Status { skip_reason: None, items, count: 0 }
    }

    pub async fn run(&mut self, client: &Client) -> Result<u32, Error> {
        let mut total = 0;
        for item in self.items.iter() {
            total += client.get(item).await?.len() as u32;
        }
        let doubled = self.items.iter().map(|x| x.clone()).collect::<Vec<_>>();
        if let Some(reason) = self.skip_reason {
            check_cooldown(reason, &doubled);
        } else if total > LIMIT {
            return Err(Error::new("too many"));
        }
        while total > 0 {
            total -= 1;
        }
        match self.count {
            0 => {}
            1 | 2 => self.count += 1,
            n if n > 10 => helper(n),
            _ => unreachable!(),
        }
        let closure = |a: u32, b| a + b;
        let _ = closure(1, 2);
        Ok(total)
    }
}

impl Reconcile for Unit {
    type Output = ();
    const MAX: usize = 4;
    fn reconcile(&self, key: &str) -> Self::Output {
        let Status { skip_reason, .. } = make_status(key);
        let (first, second) = (1, 2);
        let [x, y] = [first, second];
        println!("{skip_reason:?} {x} {}", y);
        let v = vec![check_cooldown(key), mark_skipped];
        let w = format!("{}{}", key, v.len());
        let f = Self::helper;
        let g = crate::routing::check_cooldown;
        f(w);
        g(key);
    }
}

impl Unit {
    fn helper(s: String) -> usize {
        s.len()
    }
}

pub fn generic<T, U>(t: T, u: U) -> Option<T>
where
    T: Into<U> + Clone,
    U: Default,
{
    let converted: U = t.clone().into();
    drop(converted);
    let _ = u;
    Some(t)
}

pub(crate) fn free(mut a: u32, ref_b: &mut Vec<u8>) -> u32 {
    a += 1;
    ref_b.push(a as u8);
    let r = &mut a;
    *r += 1;
    loop {
        if a > 100 {
            break;
        }
        a = a.wrapping_mul(2);
    }
    'outer: for i in 0..10 {
        for j in 0..i {
            if j == 3 {
                continue 'outer;
            }
        }
    }
    a
}

fn closures_and_iterators(input: &[u32]) -> u32 {
    let sum: u32 = input.iter().filter(|v| **v > 1).map(|v| v * 2).sum();
    let max = input.iter().copied().max().unwrap_or_default();
    let mut sorted = input.to_vec();
    sorted.sort_by_key(|k| std::cmp::Reverse(*k));
    sum + max + sorted[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_works() {
        assert_eq!(free(1, &mut vec![]), 2);
        let s = Status::<u8>::new(vec![1]);
        assert!(s.items.len() == 1);
    }
}

#[tokio::test]
async fn async_test() {
    let client = Client::default();
    client.get("x").await.unwrap();
}

macro_rules! route {
    ($r:expr, $name:ident) => {
        $r.mark_skipped();
        check_cooldown($name)
    };
}

fn uses_macros(r: &mut Unit) {
    route!(r, key);
    tokio::select! {
        _ = r.wait() => { let x = 1; }
    }
    assert!(matches!(r.phase(), Phase::Skipped { .. }));
}

extern "C" {
    fn c_function(x: i32) -> i32;
}

unsafe fn raw(p: *const u8) -> u8 {
    *p
}

const fn compute(n: usize) -> usize {
    n * 2
}

fn bounds<F: FnOnce(u8) -> u8>(f: F) -> impl Fn(&str) -> bool {
    let _ = f(1);
    move |s| s.is_empty()
}

impl From<u8> for &'static [u8] {
    fn from(x: u8) -> Self {
        let _ = x;
        &[]
    }
}

fn kinds(k: &Kind, items: &[u8]) -> bool {
    let all = items.iter().copied().collect::<Vec<_>>();
    let parsed = "3".parse::<u32>().unwrap_or(0);
    matches!(k, Kind::Command(_) | Kind::Arg(inner) if inner.ok(parsed)) && all.is_empty()
}

macro_rules! impl_from {
    ($t:ty) => {
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Int(v as i64)
            }
        }
    };
}
impl_from!(u8);

pub enum Value {
    #[serde(rename = "int")]
    Int(i64),
    Text { #[serde(default)] body: String },
    Unit = 3,
}

fn patterns(v: Value, pairs: &[(u8, u8)]) -> i64 {
    for &(a, b) in pairs {
        let _ = a + b;
    }
    let Value::Int(n) = v else { return 0 };
    match (n, n > 0) {
        (0, _) => 0,
        (m, true) if m > 10 => {
            m * 2
        }
        (ref m, false) => *m,
        _ => -1,
    }
}
"#;

fn print_diffs(name: &str, diffs: &[String]) {
    for d in diffs.iter().take(40) {
        eprintln!("{name} {d}");
    }
}

#[test]
fn the_token_reading_agrees_with_syn_on_fixtures_and_generated_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("tests/fixtures"), &mut files);
    rust_files(&root.join("examples"), &mut files);
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    let mut sources: Vec<(String, String)> = files
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    for (i, g) in generated_corpus().into_iter().enumerate() {
        sources.push((format!("generated-{i}"), g));
    }
    let (mut same, mut total) = (0, 0);
    for (name, src) in &sources {
        let (s, t, diffs) = agreement(src);
        print_diffs(name, &diffs);
        same += s;
        total += t;
    }
    let rate = same as f64 / total as f64 * 100.0;
    eprintln!(
        "token-level reading agrees with syn on {same} of {total} occurrences and functions ({rate:.2} %) in {} files",
        sources.len()
    );
    assert!(rate >= 99.0, "{rate:.2} %");
}

/// The declaration scanner finds the functions syn finds, with the same extents.
#[test]
fn declarations_match_the_syn_function_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("tests/fixtures"), &mut files);
    rust_files(&root.join("examples"), &mut files);
    let mut sources: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    sources.extend(generated_corpus());
    let mut compared = 0;
    for src in &sources {
        let mut want = extract(src).functions;
        want.iter_mut().for_each(|f| f.calls.clear());
        assert_eq!(declarations(src), want);
        compared += want.len();
    }
    assert!(compared > 60, "{compared}");
}

/// The same measure on real crates: `cargo test --lib agreement_on_registry -- --ignored
/// --nocapture` (reads up to 400 files under `~/.cargo/registry/src` that syn parses).
#[test]
#[ignore]
fn agreement_on_registry() {
    let home = std::env::var("HOME").unwrap();
    let mut files = Vec::new();
    rust_files(&Path::new(&home).join(".cargo/registry/src"), &mut files);
    files.sort();
    // an even sample over the sorted list
    let step = (files.len() / 400).max(1);
    let (mut same, mut total, mut n) = (0, 0, 0);
    for p in files.iter().step_by(step) {
        let Ok(src) = std::fs::read_to_string(p) else {
            continue;
        };
        if !extract(&src).warnings.is_empty() {
            continue;
        }
        let (s, t, diffs) = agreement(&src);
        if std::env::var("AGREEMENT_DIFFS").is_ok() {
            print_diffs(&p.display().to_string(), &diffs);
        }
        same += s;
        total += t;
        n += 1;
    }
    eprintln!(
        "registry sample: {n} files, {same} of {total} agree ({:.2} %)",
        same as f64 / total as f64 * 100.0
    );
}
