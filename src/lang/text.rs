//! Front-end for files without a syntax tree: YAML and any other text in scope.
//!
//! It only separates comments from the rest, so `forbid-pattern` can tell documentation from
//! data. YAML comments start with `#` at the start of a line or after white space, outside quotes.

use super::{FileFacts, TextKind, TextRegion};

/// The comments of a YAML file.
pub fn extract_yaml(src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        if let Some(at) = yaml_comment_start(line) {
            let end = offset + line.trim_end_matches(['\n', '\r']).len();
            facts.text.push(TextRegion {
                kind: TextKind::Comment,
                start: offset + at,
                end,
                test: false,
            });
        }
        offset += line.len();
    }
    facts
}

/// Byte offset of a `#` comment in one YAML line, if any.
fn yaml_comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<u8> = None;
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(b'"') if c == b'\\' => i += 1,
            Some(q) if c == q => {
                // '' is an escaped quote inside a single-quoted scalar
                if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    i += 1;
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => match c {
                b'#' if i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t' => return Some(i),
                b'"' | b'\''
                    if i == 0
                        || matches!(b[i - 1], b' ' | b'\t' | b':' | b'[' | b'{' | b',' | b'-') =>
                {
                    quote = Some(c)
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments(src: &str) -> Vec<&str> {
        extract_yaml(src)
            .text
            .iter()
            .map(|r| &src[r.start..r.end])
            .collect()
    }

    #[test]
    fn yaml_comments() {
        let src =
            "# head\nkey: value # tail\nurl: http://x#frag\nq: \"a # b\" # real\ns: 'it''s # no'\n";
        assert_eq!(comments(src), ["# head", "# tail", "# real"]);
    }

    #[test]
    fn other_text_has_no_comments() {
        let text = crate::lang::Lang::Text.front();
        assert!(text.extract("# not a comment here\n").text.is_empty());
    }
}
