//! The fuzz targets' checks (`routeaudit::fuzzing`) on a few thousand deterministic inputs:
//! the repository's fixtures, mutations of them, and random bytes. A failure here is what the
//! fuzzer would report; `docs/fuzzing.md` says how to run the real fuzzers longer.

mod common;

use std::path::Path;

use routeaudit::fuzzing;

/// xorshift64: the same inputs on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Fragments that open or close the constructs readers track.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "'",
    "`",
    "/*",
    "*/",
    "//",
    "\n",
    "\r\n",
    "#",
    "r#\"",
    "\"#",
    "<",
    ">",
    "</",
    "/>",
    "&",
    "&amp;",
    "&#x41;",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<!DOCTYPE x [<!ENTITY e \"&e;&e;\">]>",
    "func ",
    "fn ",
    "#[test]",
    "#[cfg(test)]",
    "mod tests {",
    "impl ",
    "::",
    ".",
    "=",
    "[[rule]]",
    "kind = ",
    "symbols = [",
    "]\n",
    "\\",
    "\u{feff}",
    "é",
    "\u{2028}",
    "\0",
    "{\"Action\":\"run\",\"Test\":\"T\"}\n",
    "routeaudit:allow",
    "CheckCooldown",
    "check_cooldown",
    "MarkSkipped",
];

/// One mutation of `seed`, sometimes spliced with `other`.
fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(at..at, t.iter().copied());
            }
            2 => {
                let end = (at + rng.below(64)).min(out.len());
                out.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(256)).min(out.len());
                let chunk = out[at..end].to_vec();
                let times = 1 + rng.below(8);
                for _ in 0..times {
                    out.splice(at..at, chunk.iter().copied());
                }
            }
            4 => out.truncate(at),
            5 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + rng.below(512)).min(other.len());
                out.splice(at..at, other[from..end].iter().copied());
            }
            _ => {
                let depth = 1 + rng.below(300);
                let (open, close) =
                    [("(", ")"), ("{", "}"), ("[", "]"), ("<x>", "</x>")][rng.below(4)];
                let nest = open.repeat(depth) + &close.repeat(depth);
                out.splice(at..at, nest.bytes());
            }
        }
    }
    out
}

/// Every file under the given directories (relative to the crate) with one of `exts`.
fn seeds(dirs: &[&str], exts: &[&str]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for dir in dirs {
        let mut stack = vec![common::root().join(dir)];
        while let Some(d) = stack.pop() {
            let mut entries: Vec<_> = std::fs::read_dir(&d)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            entries.sort();
            for p in entries {
                if p.is_dir() {
                    // known failures wait there for a fix; they are not seeds
                    if !p.ends_with("fuzz-crashes") {
                        stack.push(p);
                    }
                } else if ext_of(&p).is_some_and(|e| exts.contains(&e)) {
                    out.push(std::fs::read(&p).unwrap());
                }
            }
        }
    }
    assert!(!out.is_empty(), "no seeds with {exts:?} in {dirs:?}");
    out
}

fn ext_of(p: &Path) -> Option<&str> {
    p.extension().and_then(|e| e.to_str())
}

/// The seeds, `mutants` mutations of windows of them (at most `64 + window` bytes) and
/// `random` random inputs, through `check`. An input that fails is saved to the temporary
/// directory, to be replayed with the fuzz target (see `docs/fuzzing.md`).
fn run(
    seeds: &[Vec<u8>],
    (mutants, window): (usize, usize),
    random: usize,
    salt: u64,
    check: fn(&[u8]),
) -> usize {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ salt);
    let mut inputs: Vec<Vec<u8>> = seeds.to_vec();
    let mut pool: Vec<Vec<u8>> = seeds.to_vec();
    for _ in 0..mutants {
        // a window of a seed: small inputs are quick to read and as telling
        let seed = &pool[rng.below(pool.len())];
        let from = rng.below(seed.len() / 2 + 1) * usize::from(rng.below(2) == 0);
        let to = (from + 64 + rng.below(window)).min(seed.len());
        let other = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, &seed[from..to], other);
        // mutations of mutations go deeper; keep the pool small
        if pool.len() < 64 && input.len() < 16 * 1024 {
            pool.push(input.clone());
        }
        inputs.push(input);
    }
    for _ in 0..random {
        let len = rng.below(512);
        inputs.push((0..len).map(|_| rng.next() as u8).collect());
    }
    for (i, input) in inputs.iter().enumerate() {
        if let Err(panic) = std::panic::catch_unwind(|| check(input)) {
            let saved = std::env::temp_dir().join(format!("routeaudit-fuzz-smoke-{salt}-{i}"));
            std::fs::write(&saved, input).unwrap();
            eprintln!("failing input saved to {}", saved.display());
            std::panic::resume_unwind(panic);
        }
    }
    inputs.len()
}

#[test]
fn go_front_end() {
    let s = seeds(&["tests/fixtures", "examples"], &["go"]);
    assert!(run(&s, (250, 1024), 50, 1, fuzzing::check_go) > 300);
}

#[test]
fn rust_front_end() {
    let s = seeds(&["tests/fixtures", "examples"], &["rs"]);
    assert!(run(&s, (250, 1024), 50, 2, fuzzing::check_rust) > 300);
}

#[test]
fn yaml_scanner() {
    let s = seeds(&["tests/fixtures", "examples"], &["yaml", "yml"]);
    assert!(run(&s, (800, 4096), 200, 3, fuzzing::check_yaml) > 1000);
}

#[test]
fn policy_reader() {
    let s = seeds(&["tests/fixtures", "rules"], &["toml"]);
    assert!(run(&s, (800, 4096), 200, 4, fuzzing::check_policy) > 1000);
}

#[test]
fn test_results_reader() {
    let s = seeds(&["tests/fixtures/test-results"], &["json", "xml"]);
    assert!(run(&s, (800, 4096), 200, 5, fuzzing::check_test_results) > 1000);
}
