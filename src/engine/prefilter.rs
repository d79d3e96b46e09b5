//! Literal prefilters: cheap tests that a file *cannot* match, so it is not read further.
//!
//! Listed names become one regex over every accepted spelling; the engine checks the whole
//! identifier around each hit. A user regex gets the literals one of which any match must contain, taken from
//! its syntax tree (`(?i)no routing logic|pure executor` needs `no routing logic` or
//! `pure executor`, in any case); a regex without such literals has no prefilter and always
//! runs. A prefilter may say "maybe" wrongly, never "no" wrongly.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use regex_syntax::hir::{Class, Hir, HirKind};

use crate::policy::Naming;

/// A regex that finds every listed name in any spelling the naming mode accepts. Under
/// `words` it runs on the ASCII-lower-cased text (see [`Lowered`]) and is `check_*cooldown`,
/// which finds `CheckCooldown`, `check_cooldown` and `CHECK__COOLDOWN`; case-sensitive, so
/// the regex engine can use its literal search. The engine then checks the whole identifier
/// around each hit, so `CheckCooldownActive` does not count as `CheckCooldown`.
pub fn for_names<'a>(
    keys: impl Iterator<Item = &'a str>,
    naming: Naming,
) -> Option<regex::bytes::Regex> {
    let mut unicode = false;
    let mut alts: Vec<String> = keys
        .map(|k| match naming {
            Naming::Exact => regex::escape(k),
            Naming::Words => {
                let alt = k
                    .split('_')
                    .filter(|w| !w.is_empty())
                    .map(regex::escape)
                    .collect::<Vec<_>>()
                    .join("_*");
                if k.is_ascii() {
                    alt
                } else {
                    // the haystack is lower-cased for ASCII only: fold the rest here
                    unicode = true;
                    format!("(?i:{alt})")
                }
            }
        })
        .collect();
    if alts.is_empty() {
        return None;
    }
    alts.sort();
    regex::bytes::RegexBuilder::new(&alts.join("|"))
        .unicode(unicode || naming == Naming::Exact)
        .size_limit(64 << 20)
        .build()
        .ok()
}

/// The text of a file with ASCII letters lower-cased, in a buffer reused across files: byte
/// offsets are those of the original, so a hit here is a hit there.
pub struct Lowered;

