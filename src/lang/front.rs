//! The [`FrontEnd`] of each language: Go (tree-sitter-go), Rust (syn), YAML (comment scanner)
//! and any other text in scope (nothing but the bytes).
//!
//! Owns the per-language rules that are not parsing: which paths are test code, which files
//! form a call-graph unit, which comments may carry a suppression. The parsers themselves
//! live in their own modules.

use super::{FileFacts, FrontEnd, Function, Want, go, golex, rust, text};

pub(super) struct Go;
pub(super) struct Rust;
pub(super) struct Yaml;
pub(super) struct Text;

/// The directory of `rel` (`""` at the root).
fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

impl FrontEnd for Go {
    fn extract(&self, src: &str, want: &Want) -> FileFacts {
        FileFacts {
            parsed: true,
            ..go::extract_for(src, want)
        }
    }

    /// `None` when the lexer cannot vouch for the parser's regions (an unterminated comment
    /// or literal, unbalanced brackets): the file is parsed instead.
    fn lex(&self, src: &str) -> Option<FileFacts> {
        Some(FileFacts {
            text: golex::text_regions(src)?,
            ..FileFacts::default()
        })
    }

    fn reads_code(&self) -> bool {
        true
    }

    fn is_test_path(&self, rel: &str) -> bool {
        rel.ends_with("_test.go")
    }

    /// The package: the file's directory.
    fn unit_of(&self, rel: &str) -> String {
        dir_of(rel).to_string()
    }

    fn comment_markers(&self) -> &'static [&'static str] {
        &["//", "/*"]
    }

    fn declarations(&self, src: &str) -> Option<Vec<Function>> {
        Some(go::declarations(src))
    }
}

impl FrontEnd for Rust {
    fn extract(&self, src: &str, want: &Want) -> FileFacts {
        FileFacts {
            parsed: true,
            ..rust::extract_for(src, want)
        }
    }

    /// Test flags in Rust come from attributes, which only the parse sees: a file that may
    /// hold one is read whole.
    fn lex(&self, src: &str) -> Option<FileFacts> {
        if has_test_attribute(src) {
            return None;
        }
        // `None`: the lexer is unsure of its regions, the file must be parsed
        Some(FileFacts {
            text: rust::text_regions(src)?,
            ..FileFacts::default()
        })
    }

    fn reads_code(&self) -> bool {
        true
    }

    /// A file under a crate's `tests` or `benches` directory. A file under a `src` directory
    /// is production code by its path, whatever directories hold the crate (a `src/tests/`
    /// module without `#[cfg(test)]`, a crate kept under some `tests/` folder): only its
    /// attributes make it test code.
    fn is_test_path(&self, rel: &str) -> bool {
        let dirs: Vec<&str> = dir_of(rel).split('/').collect();
        !dirs.contains(&"src") && dirs.iter().any(|c| *c == "tests" || *c == "benches")
    }

    /// The crate: the directory before `src/`, `tests/`, `benches/` or `examples/`.
    fn unit_of(&self, rel: &str) -> String {
        let dir = dir_of(rel);
        let parts: Vec<&str> = dir.split('/').collect();
        match parts
            .iter()
            .rposition(|c| matches!(*c, "src" | "tests" | "benches" | "examples"))
        {
            Some(i) => parts[..i].join("/"),
            None => dir.to_string(),
        }
    }

    fn comment_markers(&self) -> &'static [&'static str] {
        &["//", "/*"]
    }

    /// Exact, test flags included: the items whose functions carry attributes are parsed.
    fn declarations(&self, src: &str) -> Option<Vec<Function>> {
        Some(rust::declarations(src))
    }
}

impl FrontEnd for Yaml {
    fn extract(&self, src: &str, _want: &Want) -> FileFacts {
        text::extract_yaml(src)
    }

    /// The comment scanner is the whole reading.
    fn lex(&self, src: &str) -> Option<FileFacts> {
        Some(self.extract(src, &Want::ALL))
    }

    fn reads_code(&self) -> bool {
        false
    }

    fn is_test_path(&self, _rel: &str) -> bool {
        false
    }

    fn unit_of(&self, rel: &str) -> String {
        dir_of(rel).to_string()
    }

    fn comment_markers(&self) -> &'static [&'static str] {
        &["#"]
    }

    fn declarations(&self, _src: &str) -> Option<Vec<Function>> {
        Some(Vec::new())
    }
}

impl FrontEnd for Text {
    /// Nothing but the bytes: `forbid-pattern` and `forbid-file` apply.
    fn extract(&self, _src: &str, _want: &Want) -> FileFacts {
        FileFacts::default()
    }

    fn lex(&self, _src: &str) -> Option<FileFacts> {
        Some(FileFacts::default())
    }

    fn reads_code(&self) -> bool {
        false
    }

    fn is_test_path(&self, _rel: &str) -> bool {
        false
    }

    fn unit_of(&self, rel: &str) -> String {
        dir_of(rel).to_string()
    }

    fn comment_markers(&self) -> &'static [&'static str] {
        &["#"]
    }

    fn declarations(&self, _src: &str) -> Option<Vec<Function>> {
        Some(Vec::new())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(Go.is_test_path("a/b_test.go"));
        assert!(!Go.is_test_path("a/test.go"));
        assert!(Rust.is_test_path("tests/it.rs"));
        assert!(Rust.is_test_path("crate/benches/b.rs"));
        assert!(Rust.is_test_path("crate/tests/common/mod.rs"));
        // a crate kept under a folder named `tests`: its src/ is production code
        assert!(!Rust.is_test_path("tests/fixtures/x/src/lib.rs"));
        assert!(!Rust.is_test_path("rules/tests/pack/rust/src/lib.rs"));
        assert!(!Rust.is_test_path("src/tests.rs"));
        // a `tests` module directory inside src/ is production code unless cfg(test) says so
        assert!(!Rust.is_test_path("src/tests/helpers.rs"));
        assert!(!Rust.is_test_path("crates/a/src/tests/mod.rs"));
    }

    #[test]
    fn call_graph_units() {
        assert_eq!(Go.unit_of("internal/we/a.go"), "internal/we");
        assert_eq!(Rust.unit_of("crates/a/src/x/y.rs"), "crates/a");
        assert_eq!(Rust.unit_of("src/main.rs"), "");
    }
}
