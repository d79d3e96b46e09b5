//! Routing-related test names: which test names hold a forbidden symbol.
//!
//! A test name is cut into identifier segments at every character that cannot be part of an
//! identifier (`/`, `.`, `:`, space), each segment into words at `_` and case changes. A
//! name is routing-related when some run of consecutive words of one segment is a forbidden
//! symbol (under the policy's naming) or matches a forbidden-symbol pattern. So
//! `TestReconcile_CheckCooldown/cooldown_active` offers `CheckCooldown`, `Cooldown`,
//! `cooldown_active`, … and `check_cooldown_blocks` offers `check_cooldown`.
//!
//! Listed symbols are found in one pass per segment: one Aho-Corasick automaton over the
//! symbols' keys runs over the segment (as written for exact naming, its words lower-cased
//! and joined by `_` for words naming), and a hit counts when it starts and ends on word
//! boundaries. Patterns are regexes, which no automaton can run over every run of words at
//! once: they are tried on every run of at most [`PATTERN_RUN_WORDS`] words and on each
//! whole segment, which keeps the work linear in the length of the name.

use std::collections::BTreeSet;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::policy::{Naming, Policy, RuleKind};

/// The longest run of words a pattern is tried on (besides whole segments).
pub(crate) const PATTERN_RUN_WORDS: usize = 16;

/// What makes a test name routing-related: the forbidden symbols (compared under a naming)
/// and the forbidden-symbol patterns.
pub(crate) struct RoutingNames {
    naming: Naming,
    /// The symbols' keys under `naming`; `None` when there are none.
    names: Option<AhoCorasick>,
    patterns: Vec<Regex>,
}

impl RoutingNames {
    /// Symbols compared under `naming` (exact: as written; words: by [`Naming::key`]), and
    /// patterns matched against runs of words as written.
    pub(crate) fn new<'a>(
        symbols: impl IntoIterator<Item = &'a str>,
        naming: Naming,
        patterns: Vec<Regex>,
    ) -> Self {
        let keys: BTreeSet<String> = symbols
            .into_iter()
            .map(|s| naming.key(s))
            .filter(|k| !k.is_empty())
            .collect();
        let names = if keys.is_empty() {
            None
        } else {
            // Standard match semantics: overlapping search reports every listed key that
            // ends at each position, so one that is not on word boundaries never hides one
            // that is.
            Some(AhoCorasick::new(&keys).expect("an automaton over a policy's symbol keys"))
        };
        RoutingNames {
            naming,
            names,
            patterns,
        }
    }

    /// The symbols and patterns of the policy's forbid-symbol rules, under its naming.
    pub(crate) fn from_policy(policy: &Policy) -> Self {
        let mut symbols = Vec::new();
        let mut patterns = Vec::new();
        for rule in &policy.rules {
            if let RuleKind::ForbidSymbol {
                symbols: s,
                patterns: p,
                ..
            } = &rule.kind
            {
                symbols.extend(s.iter().map(String::as_str));
                patterns.extend(p.iter().cloned());
            }
        }
        Self::new(symbols, policy.naming, patterns)
    }

    /// Whether some run of words of some segment of `name` is forbidden.
    #[cfg(test)]
    pub(crate) fn is_related(&self, name: &str) -> bool {
        self.is_related_in(name, &mut Scratch::default())
    }

    fn is_related_in(&self, name: &str, scratch: &mut Scratch) -> bool {
        name.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|seg| self.segment_is_related(seg, scratch))
    }

    fn segment_is_related(&self, seg: &str, s: &mut Scratch) -> bool {
        word_spans_into(seg, &mut s.words);
        if s.words.is_empty() {
            return false;
        }
        if let Some(ac) = &self.names {
            let hit = match self.naming {
                Naming::Exact => on_boundaries(ac, seg, &s.words, &mut s.bounds),
                Naming::Words => {
                    lowered_words(seg, &s.words, &mut s.lowered, &mut s.lowered_words);
                    on_boundaries(ac, &s.lowered, &s.lowered_words, &mut s.bounds)
                }
            };
            if hit {
                return true;
            }
        }
        if self.patterns.is_empty() {
            return false;
        }
        let words = &s.words;
        let run = |i: usize, j: usize| &seg[words[i].0..words[j].1];
        let matches = |cand: &str| self.patterns.iter().any(|re| re.is_match(cand));
        for i in 0..words.len() {
            let last = (i + PATTERN_RUN_WORDS).min(words.len());
            if (i..last).any(|j| matches(run(i, j))) {
                return true;
            }
        }
        words.len() > PATTERN_RUN_WORDS && matches(run(0, words.len() - 1))
    }
}

/// Buffers reused across the segments of one name.
#[derive(Default)]
struct Scratch {
    words: Vec<(usize, usize)>,
    lowered: String,
    lowered_words: Vec<(usize, usize)>,
    /// Per byte offset of the searched text: bit 0 a word starts there, bit 1 one ends.
    bounds: Vec<u8>,
}

