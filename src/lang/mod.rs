//! Language front-ends: source text in, [`FileFacts`] out.
//!
//! This module owns the occurrence model shared by every language (kinds, spans, functions,
//! calls, comment and string regions). No parser type (tree-sitter, syn) leaves `lang/`:
//! the engine sees only strings, spans and byte ranges.

mod front;
pub mod go;
pub mod golex;
pub mod rust;
#[cfg(test)]
pub(crate) mod testutil;
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

    /// The front-end that reads this language.
    pub fn front(self) -> &'static dyn FrontEnd {
        match self {
            Lang::Go => &front::Go,
            Lang::Rust => &front::Rust,
            Lang::Yaml => &front::Yaml,
            Lang::Text => &front::Text,
        }
    }
}

/// Everything language-specific behind one interface: the engine, the pipeline and the
/// suppression scanner ask the front-end, never the language.
pub trait FrontEnd: Sync {
    /// Reads the file as far as `want` asks: occurrences, functions with their calls,
    /// comments and strings. `facts.parsed` says whether a syntax tree was built.
    fn extract(&self, src: &str, want: &Want) -> FileFacts;

    /// Comments and strings only, from a cheap lexer; `None` when the language has none or
    /// the lexer is unsure of this file (then the engine reads it whole).
    fn lex(&self, src: &str) -> Option<FileFacts>;

    /// Whether identifiers outside comments and strings are read (symbol rules apply).
    fn reads_code(&self) -> bool;

    /// Whether `rel` (relative, `/`-separated) is test code by its path alone.
    fn is_test_path(&self, rel: &str) -> bool;

    /// The call-graph unit of a file: calls resolve by name within it.
    fn unit_of(&self, rel: &str) -> String;

    /// The comment openers a `routeaudit:allow` directive may start with.
    fn comment_markers(&self) -> &'static [&'static str];

    /// The functions and methods of the file with their extents and test flags, without
    /// their calls, agreeing with [`FrontEnd::extract`]'s functions, and cheaper: Go scans
    /// tokens outside function bodies; Rust reads at token level every item whose test flags
    /// tokens settle and parses the others. `None` when the front-end has no such reading
    /// (then the file is parsed).
    fn declarations(&self, src: &str) -> Option<Vec<Function>>;
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
    /// A syntax tree was built (not only comments and strings).
    pub parsed: bool,
}

/// What a reader of a file needs of it. A front-end may read less than the whole file when
/// `at` or `keep` allow, but what it returns must equal the whole read restricted to them.
#[derive(Clone, Copy, Default)]
pub struct Want<'a> {
    /// Byte offsets of the names that matter: only the declarations (Go top-level
    /// declarations, Rust items) that hold one need their occurrences and calls. `None`: every
    /// declaration. Every function is listed whatever `at` says (with its extent, if not its
    /// calls), so enclosing functions stay known.
    pub at: Option<&'a [usize]>,
    /// The occurrences to keep, by name; `None`: every occurrence. `Sync`: a front-end may
    /// read the file on a thread of its own.
    pub keep: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
}

impl Want<'_> {
    /// The whole reading.
    pub const ALL: Want<'static> = Want {
        at: None,
        keep: None,
    };

    /// Whether an occurrence named `name` is kept.
    pub fn keeps(&self, name: &str) -> bool {
        self.keep.is_none_or(|k| k(name))
    }

    /// Whether a declaration spanning bytes `start..end` must be read.
    pub fn reads(&self, start: usize, end: usize) -> bool {
        self.at.is_none_or(|at| {
            let i = at.partition_point(|&a| a < start);
            at.get(i).is_some_and(|&a| a < end)
        })
    }
}

/// Reads one file whole with the front-end of its language.
pub fn extract(lang: Lang, rel: &str, src: &str) -> FileFacts {
    extract_for(lang, rel, src, &Want::ALL)
}

/// Reads one file with the front-end of its language as far as `want` asks.
pub fn extract_for(lang: Lang, rel: &str, src: &str, want: &Want) -> FileFacts {
    let front = lang.front();
    finish(front.extract(src, want), front, rel, src)
}

/// The comment and string regions of a file without a full read, when its front-end has a
/// cheap lexer and the lexer is sure of this file. The engine uses it for files where listed
/// names occur only in text.
pub fn text_only(lang: Lang, rel: &str, src: &str) -> Option<FileFacts> {
    let front = lang.front();
    front.lex(src).map(|facts| finish(facts, front, rel, src))
}

fn finish(mut facts: FileFacts, front: &dyn FrontEnd, rel: &str, src: &str) -> FileFacts {
    if front.is_test_path(rel) {
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
    fn generated_header() {
        assert!(is_generated(
            "// Code generated by controller-gen. DO NOT EDIT.\npackage v1\n"
        ));
        assert!(!is_generated("// Code generated by hand\npackage v1\n"));
    }
}