thread_local! {
    static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Lowered {
    pub fn with<R>(src: &str, f: impl FnOnce(&[u8]) -> R) -> R {
        LOWER.with(|buf| {
            let mut buf = buf.borrow_mut();
            buf.clear();
            buf.extend_from_slice(src.as_bytes());
            buf.make_ascii_lowercase();
            f(&buf)
        })
    }
}

/// The non-ASCII letters that case-insensitive ASCII letters match under Unicode folding.
const FOLD_EXTRAS: [char; 2] = ['\u{17F}', '\u{212A}'];

/// Literal needles searched in the [`Lowered`] text: a few with SIMD substring search, more
/// with Aho-Corasick.
pub struct Needles {
    search: Search,
    /// Some needle letter came from a class with a [`FOLD_EXTRAS`] letter in it.
    fold_extras: bool,
}

enum Search {
    Few(Vec<memchr::memmem::Finder<'static>>),
    Many(AhoCorasick),
}

impl Needles {
    pub fn is_match(&self, hay: &[u8]) -> bool {
        let found = match &self.search {
            Search::Few(fs) => fs.iter().any(|f| f.find(hay).is_some()),
            Search::Many(ac) => ac.is_match(hay),
        };
        found
            || (self.fold_extras
                && FOLD_EXTRAS.iter().any(|c| {
                    let mut buf = [0u8; 4];
                    memchr::memmem::find(hay, c.encode_utf8(&mut buf).as_bytes()).is_some()
                }))
    }
}

impl Needles {
    /// Whether `accept(start, end)` holds for some occurrence of a needle in `hay`. When a
    /// needle letter may also match a non-ASCII fold that occurs in `hay`, the positions are
    /// unknown: any match is accepted.
    pub fn any_match(&self, hay: &[u8], mut accept: impl FnMut(usize, usize) -> bool) -> bool {
        if self.fold_extras
            && FOLD_EXTRAS.iter().any(|c| {
                let mut buf = [0u8; 4];
                memchr::memmem::find(hay, c.encode_utf8(&mut buf).as_bytes()).is_some()
            })
        {
            return self.is_match(hay);
        }
        match &self.search {
            Search::Few(fs) => fs.iter().any(|f| {
                let n = f.needle().len();
                f.find_iter(hay).any(|at| accept(at, at + n))
            }),
            Search::Many(ac) => ac
                .find_overlapping_iter(hay)
                .any(|m| accept(m.start(), m.end())),
        }
    }
}

/// Whether some class in `hir` holds one of the [`FOLD_EXTRAS`].
fn has_fold_extras(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Class(Class::Unicode(u)) => u
            .ranges()
            .iter()
            .any(|r| FOLD_EXTRAS.iter().any(|&c| r.start() <= c && c <= r.end())),
        HirKind::Capture(c) => has_fold_extras(&c.sub),
        HirKind::Repetition(r) => has_fold_extras(&r.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(has_fold_extras),
        _ => false,
    }
}

/// Lower-case needles one of which every match of `pattern` contains, to be searched in the
/// [`Lowered`] text, or `None` when no such set can be derived.
pub fn for_regex(pattern: &str) -> Option<Needles> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut needles = required(&hir)?;
    if needles.iter().any(|n| n.len() < 3) {
        return None;
    }
    // a needle that contains another is implied by it
    needles.sort_by_key(|n| n.len());
    let mut kept: Vec<String> = Vec::new();
    for n in needles {
        if !kept.iter().any(|k| n.contains(k.as_str())) {
            kept.push(n);
        }
    }
    let search = if kept.len() <= 4 {
        Search::Few(
            kept.iter()
                .map(|n| memchr::memmem::Finder::new(n.as_bytes()).into_owned())
                .collect(),
        )
    } else {
        Search::Many(AhoCorasickBuilder::new().build(kept).ok()?)
    };
    Some(Needles {
        search,
        fold_extras: has_fold_extras(&hir),
    })
}

/// A set of lower-case literals, one of which every match of `hir` contains.
fn required(hir: &Hir) -> Option<Vec<String>> {
    match hir.kind() {
        HirKind::Literal(l) => {
            let s = std::str::from_utf8(&l.0).ok()?;
            Some(vec![s.to_ascii_lowercase()])
        }
        HirKind::Class(c) => single_char(c).map(|ch| vec![ch.to_string()]),
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Alternation(subs) => {
            let mut all = Vec::new();
            for s in subs {
                all.extend(required(s)?);
            }
            Some(all)
        }
        HirKind::Concat(subs) => {
            // candidates: runs of consecutive single characters, and sub-expressions
            let mut best: Option<Vec<String>> = None;
            let mut consider = |cand: Vec<String>| {
                let score = cand.iter().map(String::len).min().unwrap_or(0);
                let best_score = best
                    .as_ref()
                    .map(|b| b.iter().map(String::len).min().unwrap_or(0))
                    .unwrap_or(0);
                if score > best_score {
                    best = Some(cand);
                }
            };
            let mut run = String::new();
            for s in subs {
                match literal_text(s) {
                    Some(t) => run.push_str(&t),
                    None => {
                        if !run.is_empty() {
                            consider(vec![std::mem::take(&mut run)]);
                        }
                        if let Some(c) = required(s) {
                            consider(c);
                        }
                    }
                }
            }
            if !run.is_empty() {
                consider(vec![run]);
            }
            best
        }
        _ => None,
    }
}

/// The lower-case text of a literal or a one-letter case class (`[Nn]`).
fn literal_text(hir: &Hir) -> Option<String> {
    match hir.kind() {
        HirKind::Literal(l) => std::str::from_utf8(&l.0)
            .ok()
            .map(|s| s.to_ascii_lowercase()),
        HirKind::Class(c) => single_char(c).map(|ch| ch.to_string()),
        _ => None,
    }
}

/// `[Nn]` -> `n`; `[x]` -> `x`; anything wider -> None.
fn single_char(c: &Class) -> Option<char> {
    let mut chars: Vec<char> = Vec::new();
    match c {
        Class::Unicode(u) => {
            for r in u.ranges() {
                if (r.end() as u32 - r.start() as u32) > 2 {
                    return None;
                }
                let mut ch = r.start();
                loop {
                    chars.push(ch);
                    if ch == r.end() {
                        break;
                    }
                    ch = char::from_u32(ch as u32 + 1)?;
                }
            }
        }
        Class::Bytes(b) => {
            for r in b.ranges() {
                for x in r.start()..=r.end() {
                    chars.push(x as char);
                }
            }
        }
    }
    // every member must be an ASCII case variant of one letter, or one of the two non-ASCII
    // letters Unicode case folding adds (the Kelvin sign in `(?i)k`, the long s in `(?i)s`):
    // [`Needles::is_match`] says "maybe" for any text that holds one of those
    if !chars
        .iter()
        .all(|c| c.is_ascii() || FOLD_EXTRAS.contains(c))
    {
        return None;
    }
    let ascii: Vec<char> = chars.iter().filter(|c| c.is_ascii()).copied().collect();
    let first = ascii.first()?.to_ascii_lowercase();
    if ascii.iter().all(|c| c.to_ascii_lowercase() == first) {
        Some(first)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needles(p: &str) -> Option<Vec<String>> {
        let hir = regex_syntax::Parser::new().parse(p).ok()?;
        required(&hir)
    }

    #[test]
    fn required_literals() {
        assert_eq!(
            needles(
                r"(?i)no routing logic|\bRO (makes|handles|owns) (all )?routing|routing (is|was) (moved|removed)|pure executor"
            ),
            Some(vec![
                "no routing logic".into(),
                "routing".into(),
                "routing ".into(),
                "pure executor".into()
            ])
        );
        assert_eq!(
            needles(r"(?i)\bskip(details|reason)\b"),
            Some(vec!["details".into(), "reason".into()])
        );
        assert_eq!(needles(r"\w+"), None);
        assert_eq!(needles(r"a|\d"), None);
    }

    #[test]
    fn regex_prefilter_never_rejects_a_match() {
        let cases = [
            (
                r"(?i)no routing logic|pure executor",
                "// V1.0: NO ROUTING LOGIC here",
            ),
            (r"(?i)\bskip(details|reason)\b", "  SkipDetails:"),
            (r"(?i)\b(skip_?details|backoff_?config)\b", "backoffConfig:"),
        ];
        for (p, text) in cases {
            let re = regex::Regex::new(p).unwrap();
            assert!(re.is_match(text));
            let pre = for_regex(p).expect("has a prefilter");
            assert!(Lowered::with(text, |l| pre.is_match(l)), "{p} on {text}");
        }
        let pre = for_regex(r"(?i)no routing logic").unwrap();
        assert!(!Lowered::with("routing happens", |l| pre.is_match(l)));
        // Unicode case folding: (?i)s matches the long s, (?i)k the Kelvin sign
        let re = regex::Regex::new(r"(?i)skipreason").unwrap();
        let text = "a: \u{17F}kipReason";
        assert!(re.is_match(text));
        assert!(Lowered::with(text, |l| for_regex(re.as_str())
            .unwrap()
            .is_match(l)));
    }

    #[test]
    fn name_prefilter_catches_every_spelling() {
        let pre = for_names(
            ["check_cooldown", "find_most_recent_terminal_wfe"].into_iter(),
            Naming::Words,
        )
        .unwrap();
        for t in [
            "CheckCooldown(",
            "check_cooldown",
            "CHECKCOOLDOWN",
            "x.FindMostRecentTerminalWFE",
            "CHECK__COOLDOWN",
        ] {
            assert!(Lowered::with(t, |l| pre.is_match(l)), "{t}");
        }
        assert!(!Lowered::with("cool down", |l| pre.is_match(l)));
        let exact = for_names(["CheckCooldown"].into_iter(), Naming::Exact).unwrap();
        assert!(!exact.is_match(b"check_cooldown"));
        assert!(exact.is_match(b"CheckCooldown"));
    }
}