/// Whether `ac` finds a key in `text` that starts where a word of `words` starts and ends
/// where one ends (so it covers whole consecutive words).
fn on_boundaries(
    ac: &AhoCorasick,
    text: &str,
    words: &[(usize, usize)],
    bounds: &mut Vec<u8>,
) -> bool {
    bounds.clear();
    bounds.resize(text.len() + 1, 0);
    for &(a, b) in words {
        bounds[a] |= 1;
        bounds[b] |= 2;
    }
    ac.find_overlapping_iter(text)
        .any(|m| bounds[m.start()] & 1 != 0 && bounds[m.end()] & 2 != 0)
}

/// The words of `seg` lower-cased as [`Naming::key`] lower-cases them, joined by `_`, and
/// their spans in that text: a run of words of `seg` has the words key that is the text
/// between the start of its first word and the end of its last.
fn lowered_words(
    seg: &str,
    words: &[(usize, usize)],
    out: &mut String,
    spans: &mut Vec<(usize, usize)>,
) {
    out.clear();
    spans.clear();
    for &(a, b) in words {
        if !out.is_empty() {
            out.push('_');
        }
        let start = out.len();
        for c in seg[a..b].chars() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
        spans.push((start, out.len()));
    }
}

/// The names (sorted, unique) that are routing-related (see [`RoutingNames::is_related`]).
pub(crate) fn routing_related<'a>(
    names: impl IntoIterator<Item = &'a str>,
    routing: &RoutingNames,
) -> Vec<String> {
    let mut out = BTreeSet::new();
    let mut scratch = Scratch::default();
    for name in names {
        if !out.contains(name) && routing.is_related_in(name, &mut scratch) {
            out.insert(name.to_string());
        }
    }
    out.into_iter().collect()
}

