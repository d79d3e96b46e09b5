//! Front-end for files without a syntax tree: YAML and any other text in scope.
//!
//! It only separates comments from the rest, so `forbid-pattern` can tell documentation from
//! data and `routeaudit:allow` directives are read from comments only. A YAML comment starts
//! with `#` at the start of a line or after white space, outside quoted scalars (which may
//! span lines) and outside block scalars (`key: |` or `key: >` and the more-indented lines
//! below it), whose content is data however much it looks like a comment. Lines end at
//! `\r\n`, `\n` or a lone `\r`, as everywhere in routeaudit ([`crate::span::lines_inclusive`]).

use super::{FileFacts, TextKind, TextRegion};

/// The comments of a YAML file.
pub fn extract_yaml(src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let mut state = State::Plain;
    let mut offset = 0;
    for raw in crate::span::lines_inclusive(src) {
        let line = raw.trim_end_matches(['\n', '\r']);
        let (comment, next) = scan_line(line, state);
        if let Some(at) = comment {
            facts.text.push(TextRegion {
                kind: TextKind::Comment,
                start: offset + at,
                end: offset + line.len(),
                test: false,
            });
        }
        state = next;
        offset += raw.len();
    }
    facts
}

/// What the previous lines leave open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Plain,
    /// A quoted scalar (`'` or `"`) that has not been closed yet.
    Quoted(u8),
    /// A block scalar: its lines are indented more than `owner` (the column of the key or
    /// `-` that owns it; -1 at the top level); `indent` is the content indentation, from an
    /// indentation indicator or the first non-empty line.
    Block {
        owner: isize,
        indent: Option<usize>,
    },
}

/// The comment of one line (its byte offset), given what earlier lines left open, and what
/// this line leaves open.
fn scan_line(line: &str, state: State) -> (Option<usize>, State) {
    let ind = line.len() - line.trim_start_matches(' ').len();
    match state {
        State::Block { owner, indent } => {
            if line.trim().is_empty() {
                return (None, state);
            }
            match indent {
                None if ind as isize > owner => {
                    let indent = Some(ind);
                    (None, State::Block { owner, indent })
                }
                Some(c) if ind >= c => (None, state),
                // less indented: the block scalar has ended; this line is read afresh
                _ => scan_plain(line, ind, None),
            }
        }
        State::Quoted(q) => scan_plain(line, ind, Some(q)),
        State::Plain => scan_plain(line, ind, None),
    }
}

