//! Language front-ends: source text in, [`FileFacts`] out.
//!
//! This module owns the occurrence model shared by every language (kinds, spans, functions,
//! calls, comment and string regions). No parser type (tree-sitter, syn) leaves `lang/`:
//! the engine sees only strings, spans and byte ranges.

pub mod go;
pub mod golex;
pub mod rust;
pub mod text;

use serde::Serialize;
use std::path::Path;

use crate::span::Span;

/// Languages routeaudit knows how to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Go,
    Rust,
    Yaml,
    Text,
}

impl Lang {
    pub fn from_path(path: &Path) -> Lang {
        match path.extension().and_then(|e| e.to_str()) {
            Some("go") => Lang::Go,
            Some("rs") => Lang::Rust,
            Some("yaml") | Some("yml") => Lang::Yaml,
            _ => Lang::Text,
        }
    }

    /// Whether the front-end builds a syntax tree (symbols, calls) for this language.
    pub fn is_parsed(self) -> bool {
        matches!(self, Lang::Go | Lang::Rust)
    }

    /// The line-comment marker used by suppressions in this language.
    pub fn line_comment(self) -> &'static str {
        match self {
            Lang::Go | Lang::Rust => "//",
            Lang::Yaml | Lang::Text => "#",
        }
    }
}

/// What an identifier occurrence is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OccKind {
    Func,
    Method,
    Type,
    Field,
    Variant,
    Const,
    Var,
    Call,
    Reference,
    Comment,
    String,
}

impl OccKind {
    pub const ALL: [OccKind; 11] = [
        OccKind::Func,
        OccKind::Method,
        OccKind::Type,
        OccKind::Field,
        OccKind::Variant,
        OccKind::Const,
        OccKind::Var,
        OccKind::Call,
        OccKind::Reference,
        OccKind::Comment,
        OccKind::String,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OccKind::Func => "func",
            OccKind::Method => "method",
            OccKind::Type => "type",
            OccKind::Field => "field",
            OccKind::Variant => "variant",
            OccKind::Const => "const",
            OccKind::Var => "var",
            OccKind::Call => "call",
            OccKind::Reference => "reference",
            OccKind::Comment => "comment",
            OccKind::String => "string",
        }
    }

    pub fn parse(s: &str) -> Option<OccKind> {
        OccKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    pub fn is_declaration(self) -> bool {
        matches!(
            self,
            OccKind::Func
                | OccKind::Method
                | OccKind::Type
                | OccKind::Field
                | OccKind::Variant
                | OccKind::Const
                | OccKind::Var
        )
    }

    pub fn is_text(self) -> bool {
        matches!(self, OccKind::Comment | OccKind::String)
    }

    /// A bit for [`KindSet`].
    pub fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of occurrence kinds, as written in a rule's `in = [...]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct KindSet(pub u16);

impl KindSet {
    pub fn contains(self, k: OccKind) -> bool {
        self.0 & k.bit() != 0
    }
    pub fn insert(&mut self, k: OccKind) {
        self.0 |= k.bit();
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The kinds or groups (`declaration`, `use`, `code`, `text`, `any`) named by `s`.
    pub fn from_name(s: &str) -> Option<KindSet> {
        let mut set = KindSet::default();
        match s {
            "declaration" => OccKind::ALL
                .iter()
                .filter(|k| k.is_declaration())
                .for_each(|k| set.insert(*k)),
            "use" => {
                set.insert(OccKind::Call);
                set.insert(OccKind::Reference);
            }
            "code" => OccKind::ALL
                .iter()
                .filter(|k| !k.is_text())
                .for_each(|k| set.insert(*k)),
            "text" => {
                set.insert(OccKind::Comment);
                set.insert(OccKind::String);
            }
            "any" => OccKind::ALL.iter().for_each(|k| set.insert(*k)),
            other => set.insert(OccKind::parse(other)?),
        }
        Some(set)
    }
    pub fn union(self, other: KindSet) -> KindSet {
        KindSet(self.0 | other.0)
    }
    pub fn has_code(self) -> bool {
        OccKind::ALL
            .iter()
            .any(|k| !k.is_text() && self.contains(*k))
    }
    pub fn has_text(self) -> bool {
        self.contains(OccKind::Comment) || self.contains(OccKind::String)
    }
}

/// One identifier in code, with its kind and exact span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub name: String,
    pub kind: OccKind,
    pub span: Span,
    /// Index into [`FileFacts::functions`] of the innermost named function around it.
    pub function: Option<usize>,
    /// Inside test code (a `_test.go` file, a `#[cfg(test)]` module, a `#[test]` function).
    pub test: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FnKind {
    Func,
    Method,
}

impl FnKind {
    pub fn occ(self) -> OccKind {
        match self {
            FnKind::Func => OccKind::Func,
            FnKind::Method => OccKind::Method,
        }
    }
}

/// A call (or a function value passed on) made inside a function body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The last path segment or selector name: `f` in `f()`, `x.f()`, `pkg.f()`, `Self::f()`.
    pub callee: String,
    pub span: Span,
    /// `Some(q)` when written with a qualifier: `x` in `x.f()`, `Self` in `Self::f()`,
    /// `pkg` in `pkg.F()`. A call on the method's own receiver (Go `r.f()` inside
    /// `func (r *R)`, Rust `self.f()`) has the qualifier `self`.
    pub qualifier: Option<String>,
    /// A function or method value (`f` passed as an argument, `x.f` without a call).
    pub value: bool,
    /// Written in method syntax (`x.f()`, Go `pkg.F()` alike): never a free function of
    /// this unit. `false` for plain and path calls (`f()`, `module::f()`, `T::f()`).
    pub method: bool,
}

/// A named function or method with its body's extent and the calls it makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    pub kind: FnKind,
    /// Receiver / self type for methods (`Reconciler` for `func (r *Reconciler) f()`).
    pub receiver: Option<String>,
    /// The whole declaration, from its first line (doc comments excluded) to its closing brace.
    pub span: Span,
    /// The name token.
    pub name_span: Span,
    pub calls: Vec<Call>,
    pub test: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextKind {
    Comment,
    String,
}

impl TextKind {
    pub fn occ(self) -> OccKind {
        match self {
            TextKind::Comment => OccKind::Comment,
            TextKind::String => OccKind::String,
        }
    }
}

/// A comment or string literal, as a byte range of the source (delimiters included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextRegion {
    pub kind: TextKind,
    pub start: usize,
    pub end: usize,
    pub test: bool,
}

