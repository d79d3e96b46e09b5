//! JUnit XML test reports (cargo-nextest, gotestsum, go-junit-report) read into test cases.
//!
//! Tokenising is quick-xml's; this module checks well-formedness on top of it (one root
//! element, no text outside it, tags nested at most [`MAX_DEPTH`] deep), decodes the
//! attribute values it needs, and turns `<testcase>` elements into outcomes. Entities
//! declared in a DOCTYPE are never expanded (a reference to one stays as written) and text
//! content is skipped, so the work is linear in the size of the file whatever it holds.

use quick_xml::Reader;
use quick_xml::errors::{Error, IllFormedError};
use quick_xml::events::{BytesStart, Event};

use super::{Outcome, TestCase};

/// How deep elements may nest. Real reports use four levels (`<testsuites>`, `<testsuite>`,
/// `<testcase>`, `<failure>`); deeper files are refused rather than walked.
pub(crate) const MAX_DEPTH: usize = 256;

/// A `<testcase>` with a `<failure>` or `<error>` child failed; with `<skipped>` it was
/// skipped; otherwise it passed (`<flakyFailure>`, `<rerunFailure>` of a retried test that
/// finally passed do not make it fail).
pub(super) fn parse(text: &str, source: &str) -> Result<Vec<TestCase>, String> {
    let (root, cases) = scan(text).map_err(|e| format!("{source}: invalid XML: {e}"))?;
    match root.as_str() {
        "testsuites" | "testsuite" => Ok(cases),
        other => Err(format!(
            "{source}: not JUnit XML: the root element is <{other}>, expected <testsuites> or <testsuite>"
        )),
    }
}

/// A `<testcase>` being read: its depth, name and outcome so far.
struct Open {
    depth: usize,
    name: String,
    outcome: Outcome,
}

/// Reads the whole document; returns the root element's name and the test cases. Errors
/// say where (`line N: …`) and what.
fn scan(s: &str) -> Result<(String, Vec<TestCase>), String> {
    let mut reader = Reader::from_str(s);
    let config = reader.config_mut();
    // Text content is skipped, so a stray `&` in captured output does not matter.
    config.allow_dangling_amp = true;
    config.check_end_names = true;
    let line = |at: u64| {
        let at = (at as usize).min(s.len());
        memchr::memchr_iter(b'\n', &s.as_bytes()[..at]).count() + 1
    };
    // Names of the open elements, innermost last.
    let mut stack: Vec<String> = Vec::new();
    let mut root: Option<String> = None;
    let mut open: Option<Open> = None;
    let mut cases = Vec::new();
    loop {
        let at = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                return Err(format!(
                    "line {}: {}",
                    line(reader.error_position()),
                    describe(&e)
                ));
            }
        };
        let here = || format!("line {}", line(at));
        match event {
            Event::Start(ref tag) | Event::Empty(ref tag) => {
                let empty = matches!(event, Event::Empty(_));
                let name = element_name(tag).map_err(|e| format!("{}: {e}", here()))?;
                if stack.is_empty() {
                    if root.is_some() {
                        return Err(format!("{}: a second root element <{name}>", here()));
                    }
                    root = Some(name.to_string());
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(format!(
                        "{}: elements nested more than {MAX_DEPTH} deep",
                        here()
                    ));
                }
                let attrs = attributes(tag, name).map_err(|e| format!("{}: {e}", here()))?;
                let depth = stack.len() + 1;
                if name == "testcase" && open.is_none() {
                    let attr = |k: &str| {
                        attrs
                            .iter()
                            .find(|(n, _)| *n == k)
                            .map(|(_, v)| v.as_str())
                            .unwrap_or("")
                    };
                    let case = match (attr("classname"), attr("name")) {
                        ("", n) => n.to_string(),
                        (c, n) => format!("{c}::{n}"),
                    };
                    open = Some(Open {
                        depth,
                        name: case,
                        outcome: Outcome::Passed,
                    });
                } else if let Some(o) = open.as_mut()
                    && depth == o.depth + 1
                {
                    match name {
                        "failure" | "error" => o.outcome = Outcome::Failed,
                        "skipped" if o.outcome == Outcome::Passed => o.outcome = Outcome::Skipped,
                        _ => {}
                    }
                }
                if empty {
                    close(depth, &mut open, &mut cases);
                } else {
                    stack.push(name.to_string());
                }
            }
            Event::End(_) => {
                // quick-xml has checked that the name matches the open element.
                close(stack.len(), &mut open, &mut cases);
                stack.pop();
            }
            Event::Text(t) if stack.is_empty() && !t.trim().is_empty() => {
                return Err(format!("{}: text outside the root element", here()));
            }
            Event::GeneralRef(_) if stack.is_empty() => {
                return Err(format!("{}: text outside the root element", here()));
            }
            Event::CData(_) if stack.is_empty() => {
                return Err(format!("{}: CDATA outside the root element", here()));
            }
            Event::Eof => break,
            // Text, references, CDATA, comments, processing instructions, the XML declaration
            // and the DOCTYPE (whose entities are never expanded) carry no test outcome.
            _ => {}
        }
    }
    if let Some(name) = stack.last() {
        return Err(format!("unexpected end of file: <{name}> is not closed"));
    }
    let root = root.ok_or("no element")?;
    Ok((root, cases))
}