/// Reads a line outside block scalars (possibly starting inside a quoted scalar `open`).
fn scan_plain(line: &str, ind: usize, open: Option<u8>) -> (Option<usize>, State) {
    let b = line.as_bytes();
    let is_space = |i: usize| b.get(i).is_none_or(|c| matches!(c, b' ' | b'\t'));
    let mut quote = open;
    // whether a node may start here: a quote or `|`/`>` here opens a scalar
    let mut node_start = open.is_none();
    // the column of the key or `-` the next value belongs to
    let mut owner = ind as isize - 1;
    let mut key_col = ind as isize;
    let mut flow = 0usize;
    let mut block: Option<Option<usize>> = None;
    let mut comment = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if q == b'"' && c == b'\\' {
                i += 2;
                continue;
            }
            if c == q {
                // '' is an escaped quote inside a single-quoted scalar
                if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                quote = None;
            }
            i += 1;
            continue;
        }
        match c {
            b' ' | b'\t' => {
                i += 1;
                continue;
            }
            b'#' if i == 0 || is_space(i - 1) => {
                comment = Some(i);
                break;
            }
            _ => {}
        }
        if node_start {
            match c {
                b'"' | b'\'' => {
                    quote = Some(c);
                    key_col = i as isize;
                    node_start = false;
                    i += 1;
                    continue;
                }
                b'|' | b'>' => {
                    let mut j = i + 1;
                    let mut digit = None;
                    while j < b.len() && j <= i + 2 && matches!(b[j], b'1'..=b'9' | b'+' | b'-') {
                        if b[j].is_ascii_digit() {
                            digit = Some(usize::from(b[j] - b'0'));
                        }
                        j += 1;
                    }
                    if is_space(j) {
                        block = Some(digit.map(|d| (owner + d as isize).max(0) as usize));
                        node_start = false;
                        i = j;
                        continue;
                    }
                }
                b'-' if i == 0 && line.starts_with("---") && is_space(3) => {
                    owner = -1;
                    i = 3;
                    continue;
                }
                b'-' | b'?' | b':' if is_space(i + 1) => {
                    owner = i as isize;
                    i += 1;
                    continue;
                }
                b'&' | b'!' => {
                    // an anchor or a tag: the node itself follows
                    while i < b.len() && !is_space(i) {
                        i += 1;
                    }
                    continue;
                }
                b'[' | b'{' => {
                    flow += 1;
                    i += 1;
                    continue;
                }
                _ => {}
            }
            key_col = i as isize;
            node_start = false;
        }
        // inside a plain scalar, or after a quoted one
        match c {
            b':' if is_space(i + 1)
                || (flow > 0 && matches!(b.get(i + 1), Some(b',' | b']' | b'}'))) =>
            {
                owner = key_col;
                node_start = true;
            }
            b',' if flow > 0 => node_start = true,
            b']' | b'}' if flow > 0 => flow -= 1,
            _ => {}
        }
        i += 1;
    }
    let next = match (quote, block) {
        (Some(q), _) => State::Quoted(q),
        (None, Some(indent)) => State::Block { owner, indent },
        (None, None) => State::Plain,
    };
    (comment, next)
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
    fn block_scalars_are_data() {
        let src = "\
a:
  script: | # header comment
    echo 1 # not a comment
    # not a comment either

    done
  # a comment again
  folded: >-
      text # data
     # less indented than the first line: ends the scalar
  seq:
  - |
    # data
  - x # comment
  - key: |
      # data
    other: 1 # comment
top: |2
   # data (indicator: content at 2)
  # data
# end
";
        assert_eq!(
            comments(src),
            [
                "# header comment",
                "# a comment again",
                "# less indented than the first line: ends the scalar",
                "# comment",
                "# comment",
                "# end"
            ]
        );
    }

    #[test]
    fn an_empty_block_scalar_ends_at_the_next_key() {
        let src = "- key: |\n  other: x # comment\n";
        assert_eq!(comments(src), ["# comment"]);
        let src = "k: |\n# top comment\nj: 1\n";
        assert_eq!(comments(src), ["# top comment"]);
    }

    #[test]
    fn quoted_scalars_span_lines() {
        let src = "\
a: \"first line
  # inside the double-quoted scalar
  \\\" still # inside\" # after it
b: 'one
  # inside the single-quoted scalar ''
  end' # after
c: don 't # a quote inside a plain scalar is a character
d: &anchor !!str | # header
  # data
e: [a, 'b # c', \"d\"] # flow
";
        assert_eq!(
            comments(src),
            [
                "# after it",
                "# after",
                "# a quote inside a plain scalar is a character",
                "# header",
                "# flow"
            ]
        );
    }

    #[test]
    fn plain_text_after_a_bar_is_no_block_scalar() {
        let src = "a: x | y\n# c\nb: |x\n# d\n";
        assert_eq!(comments(src), ["# c", "# d"]);
    }

    #[test]
    fn lines_end_at_a_lone_carriage_return() {
        let src = "a: 1 # one\rb: |\r  # data\rc: 2 # two\r";
        assert_eq!(comments(src), ["# one", "# two"]);
        let crlf = "a: 1 # one\r\nb: |\r\n  # data\r\nc: 2 # two\r\n";
        assert_eq!(comments(crlf), ["# one", "# two"]);
    }

    #[test]
    fn other_text_has_no_comments() {
        let text = crate::lang::Lang::Text.front();
        assert!(
            text.extract("# not a comment here\n", &crate::lang::Want::ALL)
                .text
                .is_empty()
        );
    }
}