/// Byte spans of the words of an identifier: split at `_`, at a lower-case letter or digit
/// followed by an upper-case one, and before the last capital of an acronym followed by a
/// lower-case letter (`WFEStatus` → `WFE`, `Status`). The same boundaries as
/// [`Naming::key`] under words naming.
pub(super) fn word_spans_into(ident: &str, spans: &mut Vec<(usize, usize)>) {
    spans.clear();
    let mut start: Option<usize> = None;
    let mut prev: Option<char> = None;
    let mut chars = ident.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '_' {
            if let Some(s) = start.take() {
                spans.push((s, i));
            }
        } else if let Some(s) = start
            && c.is_uppercase()
            && let Some(p) = prev
            && (p.is_lowercase()
                || p.is_ascii_digit()
                || (p.is_uppercase() && chars.peek().is_some_and(|n| n.1.is_lowercase())))
        {
            spans.push((s, i));
            start = Some(i);
        } else if start.is_none() {
            start = Some(i);
        }
        prev = Some(c);
    }
    if let Some(s) = start {
        spans.push((s, ident.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(s: &str) -> Vec<&str> {
        let mut v = Vec::new();
        word_spans_into(s, &mut v);
        v.into_iter().map(|(a, b)| &s[a..b]).collect()
    }

    fn exact(symbols: &[&str]) -> RoutingNames {
        RoutingNames::new(symbols.iter().copied(), Naming::Exact, Vec::new())
    }

    fn words(symbols: &[&str]) -> RoutingNames {
        RoutingNames::new(symbols.iter().copied(), Naming::Words, Vec::new())
    }

    fn pattern(re: &str) -> RoutingNames {
        RoutingNames::new([], Naming::Exact, vec![Regex::new(re).unwrap()])
    }

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(
            spans("TestWFEStatus_ok2Go"),
            ["Test", "WFE", "Status", "ok2", "Go"]
        );
        assert_eq!(spans("__x__"), ["x"]);
        assert_eq!(spans("HTTPServer2"), ["HTTP", "Server2"]);
        assert_eq!(spans("ÉtéÀPied"), ["Été", "À", "Pied"]);
        assert!(spans("___").is_empty());
    }

    #[test]
    fn runs_of_whole_words_within_one_segment() {
        let name = "TestReconcile_CheckCooldown/cooldown_active";
        for sym in [
            "TestReconcile_CheckCooldown",
            "CheckCooldown",
            "Cooldown",
            "cooldown_active",
            "Test",
            "Reconcile_Check",
        ] {
            assert!(exact(&[sym]).is_related(name), "{sym}");
        }
        // not whole words, across segments, or another spelling under exact naming
        for sym in [
            "Cool",
            "heckCooldown",
            "CheckCooldown_cooldown",
            "check_cooldown",
            "",
        ] {
            assert!(!exact(&[sym]).is_related(name), "{sym}");
        }
        // words naming: every spelling of the same words
        for sym in [
            "check_cooldown",
            "checkCooldown",
            "COOLDOWN_ACTIVE",
            "reconcileCheck",
        ] {
            assert!(words(&[sym]).is_related(name), "{sym}");
        }
        for sym in ["check_cool_down", "CheckCooldowns", "cooldown_cooldown"] {
            assert!(!words(&[sym]).is_related(name), "{sym}");
        }
        // patterns see each run as written, anchored to it
        assert!(pattern("^Check\\w*$").is_related(name));
        assert!(pattern("^cooldown_active$").is_related(name));
        assert!(!pattern("^Cooldown/").is_related(name));
        assert!(!pattern("^ooldown").is_related(name));
    }

    #[test]
    fn routing_related_names_are_sorted_and_unique() {
        let names = [
            "pkg/TestMarkSkipped",
            "pkg/TestMarkSkippedLater",
            "pkg/TestMarkSkipped",
            "tests::marks_skipped",
        ];
        assert_eq!(
            routing_related(names, &exact(&["MarkSkipped"])),
            ["pkg/TestMarkSkipped", "pkg/TestMarkSkippedLater"]
        );
        assert_eq!(
            routing_related(names, &words(&["MarkSkipped"])),
            ["pkg/TestMarkSkipped", "pkg/TestMarkSkippedLater"]
        );
    }

    /// The definition, spelled out: every run of consecutive words is a candidate.
    fn reference(name: &str, naming: Naming, symbols: &[&str], patterns: &[Regex]) -> bool {
        let keys: Vec<String> = symbols.iter().map(|s| naming.key(s)).collect();
        name.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|seg| {
                let mut w = Vec::new();
                word_spans_into(seg, &mut w);
                (0..w.len()).any(|i| {
                    (i..w.len()).any(|j| {
                        let cand = &seg[w[i].0..w[j].1];
                        let key = naming.key(cand);
                        keys.contains(&key) || patterns.iter().any(|re| re.is_match(cand))
                    })
                })
            })
    }

    #[test]
    fn one_pass_agrees_with_every_run_of_words() {
        let parts = [
            "Check", "check", "Cooldown", "cooldown", "_", "__", "/", "::", "WFE", "Status", "2",
            "Mark", "skipped", "Skipped", "x", "É", "é", ".", " ", "Lock",
        ];
        let symbols = [
            "CheckCooldown",
            "check_cooldown_status",
            "WFE",
            "x_mark",
            "é2",
        ];
        let patterns = [
            Regex::new("^Mark\\w*Skipped$").unwrap(),
            Regex::new("^x_").unwrap(),
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut cases = Vec::new();
        for naming in [Naming::Exact, Naming::Words] {
            for (syms, pats) in [(&symbols[..], &[][..]), (&[][..], &patterns[..])] {
                let fast = RoutingNames::new(syms.iter().copied(), naming, pats.to_vec());
                cases.push((fast, naming, syms, pats));
            }
        }
        let (mut related, mut checked) = (0, 0);
        for _ in 0..3000 {
            // at most PATTERN_RUN_WORDS words in all, so patterns see every run too
            let name: String = (0..1 + next(8)).map(|_| parts[next(parts.len())]).collect();
            for (fast, naming, syms, pats) in &cases {
                let want = reference(&name, *naming, syms, pats);
                assert_eq!(fast.is_related(&name), want, "{name:?} {naming:?} {syms:?}");
                related += usize::from(want);
                checked += 1;
            }
        }
        // the generated names exercise both answers
        assert!(
            related > checked / 20 && related < checked / 2,
            "{related}/{checked}"
        );
    }

    #[test]
    fn long_names_are_matched_whole() {
        // a 10 KB test-case name of 2,000 words, the symbol's words at the very end
        let body: String = (0..2000).map(|i| format!("Word{}", i % 10)).collect();
        assert!(body.len() >= 10_000);
        let name = format!("pkg::Test{body}CheckCooldown");
        assert!(exact(&["CheckCooldown"]).is_related(&name));
        assert!(words(&["check_cooldown"]).is_related(&name));
        assert!(!words(&["check_cooldown_now"]).is_related(&name));
        assert!(pattern("^Check\\w*own$").is_related(&name));
        // a word run that ends inside a word is not a match
        let cut = format!("pkg::Test{body}CheckCooldownx");
        assert!(!exact(&["CheckCooldown"]).is_related(&cut));
        assert!(!words(&["check_cooldown"]).is_related(&cut));

        // a Go subtest name of 1,500 words (go test writes spaces as `_`)
        let sub: Vec<String> = (0..1500).map(|i| format!("word{}", i % 7)).collect();
        let plain = format!("pkg/TestReconcile/{}", sub.join("_"));
        let mid = format!(
            "pkg/TestReconcile/{}_check_cooldown_{}",
            sub[..750].join("_"),
            sub[750..].join("_")
        );
        let w = words(&[
            "CheckCooldown",
            "word6_word0_word1_word2_word3_word4_word5_word6",
        ]);
        assert!(w.is_related(&mid));
        assert!(!words(&["CheckCooldown"]).is_related(&plain));
        assert!(w.is_related(&plain), "the eight-word symbol occurs");
        assert!(!exact(&["CheckCooldown"]).is_related(&mid));
        assert!(exact(&["check_cooldown"]).is_related(&mid));
        assert!(
            !pattern("^word0_\\w*_word3$")
                .is_related(&format!("x/{}", "word0_word1_word2".repeat(600)))
        );
        assert!(pattern("^check_\\w*_word3$").is_related(&mid));
        // the whole segment is tried even when it is longer than the run limit
        assert!(
            pattern("^word0[a-z0-9_]{4000,}$").is_related(&format!("x/{}", sub[..700].join("_")))
        );
    }
}