/// Ends the element at `depth`; a `<testcase>` ending there becomes a case.
fn close(depth: usize, open: &mut Option<Open>, cases: &mut Vec<TestCase>) {
    if open.as_ref().is_some_and(|o| o.depth == depth)
        && let Some(o) = open.take()
    {
        cases.push(TestCase {
            name: o.name,
            outcome: o.outcome,
        });
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

/// The element name, checked to be an XML name (quick-xml takes whatever follows `<`).
fn element_name<'t>(tag: &'t BytesStart<'_>) -> Result<&'t str, String> {
    let name = tag.name().into_inner();
    if name.is_empty()
        || !name.starts_with(|c: char| c.is_alphabetic() || c == '_')
        || !name.chars().all(is_name_char)
    {
        return Err("a `<` that starts no tag (write `&lt;`)".into());
    }
    Ok(name)
}

/// Every attribute of `tag`, values decoded. Duplicate names are not looked for (the first
/// one wins when read), which keeps a tag with many attributes linear.
fn attributes<'t>(tag: &'t BytesStart<'_>, name: &str) -> Result<Vec<(&'t str, String)>, String> {
    let mut attrs = tag.attributes();
    attrs.with_checks(false);
    let mut out = Vec::new();
    for a in attrs {
        let a = a.map_err(|e| format!("<{name}>: {e}"))?;
        let key = a.key.into_inner();
        if a.value.contains('<') {
            return Err(format!("<{name}>: `<` inside the value of `{key}`"));
        }
        out.push((key, unescape(&a.value)));
    }
    // quick-xml accepts `a="1"b="2"`; XML wants whitespace between attributes.
    let raw = tag.attributes_raw();
    let mut quote: Option<char> = None;
    let mut after_value = false;
    for c in raw.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                after_value = true;
            }
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if after_value && !c.is_whitespace() && c != '/' => {
                return Err(format!("<{name}>: expected whitespace before an attribute"));
            }
            None => after_value = false,
        }
    }
    Ok(out)
}

/// Decodes `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#N;` `&#xH;`; anything else (an entity
/// a DOCTYPE declares, a stray `&`) is kept as written, never expanded.
pub(super) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // A reference is short (`&#x10FFFF;`); looking no further than this for its `;`
        // keeps decoding linear however many `&` a value holds.
        let window = &rest.as_bytes()[..rest.len().min(32)];
        let decoded = memchr::memchr(b';', window).and_then(|semi| {
            let ent = &rest[1..semi];
            let c = match quick_xml::escape::resolve_predefined_entity(ent) {
                Some(p) => p.chars().next(),
                None => ent
                    .strip_prefix("#x")
                    .or_else(|| ent.strip_prefix("#X"))
                    .map(|h| u32::from_str_radix(h, 16))
                    .or_else(|| ent.strip_prefix('#').map(|d| d.parse::<u32>()))
                    .and_then(|r| r.ok())
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// quick-xml's error in the words the old reports used where one exists.
fn describe(e: &Error) -> String {
    match e {
        Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            format!("</{found}> closes <{expected}>")
        }
        Error::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
            format!("</{name}> without a start tag")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse as parse_results;
    use super::*;

    fn names(text: &str) -> Vec<String> {
        parse_results(text, "r.xml")
            .unwrap()
            .cases
            .into_iter()
            .map(|c| c.name)
            .collect()
    }

    #[test]
    fn declared_entities_are_never_expanded() {
        // Each entity holds ten of the one before: expanded, `&l9;` would be 10^9 `lol`s.
        let mut doc = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE testsuites [\n");
        doc.push_str("  <!ENTITY l0 \"lol\">\n");
        for i in 1..10 {
            let body = format!("&l{};", i - 1).repeat(10);
            doc.push_str(&format!("  <!ENTITY l{i} \"{body}\">\n"));
        }
        doc.push_str("]>\n<testsuites><testsuite name=\"&l9;\">\n");
        doc.push_str("<testcase classname=\"p\" name=\"T&l9;&amp;\"><system-out>&l9;</system-out></testcase>\n");
        doc.push_str("</testsuite></testsuites>\n");
        assert_eq!(names(&doc), ["p::T&l9;&"]);
    }

    #[test]
    fn deep_nesting_is_refused_naming_the_file() {
        let nested = |n: usize| {
            let mut s = String::from("<testsuites>\n");
            s.push_str(&"<x>".repeat(n - 1));
            s.push_str(&"</x>".repeat(n - 1));
            s.push_str("</testsuites>\n");
            s
        };
        assert!(parse_results(&nested(MAX_DEPTH), "ok.xml").is_ok());
        let e = parse_results(&nested(MAX_DEPTH + 1), "deep.xml").unwrap_err();
        assert_eq!(
            e,
            format!("deep.xml: invalid XML: line 2: elements nested more than {MAX_DEPTH} deep")
        );
        let e = parse_results(&nested(100_000), "bomb.xml").unwrap_err();
        assert!(
            e.starts_with("bomb.xml: invalid XML: line 2: elements nested"),
            "{e}"
        );
    }

    #[test]
    fn large_tags_and_values_are_read_whole() {
        // many attributes in one tag (duplicates too: the first wins)
        let mut doc = String::from("<testsuite><testcase name=\"first\"");
        for i in 0..20_000 {
            doc.push_str(&format!(" a{i}=\"{i}\" name=\"dup\""));
        }
        doc.push_str("/></testsuite>");
        assert_eq!(names(&doc), ["first"]);
        // a value of many `&` without a `;`: kept as written
        let amps = "&".repeat(100_000);
        let doc = format!("<testsuite><testcase name=\"{amps}&#x41;\"/></testsuite>");
        assert_eq!(names(&doc), [format!("{amps}A")]);
    }

    #[test]
    fn references_decode_or_stay() {
        assert_eq!(unescape("&#65;&#x42;&#X43;&quot;&apos;"), "ABC\"'");
        assert_eq!(
            unescape("&#xD800; &#99999999999; &x;"),
            "&#xD800; &#99999999999; &x;"
        );
        let far = format!("&{};", "a".repeat(40));
        assert_eq!(unescape(&far), far);
    }
}
