//! The document's inline Markdown: escaping of free text (with the code spans it quotes kept
//! as code), code spans safe whatever they hold, table cells, and links to files relative to
//! the document's own location.
//!
//! Owns every byte of inline syntax the document writes; the sections only arrange it.

/// An inline code span for `s`, safe whatever backticks it holds. Line breaks become spaces
/// (a code span cannot hold one).
pub(crate) fn code(s: &str) -> String {
    if s.is_empty() {
        return "` `".into();
    }
    if !s.contains(['`', '\n', '\r', ' ']) {
        return format!("`{s}`");
    }
    let s = one_line(s);
    let fence = "`".repeat(longest_run(&s, '`') + 1);
    if s.starts_with('`') || s.ends_with('`') || (s.starts_with(' ') && s.ends_with(' ')) {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// Any inline Markdown made fit for a table cell: GFM splits cells at `|` before it reads
/// code spans, so every `|` not already escaped is escaped, inside code spans too.
pub(super) fn in_cell(md: &str) -> String {
    if !md.contains('|') {
        return md.to_string();
    }
    let mut out = String::with_capacity(md.len() + 4);
    let mut escaped = false;
    for c in md.chars() {
        if c == '|' && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out
}

/// A code span inside a table cell.
pub(super) fn code_cell(s: &str) -> String {
    in_cell(&code(s))
}

/// Free text inside a table cell: line breaks become `<br>`.
pub(super) fn cell(s: &str) -> String {
    in_cell(
        &text(&s.replace("\r\n", "\n").replace('\r', "\n"))
            .split('\n')
            .collect::<Vec<_>>()
            .join("<br>"),
    )
}

/// A source line quoted in a table cell, trimmed.
pub(super) fn excerpt_cell(s: &str) -> String {
    let t = s.trim();
    if t.is_empty() {
        "—".into()
    } else {
        code_cell(t)
    }
}

pub(super) fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for ch in s.chars() {
        if ch == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

fn one_line(s: &str) -> String {
    if s.contains(['\n', '\r']) {
        s.replace("\r\n", " ").replace(['\n', '\r'], " ")
    } else {
        s.to_string()
    }
}

/// Free text with Markdown's inline syntax neutralised; line breaks are kept (callers pass
/// single lines, or [`cell`] turns them into `<br>`). Everything is escaped, backticks too:
/// for SARIF messages.
pub(crate) fn md(s: &str) -> String {
    lines_with(s, escape_inline)
}

/// Free text as the document writes it: like [`md`], except that what the text quotes in
/// backticks (`` `no-routing-functions` ``) stays a code span. A backtick without its
/// closing run is escaped.
pub(super) fn text(s: &str) -> String {
    lines_with(s, escape_keeping_code)
}

fn lines_with(s: &str, escape: fn(&str) -> String) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim_end_matches('\r');
        let body = line.trim_start();
        // A line that would start a block (heading, list, quote) is escaped at its start.
        if body.starts_with(['#', '>', '-', '+', '=']) {
            out.push_str(&line[..line.len() - body.len()]);
            out.push('\\');
            out.push_str(&escape(body));
        } else {
            out.push_str(&escape(line));
        }
    }
    out
}

fn escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes `s`, keeping each backtick-quoted span (a run of n backticks up to the next run of
/// exactly n) as a code span.
fn escape_keeping_code(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut plain = String::new();
    let mut rest = s;
    while let Some(start) = rest.find('`') {
        plain.push_str(&rest[..start]);
        let after = &rest[start..];
        let n = after.len() - after.trim_start_matches('`').len();
        let body = &after[n..];
        match closing_run(body, n) {
            Some(end) if !body[..end].trim().is_empty() => {
                out.push_str(&escape_inline(&plain));
                plain.clear();
                // CommonMark strips one space on each side when both are there
                let inner = &body[..end];
                let inner = match (inner.strip_prefix(' '), inner.ends_with(' ')) {
                    (Some(x), true) if !x.is_empty() => &x[..x.len() - 1],
                    _ => inner,
                };
                out.push_str(&code(inner));
                rest = &body[end + n..];
            }
            _ => {
                plain.push_str(&after[..n]);
                rest = body;
            }
        }
    }
    plain.push_str(rest);
    out.push_str(&escape_inline(&plain));
    out
}

/// Where the next run of exactly `n` backticks starts in `s`.
fn closing_run(s: &str, n: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'`' {
            let j = i + b[i..].iter().take_while(|&&c| c == b'`').count();
            if j - i == n {
                return Some(i);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    None
}

/// How the document reaches the files it names: links relative to its own directory.
pub(super) struct Links {
    /// `../` once per directory between the document and the repository root.
    up: String,
}

impl Links {
    /// For a document at `place` (relative to the repository root, `docs/V.md`); `None`:
    /// links relative to the root (standard output).
    pub(super) fn new(place: Option<&str>) -> Links {
        let depth = place.map_or(0, |p| p.split('/').filter(|s| !s.is_empty()).count() - 1);
        Links {
            up: "../".repeat(depth),
        }
    }

    /// The link target of `file` (relative to the repository root) at `line`; `None` for a
    /// file outside the repository (its path is absolute), which cannot be linked portably.
    pub(super) fn target(&self, file: &str, line: Option<u32>) -> Option<String> {
        if file.is_empty() || file.starts_with('/') {
            return None;
        }
        let mut t = self.up.clone();
        t.push_str(&percent_encode(file));
        if let Some(l) = line {
            t.push_str(&format!("#L{l}"));
        }
        Some(t)
    }

    /// `label` as a code span linked to `file` at `line` (plain code when it cannot link).
    pub(super) fn to(&self, file: &str, line: Option<u32>, label: &str) -> String {
        match self.target(file, line) {
            Some(t) => format!("[{}]({t})", code(label)),
            None => code(label),
        }
    }

    /// `file:line[:column]` linked to that line.
    pub(super) fn at(&self, file: &str, line: Option<u32>, column: Option<u32>) -> String {
        let label = match (line, column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.to_string(),
        };
        self.to(file, line, &label)
    }
}

/// A path as a link destination: bytes outside `A-Za-z0-9-._~/` are percent-encoded, so
/// spaces, parentheses and non-ASCII names survive every Markdown viewer.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a\nb"), "`a b`");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
        assert_eq!(cell("one | two\nthree"), "one \\| two<br>three");
        assert_eq!(md("# not a heading *x*"), "\\# not a heading \\*x\\*");
    }

    #[test]
    fn quoted_code_stays_code() {
        assert_eq!(
            text("rule `no-routing` (a.toml:5:1): entry `x_y` matches *nothing*"),
            "rule `no-routing` (a.toml:5:1): entry `x_y` matches \\*nothing\\*"
        );
        // a double-backtick span holding a backtick
        assert_eq!(text("see ``a`b`` here"), "see ``a`b`` here");
        // an unclosed backtick is escaped, and so is a run that closes with another length
        assert_eq!(text("a ` b"), "a \\` b");
        assert_eq!(text("a `` b ` c"), "a \\`\\` b \\` c");
        // an empty span is not code
        assert_eq!(text("a `` b"), "a \\`\\` b");
        assert_eq!(md("`x`"), "\\`x\\`", "SARIF keeps escaping everything");
        // in a table cell the pipe inside a code span is escaped too
        assert_eq!(cell("`a|b` | c"), "`a\\|b` \\| c");
    }

    #[test]
    fn links_are_relative_to_the_document() {
        let at_root = Links::new(None);
        assert_eq!(
            at_root.at("internal/we/pending.go", Some(107), None),
            "[`internal/we/pending.go:107`](internal/we/pending.go#L107)"
        );
        let nested = Links::new(Some("docs/handoff/V.md"));
        assert_eq!(
            nested.target("internal/a b(1).go", Some(3)).unwrap(),
            "../../internal/a%20b%281%29.go#L3"
        );
        assert_eq!(
            Links::new(Some("V.md")).target("x.go", None).unwrap(),
            "x.go"
        );
        assert_eq!(nested.target("/elsewhere/x.go", Some(1)), None);
        assert_eq!(nested.to("/elsewhere/x.go", Some(1), "x.go:1"), "`x.go:1`");
        assert_eq!(
            nested.target("café.go", None).unwrap(),
            "../../caf%C3%A9.go"
        );
    }
}