/// A problem met while reading a file that does not stop the audit (e.g. a syntax error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseWarning {
    pub line: u32,
    pub message: String,
}

/// Everything a front-end learned about one file.
#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    pub occurrences: Vec<Occurrence>,
    pub functions: Vec<Function>,
    /// Comments and strings, sorted by start offset, non-overlapping.
    pub text: Vec<TextRegion>,
    pub warnings: Vec<ParseWarning>,
    /// The whole file is test code.
    pub test: bool,
    /// The file says it is generated (`Code generated ... DO NOT EDIT.`).
    pub generated: bool,
}

/// Whether `path` (relative, `/`-separated) is test code by its name alone.
pub fn is_test_path(lang: Lang, rel: &str) -> bool {
    match lang {
        Lang::Go => rel.ends_with("_test.go"),
        Lang::Rust => rel
            .split('/')
            .rev()
            .skip(1)
            .any(|c| c == "tests" || c == "benches"),
        _ => false,
    }
}

/// Reads one file with the front-end of its language.
pub fn extract(lang: Lang, rel: &str, src: &str) -> FileFacts {
    let facts = match lang {
        Lang::Go => go::extract(src),
        Lang::Rust => rust::extract(src),
        Lang::Yaml | Lang::Text => text::extract(lang, src),
    };
    finish(facts, lang, rel, src)
}

/// The comment and string regions of a parsed language without the syntax tree, when a cheap
/// lexer exists for it (Go; Rust files without test attributes). The engine uses it for files
/// where listed names occur only in text.
pub fn text_only(lang: Lang, rel: &str, src: &str) -> Option<FileFacts> {
    let text = match lang {
        Lang::Go => golex::text_regions(src),
        // test flags in Rust come from attributes, which only the parse sees
        // `None`: the lexer is unsure of its regions, the file must be parsed
        Lang::Rust if !has_test_attribute(src) => rust::text_regions(src)?,
        _ => return None,
    };
    Some(finish(
        FileFacts {
            text,
            ..FileFacts::default()
        },
        lang,
        rel,
        src,
    ))
}

/// Whether a Rust file may hold `#[test]`, `#[tokio::test]`, `#[cfg(test)]` or the like: an
/// attribute (up to its first `]`, over as many lines as it takes) that mentions `test`.
fn has_test_attribute(src: &str) -> bool {
    src.match_indices('#').any(|(i, _)| {
        let rest = src[i + 1..].trim_start_matches('!');
        rest.starts_with('[')
            && rest[1..]
                .split(']')
                .next()
                .is_some_and(|attr| attr.contains("test"))
    })
}

