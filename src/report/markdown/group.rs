//! Long lists, kept within the document's line budget without dropping anything: a list is
//! written one row per entry, or grouped one line per file, or one line per directory cut
//! at some depth; every entry keeps its link in every form.

use std::collections::BTreeMap;

use super::Doc;
use super::text::text;

/// How a list is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Group {
    /// One row (or bullet) per entry, with every detail.
    Rows,
    /// One line per file.
    Files,
    /// One line per directory cut to this many components (`0`: one line in all).
    Dirs(usize),
}

impl Group {
    /// Every form for a tree `max_depth` directories deep, from the most detailed.
    pub(super) fn forms(max_depth: usize) -> impl Iterator<Item = Group> {
        [Group::Rows, Group::Files]
            .into_iter()
            .chain((0..=max_depth).rev().map(Group::Dirs))
    }
}

/// The form of each kind of list in one rendering of the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Plan {
    /// Forbidden symbols, files and patterns, and call paths.
    pub findings: Group,
    /// Required symbols, the functions that matter and routing-like names.
    pub functions: Group,
    /// Mentions in comments and strings, and evidence.
    pub mentions: Group,
    /// Warnings, skipped and unreadable files.
    pub notes: Group,
}

impl Plan {
    /// The plans to try, from the most detailed to the most compact: mentions are grouped
    /// first, findings only once everything else is as compact as it gets.
    pub(super) fn ladder(max_depth: usize) -> Vec<Plan> {
        let mut p = Plan {
            findings: Group::Rows,
            functions: Group::Rows,
            mentions: Group::Rows,
            notes: Group::Rows,
        };
        let mut out = vec![p];
        p.mentions = Group::Files;
        out.push(p);
        p.functions = Group::Files;
        p.notes = Group::Files;
        out.push(p);
        for d in (0..=max_depth).rev() {
            p.mentions = Group::Dirs(d);
            out.push(p);
        }
        for d in (0..=max_depth).rev() {
            p.functions = Group::Dirs(d);
            p.notes = Group::Dirs(d);
            out.push(p);
        }
        p.findings = Group::Files;
        out.push(p);
        for d in (0..=max_depth).rev() {
            p.findings = Group::Dirs(d);
            out.push(p);
        }
        out
    }
}

/// One entry of a grouped list: where it is and what to say after its link.
pub(super) struct Item {
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The last line of a range (a function's body).
    pub end_line: Option<u32>,
    /// Markdown written after the link.
    pub text: String,
}

impl Item {
    pub(super) fn at(file: &str, line: Option<u32>, text: String) -> Item {
        Item {
            file: file.to_string(),
            line,
            column: None,
            end_line: None,
            text,
        }
    }
}

/// The directory of `file` cut to `depth` components (`""`: the root).
pub(super) fn dir_prefix(file: &str, depth: usize) -> String {
    let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
    dir.split('/')
        .filter(|s| !s.is_empty())
        .take(depth)
        .collect::<Vec<_>>()
        .join("/")
}

/// The number of directory components of the deepest file among `files`.
pub(super) fn max_depth<'a>(files: impl IntoIterator<Item = &'a str>) -> usize {
    files
        .into_iter()
        .map(|f| f.matches('/').count())
        .max()
        .unwrap_or(0)
}

/// Writes `items` (already in document order) one line per group of `g` (not `Rows`),
/// folded in a `<details>` titled `summary` when there are more than a few lines.
pub(super) fn write(d: &mut Doc, items: &[Item], g: Group, summary: &str) {
    let mut groups: BTreeMap<String, Vec<&Item>> = BTreeMap::new();
    for it in items {
        let key = match g {
            Group::Rows | Group::Files => it.file.clone(),
            Group::Dirs(n) => dir_prefix(&it.file, n),
        };
        groups.entry(key).or_default().push(it);
    }
    let fold = groups.len() > 8;
    if fold {
        d.line("<details>");
        d.line(&format!("<summary>{summary}</summary>"));
        d.blank();
    }
    for (key, its) in &groups {
        let label = match g {
            Group::Rows | Group::Files => d.links.to(key, None, key),
            Group::Dirs(_) if key.is_empty() => "everywhere".to_string(),
            Group::Dirs(_) => d.links.to(key, None, &format!("{key}/")),
        };
        let prefix = match g {
            Group::Rows | Group::Files => String::new(),
            Group::Dirs(_) if key.is_empty() => String::new(),
            Group::Dirs(_) => format!("{key}/"),
        };
        let entries: Vec<String> = its
            .iter()
            .map(|it| {
                let rel = it.file.strip_prefix(prefix.as_str()).unwrap_or(&it.file);
                let label = item_label(rel, it);
                let link = d.links.to(&it.file, it.line, &label);
                if it.text.is_empty() {
                    link
                } else {
                    format!("{link} {}", it.text)
                }
            })
            .collect();
        d.line(&format!(
            "- {label} ({}): {}",
            its.len(),
            entries.join("; ")
        ));
    }
    d.blank();
    if fold {
        d.line("</details>");
        d.blank();
    }
}

/// `pending.go:12:5`, `L189–280`, `L12` (no path when the group is the file itself).
fn item_label(rel: &str, it: &Item) -> String {
    let at = match (it.line, it.end_line, it.column) {
        (Some(l), Some(e), _) if e > l => format!("{l}–{e}"),
        (Some(l), _, Some(c)) => format!("{l}:{c}"),
        (Some(l), _, None) => l.to_string(),
        (None, _, _) => String::new(),
    };
    match (rel.is_empty(), at.is_empty()) {
        (true, true) => "file".into(),
        (true, false) => format!("L{at}"),
        (false, true) => rel.to_string(),
        (false, false) => format!("{rel}:{at}"),
    }
}

/// A one-line summary for grouped lists: `12 findings in 5 files`.
pub(super) fn count_summary(n: usize, what: &str, whats: &str, items: &[Item]) -> String {
    let files: std::collections::BTreeSet<&str> = items.iter().map(|i| i.file.as_str()).collect();
    format!(
        "{} in {}",
        super::plural(n, what, whats),
        super::plural(files.len(), "file", "files")
    )
}

/// Free text for a grouped entry's text, on one line.
pub(super) fn words(s: &str) -> String {
    text(&s.replace(['\n', '\r'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_cut_at_a_depth() {
        assert_eq!(dir_prefix("a/b/c/x.go", 2), "a/b");
        assert_eq!(dir_prefix("a/b/c/x.go", 9), "a/b/c");
        assert_eq!(dir_prefix("x.go", 3), "");
        assert_eq!(dir_prefix("a/x.go", 0), "");
        assert_eq!(max_depth(["x.go", "a/b/y.go"]), 2);
    }

    #[test]
    fn the_ladder_ends_with_everything_in_one_group() {
        let l = Plan::ladder(2);
        assert_eq!(l[0].findings, Group::Rows);
        let last = l.last().unwrap();
        assert_eq!(
            (last.findings, last.functions, last.mentions, last.notes),
            (
                Group::Dirs(0),
                Group::Dirs(0),
                Group::Dirs(0),
                Group::Dirs(0)
            )
        );
        // findings stay in rows as long as anything else can still be grouped
        let first_grouped = l.iter().position(|p| p.findings != Group::Rows).unwrap();
        let before = &l[first_grouped - 1];
        assert_eq!(
            (before.functions, before.mentions, before.notes),
            (Group::Dirs(0), Group::Dirs(0), Group::Dirs(0))
        );
        assert_eq!(l[1].mentions, Group::Files, "mentions are grouped first");
    }
}
