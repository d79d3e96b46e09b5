//! Helpers shared by the front-ends' tests that hold a partial reading to a whole one.

use super::{FileFacts, Function, Occurrence};
use crate::span::LineIndex;

/// The byte offset of a 1-based line and character column (the end of the text when the
/// column lies past it).
pub(crate) fn offset_of(lines: &LineIndex, src: &str, line: u32, column: u32) -> usize {
    let start = lines.line_start(line as usize - 1);
    start
        + src[start..]
            .char_indices()
            .nth(column as usize - 1)
            .map_or(src.len() - start, |(i, _)| i)
}

/// `fns` without their calls: what a reading that skips a function's body knows of it.
pub(crate) fn no_calls(fns: &[Function]) -> Vec<Function> {
    fns.iter()
        .map(|f| Function {
            calls: Vec::new(),
            ..f.clone()
        })
        .collect()
}

/// A reading restricted to the names `keep` accepts holds exactly the whole reading's
/// occurrences of those names, and every function of it (calls aside).
pub(crate) fn assert_same_as_whole(
    part: &FileFacts,
    whole: &FileFacts,
    keep: &dyn Fn(&str) -> bool,
    what: &str,
) {
    let expected: Vec<&Occurrence> = whole.occurrences.iter().filter(|o| keep(&o.name)).collect();
    let got: Vec<&Occurrence> = part.occurrences.iter().collect();
    assert_eq!(got, expected, "{what}");
    assert_eq!(
        no_calls(&part.functions),
        no_calls(&whole.functions),
        "{what}"
    );
}