fn finish(mut facts: FileFacts, lang: Lang, rel: &str, src: &str) -> FileFacts {
    if is_test_path(lang, rel) {
        facts.test = true;
        facts.occurrences.iter_mut().for_each(|o| o.test = true);
        facts.functions.iter_mut().for_each(|f| f.test = true);
        facts.text.iter_mut().for_each(|t| t.test = true);
    }
    facts.generated = is_generated(src);
    facts
}

/// The Go convention (`^// Code generated .* DO NOT EDIT\.$`), also used by Rust generators.
pub fn is_generated(src: &str) -> bool {
    src.lines().take(50).any(|l| {
        let l = l.trim_end();
        (l.starts_with("// Code generated ") || l.starts_with("//! Code generated "))
            && l.ends_with("DO NOT EDIT.")
    })
}

/// Whether `c` continues an identifier-like word: a letter or digit of any script, or `_`.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Identifier-like words of `text` (maximal runs of [`is_word_char`] that do not start with a
/// digit: `10ms` and `0x1f` are numbers), as byte ranges relative to it. The one definition of
/// a word: mentions in comments and strings, and the prefilter's check around a name hit.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut it = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some((start, c)) = it.next() {
            if !is_word_char(c) {
                continue;
            }
            let mut end = start + c.len_utf8();
            while let Some(&(i, n)) = it.peek() {
                if !is_word_char(n) {
                    break;
                }
                end = i + n.len_utf8();
                it.next();
            }
            if !c.is_numeric() {
                return Some((start, end));
            }
        }
        None
    })
}

/// The word of `text` that contains bytes `start..end` (char boundaries): the range widened
/// over word characters on both sides.
pub fn word_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = text[..start]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map_or(start, |(i, _)| i);
    let e = text[end..]
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(text.len(), |(i, _)| end + i);
    (s, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_punctuation() {
        let t = "// http://x/check_cooldown, CheckCooldown() 10ms “MarkSkipped” café_x Übercheck’s";
        let w: Vec<&str> = words(t).map(|(s, e)| &t[s..e]).collect();
        assert_eq!(
            w,
            [
                "http",
                "x",
                "check_cooldown",
                "CheckCooldown",
                "MarkSkipped",
                "café_x",
                "Übercheck",
                "s"
            ]
        );
    }

    #[test]
    fn word_around_a_hit() {
        let t = "see “CheckCooldown” and xCheckCooldownActive";
        let at = t.find("Check").unwrap();
        let (s, e) = word_around(t, at, at + 5);
        assert_eq!(&t[s..e], "CheckCooldown");
        let at = t.rfind("Cooldown").unwrap();
        let (s, e) = word_around(t, at, at + 8);
        assert_eq!(&t[s..e], "xCheckCooldownActive");
    }

    #[test]
    fn kind_groups() {
        let code = KindSet::from_name("code").unwrap();
        assert!(code.contains(OccKind::Call) && !code.contains(OccKind::Comment));
        let decl = KindSet::from_name("declaration").unwrap();
        assert!(decl.contains(OccKind::Variant) && !decl.contains(OccKind::Reference));
        assert!(KindSet::from_name("nonsense").is_none());
    }

    #[test]
    fn test_attributes_over_several_lines() {
        assert!(has_test_attribute(
            "#[cfg(all(\n    feature = \"slow\",\n    test\n))]\nmod m {}"
        ));
        assert!(has_test_attribute("#![cfg(test)]"));
        assert!(has_test_attribute("#[tokio::test]\nasync fn t() {}"));
        assert!(!has_test_attribute("#[derive(Debug)]\nstruct Test;"));
    }

    #[test]
    fn test_paths() {
        assert!(is_test_path(Lang::Go, "a/b_test.go"));
        assert!(!is_test_path(Lang::Go, "a/test.go"));
        assert!(is_test_path(Lang::Rust, "tests/it.rs"));
        assert!(is_test_path(Lang::Rust, "crate/benches/b.rs"));
        assert!(!is_test_path(Lang::Rust, "src/tests.rs"));
    }

    #[test]
    fn generated_header() {
        assert!(is_generated(
            "// Code generated by controller-gen. DO NOT EDIT.\npackage v1\n"
        ));
        assert!(!is_generated("// Code generated by hand\npackage v1\n"));
    }
}
