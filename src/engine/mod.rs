//! The engine: evaluates every rule of a policy against one file's facts in one pass, and
//! merges the per-file results into an [`Audit`].
//!
//! Owns rule semantics (what is a finding, a mention, a required hit, evidence). It never
//! walks directories or renders output; it reads only the text and facts it is handed.

pub mod matcher;
pub mod prefilter;
pub mod reach;
pub mod routing_like;

use crate::audit::{EvidenceHit, Finding, FunctionInfo, Mention, Warning};
use crate::lang::{self, FileFacts, KindSet, Lang, OccKind, TextKind};
use crate::policy::{Policy, RuleKind, TestMode};
use crate::span::LineIndex;
use matcher::{Hit, Matcher};

/// A function as the call graph sees it.
#[derive(Clone, Debug)]
pub struct GraphFn {
    pub file: String,
    pub lang: Lang,
    /// Go: the directory (package); Rust: the crate root directory.
    pub unit: String,
    pub name: String,
    pub kind: crate::lang::FnKind,
    pub receiver: Option<String>,
    pub line: u32,
    pub end_line: u32,
    pub test: bool,
    pub calls: Vec<lang::Call>,
}

/// A required symbol found in a file.
#[derive(Clone, Debug)]
pub struct RequiredHit {
    pub rule: usize,
    pub entry: String,
    pub declared: String,
    pub occurrence: OccKind,
    pub line: u32,
    pub end_line: u32,
}

/// What one file contributes to the audit.
#[derive(Debug, Default)]
pub struct FileResult {
    pub findings: Vec<Finding>,
    pub mentions: Vec<Mention>,
    pub required: Vec<RequiredHit>,
    pub evidence: Vec<EvidenceHit>,
    pub functions: Vec<FunctionInfo>,
    pub warnings: Vec<Warning>,
    pub graph: Vec<GraphFn>,
    pub parsed: bool,
    /// Call-path rules are evaluated but this file was not parsed: its functions join the call
    /// graph only if its unit turns out to hold an entry function (then it is read again).
    pub graph_deferred: bool,
    /// The file may declare an entry function of a call-path rule (a literal test: it may say
    /// yes wrongly, never no wrongly).
    pub may_hold_entry: bool,
    /// `routeaudit:allow` directives, applied once every finding is known.
    pub directives: Vec<crate::suppress::Directive>,
    pub directive_errors: Vec<crate::suppress::DirectiveError>,
}

impl FileResult {
    /// Nothing to report from this file (it may still be deferred for the call graph).
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
            && self.mentions.is_empty()
            && self.required.is_empty()
            && self.evidence.is_empty()
            && self.functions.is_empty()
            && self.warnings.is_empty()
            && self.graph.is_empty()
            && !self.parsed
            && self.directives.is_empty()
            && self.directive_errors.is_empty()
    }
}

/// What the caller needs beyond findings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Needs {
    /// The inventory of every function (document, `symbols`): parse every source file.
    pub inventory: bool,
    /// The call graph even without reach rules (`symbols --calls`).
    pub graph: bool,
}

pub struct Engine<'p> {
    pub policy: &'p Policy,
    matcher: Matcher<'p>,
    prefilter: Option<regex::bytes::Regex>,
    /// Per forbid-pattern rule / evidence entry (same order as in the policy): literals one of
    /// which a match needs; `None` where none could be derived.
    pattern_pre: Vec<Option<prefilter::Needles>>,
    evidence_pre: Vec<Option<prefilter::Needles>>,
    parse_all: bool,
    /// Some forbid-symbol rule reports names in comments or strings as findings.
    text_findings: bool,
    want_graph: bool,
    /// Every file's functions join the call graph (not only the units with an entry).
    graph_everywhere: bool,
    /// Which files may declare a call-path entry; `None` with no call-path rules.
    entries: Option<EntryFilter>,
    inventory: bool,
    /// Some search runs on the lower-cased text (`words` naming, pattern and evidence
    /// literals, call-path entries).
    lowered: bool,
}

impl<'p> Engine<'p> {
    pub fn new(policy: &'p Policy, needs: Needs) -> Self {
        let matcher = Matcher::new(policy);
        let prefilter = matcher.prefilter();
        let pattern_pre: Vec<Option<prefilter::Needles>> = policy
            .rules
            .iter()
            .map(|r| match &r.kind {
                RuleKind::ForbidPattern { regex, .. } => prefilter::for_regex(regex.as_str()),
                _ => None,
            })
            .collect();
        let evidence_pre = policy
            .evidence
            .iter()
            .map(|e| prefilter::for_regex(e.regex.as_str()))
            .collect();
        let entries = EntryFilter::new(policy);
        let want_graph = needs.graph || entries.is_some();
        // the whole graph is needed when every caller and callee is listed (`symbols
        // --calls`) or when an entry cannot be found by a literal test
        let graph_everywhere =
            needs.graph || entries.as_ref().is_some_and(|e| e.needs_everything());
        let parse_all = matcher.has_patterns() || graph_everywhere;
        let text_findings = policy
            .rules
            .iter()
            .any(|r| matches!(&r.kind, RuleKind::ForbidSymbol { kinds, .. } if kinds.has_text()));
        let lowered = matches!(policy.naming, crate::policy::Naming::Words)
            || entries.is_some()
            || pattern_pre.iter().chain(&evidence_pre).any(Option::is_some);
        Engine {
            policy,
            matcher,
            prefilter,
            pattern_pre,
            evidence_pre,
            parse_all,
            text_findings,
            want_graph,
            graph_everywhere,
            lowered,
            entries,
            inventory: needs.inventory,
        }
    }

    pub fn wants_graph(&self) -> bool {
        self.want_graph
    }

    /// Evaluates every rule on one file. `rel` is the `/`-separated path from the root;
    /// `unit` is the call-graph unit (package directory or crate root).
    pub fn check_file(&self, rel: &str, lang: Lang, src: &str, unit: &str) -> FileResult {
        self.check_file_at(rel, lang, src, unit, false)
    }

    /// [`Engine::check_file`], reading the file whole whatever the prefilter would say (a
    /// file whose unit the call graph turned out to need).
    pub fn check_file_full(&self, rel: &str, lang: Lang, src: &str, unit: &str) -> FileResult {
        self.check_file_at(rel, lang, src, unit, true)
    }

    fn check_file_at(
        &self,
        rel: &str,
        lang: Lang,
        src: &str,
        unit: &str,
        full: bool,
    ) -> FileResult {
        let mut res = FileResult::default();
        let policy = self.policy;
        let path_test = lang.front().is_test_path(rel);
        if path_test && policy.scope.tests == TestMode::Exclude {
            return res;
        }

        // forbid-file: the file exists in scope
        for rule in &policy.rules {
            if let RuleKind::ForbidFile { files } = &rule.kind
                && rule.applies_to(rel)
                && let Some(matched) = files.first_match(rel)
            {
                res.findings.push(Finding {
                    file: Some(rel.to_string()),
                    line: Some(1),
                    column: Some(1),
                    symbol: rel.rsplit('/').next().map(str::to_string),
                    matched: Some(matched.to_string()),
                    test: path_test,
                    ..Finding::of(rule)
                });
            }
        }

        // one lower-cased copy of the text serves the entry test and the prefilter
        let prefiltered = !full && !self.parse_all;
        let look = |lower: &[u8]| {
            let may = self
                .entries
                .as_ref()
                .is_some_and(|e| e.may_hold(src, lower));
            let depth = if prefiltered {
                self.depth_in(rel, lang, src, lower)
            } else {
                Depth::Full(None)
            };
            (may, depth)
        };
        let (may_hold_entry, mut depth) = if self.lowered {
            prefilter::Lowered::with(src, look)
        } else if prefiltered {
            // nothing searches without case: the text serves as it is
            look(src.as_bytes())
        } else {
            (false, Depth::Full(None))
        };
        res.may_hold_entry = may_hold_entry;
        // the inventory of a file that is not parsed comes from the front-end's declaration
        // scanner; a front-end without one parses
        let drop_tests = policy.scope.tests == TestMode::Exclude;
        let mut scanned = None;
        if self.inventory && !matches!(depth, Depth::Full(_)) {
            match lang.front().declarations(src) {
                Some(mut fns) => {
                    fns.iter_mut().for_each(|f| f.test |= path_test);
                    scanned = Some(fns);
                }
                None => depth = Depth::Full(None),
            }
        }
        if let Some(fns) = &scanned {
            self.inventory_of(rel, fns, drop_tests, &mut res);
        }
        // the call graph takes this file's functions now when every unit counts or the file
        // may hold an entry and is parsed anyway; otherwise its unit decides after the walk
        // (so a run that parses every file for the inventory does not hold every call)
        let graph_now = self.want_graph
            && matches!(depth, Depth::Full(_))
            && (self.graph_everywhere || full || res.may_hold_entry);
        res.graph_deferred = self.want_graph && !graph_now && lang.front().reads_code();
        // with the listed names' word starts, when the prefilter found them all
        let (facts, hits) = match depth {
            Depth::Nothing => return finish(res, rel, lang, src, None),
            Depth::Text(facts, at) => (facts, Some(at)),
            Depth::Full(at) => {
                // only the listed names' occurrences matter, and only the declarations that
                // hold one (unless the call graph takes every function's calls)
                let keep = |name: &str| self.matcher.is_match(name);
                let want = lang::Want {
                    at: if graph_now { None } else { at.as_deref() },
                    keep: Some(&keep),
                };
                (lang::extract_for(lang, rel, src, &want), at)
            }
        };
        res.parsed = facts.parsed;
        if self.inventory && scanned.is_none() {
            self.inventory_of(rel, &facts.functions, drop_tests, &mut res);
        }
        let idx = LineIndex::new(src);
        for w in &facts.warnings {
            res.warnings.push(Warning {
                file: Some(rel.to_string()),
                line: Some(w.line),
                code: crate::audit::WarningCode::SyntaxError,
                message: w.message.clone(),
            });
        }

        self.symbols(
            rel,
            src,
            &idx,
            &facts,
            hits.as_deref(),
            drop_tests,
            &mut res,
        );
        self.patterns(rel, src, &idx, &facts, drop_tests, &mut res);
        self.evidence(rel, src, &idx, &facts, &mut res);

        if graph_now {
            // the calls move to the graph: nothing after this reads them
            let mut facts = facts;
            for f in facts
                .functions
                .iter_mut()
                .filter(|f| !(drop_tests && f.test))
            {
                let mut calls = std::mem::take(&mut f.calls);
                calls.shrink_to_fit();
                res.graph.push(GraphFn {
                    file: rel.to_string(),
                    lang,
                    unit: unit.to_string(),
                    name: f.name.clone(),
                    kind: f.kind,
                    receiver: f.receiver.clone(),
                    line: f.span.line,
                    end_line: f.span.end_line,
                    test: f.test,
                    calls,
                });
            }
            return finish(res, rel, lang, src, Some(&facts));
        }
        finish(res, rel, lang, src, Some(&facts))
    }

    /// Adds `fns` (parsed or scanned) to the file's inventory.
    fn inventory_of(
        &self,
        rel: &str,
        fns: &[lang::Function],
        drop_tests: bool,
        res: &mut FileResult,
    ) {
        for f in fns.iter().filter(|f| !(drop_tests && f.test)) {
            res.functions.push(FunctionInfo {
                file: rel.to_string(),
                line: f.span.line,
                end_line: f.span.end_line,
                name: f.name.clone(),
                kind: f.kind,
                receiver: f.receiver.clone(),
                test: f.test,
                callees: Vec::new(),
                callers: Vec::new(),
            });
        }
    }

    /// How deeply this file must be read (the prefilter): not at all when nothing in it can
    /// match; comments and strings only when every listed name in it sits in one and no rule
    /// turns such a name into a finding (evidence and suppressions need no more); else fully.
    /// Whatever the depth, the results are those of a full read.
    fn depth_in(&self, rel: &str, lang: Lang, src: &str, lower: &[u8]) -> Depth {
        let maybe =
            |pre: &Option<prefilter::Needles>| pre.as_ref().is_none_or(|p| p.is_match(lower));
        let pattern_hit = self
            .policy
            .rules
            .iter()
            .zip(&self.pattern_pre)
            .any(|(r, pre)| {
                matches!(&r.kind, RuleKind::ForbidPattern { regex, .. }
                if r.applies_to(rel) && maybe(pre) && regex.is_match(src))
            });
        let marker =
            memchr::memmem::find(src.as_bytes(), crate::suppress::MARKER.as_bytes()).is_some();
        // evidence entries whose literals occur: their regex may match somewhere
        let evidence: Vec<&crate::policy::EvidenceRule> = self
            .policy
            .evidence
            .iter()
            .zip(&self.evidence_pre)
            .filter(|(e, pre)| e.applies_to(rel) && maybe(pre))
            .map(|(e, _)| e)
            .collect();
        let hits = self.name_hits(src, lower);
        if pattern_hit {
            // a pattern finding in code wants its enclosing function
            return Depth::Full(Some(hits));
        }
        if hits.is_empty() && !marker && evidence.is_empty() {
            return Depth::Nothing;
        }
        if !hits.is_empty() && self.text_findings {
            // a name in text that is a finding wants its enclosing function
            return Depth::Full(Some(hits));
        }
        let Some(facts) = lang::text_only(lang, rel, src) else {
            return Depth::Full(Some(hits));
        };
        if !hits.iter().all(|&h| in_regions(&facts.text, h)) {
            return Depth::Full(Some(hits));
        }
        // evidence is quoted from comments and strings: look only there
        let evidence_hit = evidence.iter().any(|e| {
            facts
                .text
                .iter()
                .any(|r| e.kinds.contains(r.kind.occ()) && e.regex.is_match(&src[r.start..r.end]))
        });
        if hits.is_empty() && !marker && !evidence_hit {
            Depth::Nothing
        } else {
            Depth::Text(facts, hits)
        }
    }

    /// Start offsets of the identifier-like words of `src` that match a listed name: the
    /// needles find candidates, the matcher decides on the whole word.
    fn name_hits(&self, src: &str, lower: &[u8]) -> Vec<usize> {
        let Some(pre) = &self.prefilter else {
            return Vec::new();
        };
        let hay = match self.policy.naming {
            crate::policy::Naming::Words => lower,
            crate::policy::Naming::Exact => src.as_bytes(),
        };
        let mut hits = Vec::new();
        let mut out = Vec::new();
        let mut last_word = usize::MAX;
        for m in pre.find_iter(hay) {
            if !src.is_char_boundary(m.start()) || !src.is_char_boundary(m.end()) {
                continue;
            }
            let (s, e) = lang::word_around(src, m.start(), m.end());
            if s == last_word {
                continue;
            }
            last_word = s;
            self.matcher.matches(&src[s..e], &mut out);
            if !out.is_empty() {
                hits.push(s);
            }
        }
        hits
    }

    /// Findings, required hits and mentions of listed names. `hits`, when known, are the
    /// sorted starts of every listed name in the file: comments and strings without one are
    /// not searched.
    #[allow(clippy::too_many_arguments)]
    fn symbols(
        &self,
        rel: &str,
        src: &str,
        idx: &LineIndex,
        facts: &FileFacts,
        hits_at: Option<&[usize]>,
        drop_tests: bool,
        res: &mut FileResult,
    ) {
        let policy = self.policy;
        let mut hits: Vec<Hit> = Vec::new();
        for occ in &facts.occurrences {
            if drop_tests && occ.test {
                continue;
            }
            self.matcher.matches(&occ.name, &mut hits);
            for hit in &hits {
                let rule = &policy.rules[hit.rule];
                if !rule.applies_to(rel) {
                    continue;
                }
                match &rule.kind {
                    RuleKind::ForbidSymbol { kinds, .. } => {
                        if !kinds.contains(occ.kind) {
                            continue;
                        }
                        let in_function = occ.function.map(|i| facts.functions[i].name.clone());
                        res.findings.push(
                            Finding {
                                symbol: Some(occ.name.clone()),
                                matched: Some(hit.entry.to_string()),
                                occurrence: Some(occ.kind),
                                in_function,
                                test: occ.test,
                                source_line: idx
                                    .line_text(src, occ.span.line as usize - 1)
                                    .to_string(),
                                ..Finding::of(rule)
                            }
                            .at(rel, occ.span),
                        );
                    }
                    RuleKind::RequireSymbol { kinds, .. } => {
                        if !kinds.contains(occ.kind) || occ.test {
                            continue;
                        }
                        let end_line = facts
                            .functions
                            .iter()
                            .find(|f| f.name_span == occ.span)
                            .map(|f| (f.span.line, f.span.end_line))
                            .unwrap_or((occ.span.line, occ.span.end_line));
                        res.required.push(RequiredHit {
                            rule: hit.rule,
                            entry: hit.entry.to_string(),
                            declared: occ.name.clone(),
                            occurrence: occ.kind,
                            line: end_line.0,
                            end_line: end_line.1,
                        });
                    }
                    _ => {}
                }
            }
        }

        // names inside comments and strings: mentions, or findings where a rule asks for text;
        // a name that is also code there (a Rust format string capturing a variable) was
        // counted as code above
        let code_at: std::collections::HashSet<(u32, u32)> = facts
            .occurrences
            .iter()
            .map(|o| (o.span.line, o.span.column))
            .collect();
        for region in &facts.text {
            if drop_tests && region.test {
                continue;
            }
            if let Some(at) = hits_at {
                let i = at.partition_point(|&a| a < region.start);
                if at.get(i).is_none_or(|&a| a >= region.end) {
                    continue;
                }
            }
            let occ_kind = region.kind.occ();
            let text = &src[region.start..region.end];
            for (s, e) in lang::words(text) {
                // a literal's prefix (`r"..."`, `b'x'`, `br#"..."#`) is not a word of its text
                if s == 0
                    && region.kind == TextKind::String
                    && text[e..].starts_with(['"', '\'', '#'])
                {
                    continue;
                }
                let word = &text[s..e];
                self.matcher.matches(word, &mut hits);
                for hit in &hits {
                    let rule = &policy.rules[hit.rule];
                    let RuleKind::ForbidSymbol { kinds, .. } = &rule.kind else {
                        continue;
                    };
                    if !rule.applies_to(rel) {
                        continue;
                    }
                    let span = idx.span(src, region.start + s, region.start + e);
                    if code_at.contains(&(span.line, span.column)) {
                        continue;
                    }
                    let source_line = idx.line_text(src, span.line as usize - 1).to_string();
                    if kinds.contains(occ_kind) {
                        let in_function = enclosing(facts, span.line);
                        res.findings.push(
                            Finding {
                                symbol: Some(word.to_string()),
                                matched: Some(hit.entry.to_string()),
                                occurrence: Some(occ_kind),
                                in_function,
                                test: region.test,
                                source_line,
                                ..Finding::of(rule)
                            }
                            .at(rel, span),
                        );
                    } else {
                        res.mentions.push(Mention {
                            rule: rule.id.clone(),
                            file: rel.to_string(),
                            line: span.line,
                            column: span.column,
                            symbol: word.to_string(),
                            matched: hit.entry.to_string(),
                            occurrence: occ_kind,
                            test: region.test,
                            source_line,
                        });
                    }
                }
            }
        }
    }

    fn patterns(
        &self,
        rel: &str,
        src: &str,
        idx: &LineIndex,
        facts: &FileFacts,
        drop_tests: bool,
        res: &mut FileResult,
    ) {
        for rule in &self.policy.rules {
            let RuleKind::ForbidPattern { regex, kinds } = &rule.kind else {
                continue;
            };
            if !rule.applies_to(rel) || !regex.is_match(src) {
                continue;
            }
            let masked = mask(src, facts, *kinds);
            let mut offset = 0;
            for (line_no, line) in crate::span::lines_inclusive(&masked).enumerate() {
                let body = line.trim_end_matches(['\n', '\r']);
                for m in regex.find_iter(body) {
                    if m.start() == m.end() {
                        continue;
                    }
                    let span = idx.span(src, offset + m.start(), offset + m.end());
                    let test = facts.test || in_test_region(facts, span.line);
                    if drop_tests && test {
                        continue;
                    }
                    res.findings.push(
                        Finding {
                            symbol: Some(src[offset + m.start()..offset + m.end()].to_string()),
                            matched: Some(regex.as_str().to_string()),
                            in_function: enclosing(facts, span.line),
                            test,
                            source_line: idx.line_text(src, line_no).to_string(),
                            ..Finding::of(rule)
                        }
                        .at(rel, span),
                    );
                }
                offset += line.len();
            }
        }
    }

    fn evidence(
        &self,
        rel: &str,
        src: &str,
        idx: &LineIndex,
        facts: &FileFacts,
        res: &mut FileResult,
    ) {
        for ev in &self.policy.evidence {
            if !ev.applies_to(rel) || !ev.regex.is_match(src) {
                continue;
            }
            for region in &facts.text {
                if !ev.kinds.contains(region.kind.occ()) {
                    continue;
                }
                let text = &src[region.start..region.end];
                let first_line = idx.line_of(region.start) as u32 + 1;
                for (i, line) in text.lines().enumerate() {
                    if ev.regex.is_match(line) {
                        res.evidence.push(EvidenceHit {
                            rule: ev.id.clone(),
                            file: rel.to_string(),
                            line: first_line + i as u32,
                            text: strip_comment_markers(line).to_string(),
                        });
                    }
                }
            }
        }
    }
}

/// Literal tests for the entry functions (`from`) of the call-path rules: listed names in
/// any spelling the naming accepts, and the literals a regex entry needs, each hit confirmed
/// on the whole identifier around it.
struct EntryFilter {
    naming: crate::policy::Naming,
    /// Naming keys of the listed entry names, and one regex that finds them.
    keys: std::collections::HashSet<String>,
    names: Option<regex::bytes::Regex>,
    regexes: Vec<(regex::Regex, Option<prefilter::Needles>)>,
}

impl EntryFilter {
    fn new(policy: &Policy) -> Option<EntryFilter> {
        let mut keys = std::collections::HashSet::new();
        let mut regexes = Vec::new();
        let mut any = false;
        for r in &policy.rules {
            if let RuleKind::ForbidReach { from, .. } = &r.kind {
                any = true;
                for p in from {
                    match p {
                        crate::policy::NamePat::Name(n) => {
                            keys.insert(policy.naming.key(n));
                        }
                        crate::policy::NamePat::Regex(re) => {
                            regexes.push((re.clone(), prefilter::for_regex(re.as_str())))
                        }
                    }
                }
            }
        }
        if !any {
            return None;
        }
        let mut sorted: Vec<&str> = keys.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        Some(EntryFilter {
            naming: policy.naming,
            names: prefilter::for_names(sorted.into_iter(), policy.naming),
            keys,
            regexes,
        })
    }

    /// A regex entry without literals: any file may hold one.
    fn needs_everything(&self) -> bool {
        self.regexes.iter().any(|(_, n)| n.is_none())
    }

    /// Whether some identifier of `src` may name an entry function; `lower` is `src` with
    /// ASCII letters lower-cased ([`prefilter::Lowered`]).
    fn may_hold(&self, src: &str, lower: &[u8]) -> bool {
        let word = |s: usize, e: usize| -> Option<&str> {
            if !src.is_char_boundary(s) || !src.is_char_boundary(e) {
                return None;
            }
            let (s, e) = lang::word_around(src, s, e);
            Some(&src[s..e])
        };
        let hay = match self.naming {
            crate::policy::Naming::Words => lower,
            crate::policy::Naming::Exact => src.as_bytes(),
        };
        let named = self.names.as_ref().is_some_and(|n| {
            n.find_iter(hay).any(|m| {
                word(m.start(), m.end()).is_some_and(|w| self.keys.contains(&self.naming.key(w)))
            })
        });
        named
            || self.regexes.iter().any(|(re, needles)| match needles {
                None => true,
                Some(n) => n.any_match(lower, |s, e| word(s, e).is_some_and(|w| re.is_match(w))),
            })
    }
}

/// How much of a file the engine reads.
enum Depth {
    Nothing,
    /// Comments and strings only: every listed name in the file is inside one (the sorted
    /// starts of the listed names found in it).
    Text(FileFacts, Vec<usize>),
    /// The file is read: every declaration (`None`), or those holding one of these byte
    /// offsets (sorted starts of the listed names found in it; every function is still
    /// listed, so enclosing functions are known).
    Full(Option<Vec<usize>>),
}

/// Whether byte `at` lies inside one of the sorted, non-overlapping `regions`.
fn in_regions(regions: &[lang::TextRegion], at: usize) -> bool {
    let i = regions.partition_point(|r| r.end <= at);
    regions.get(i).is_some_and(|r| r.start <= at)
}

/// Fills fingerprints once every finding of the file is known, and reads its suppressions.
fn finish(
    mut res: FileResult,
    rel: &str,
    lang: Lang,
    src: &str,
    facts: Option<&FileFacts>,
) -> FileResult {
    let generated =
        !res.findings.is_empty() && (facts.is_some_and(|f| f.generated) || lang::is_generated(src));
    for f in &mut res.findings {
        f.generated = generated;
        f.fingerprint = fingerprint(f, rel);
    }
    let (directives, errors) = crate::suppress::scan(lang, src, facts);
    res.directives = directives;
    res.directive_errors = errors;
    res
}

/// A fingerprint that survives lines inserted above: rule, file, symbol, occurrence kind,
/// enclosing function and the source line with white space folded. Never the line number.
pub fn fingerprint(f: &Finding, rel: &str) -> String {
    let normalized: String = f
        .source_line
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let parts = [
        f.rule.as_str(),
        rel,
        f.symbol.as_deref().unwrap_or(""),
        f.occurrence.map(|o| o.as_str()).unwrap_or(""),
        f.in_function.as_deref().unwrap_or(""),
        normalized.as_str(),
    ];
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The name of the innermost function whose extent covers `line`.
fn enclosing(facts: &FileFacts, line: u32) -> Option<String> {
    facts
        .functions
        .iter()
        .filter(|f| f.span.line <= line && line <= f.span.end_line)
        .min_by_key(|f| f.span.end_line - f.span.line)
        .map(|f| f.name.clone())
}

fn in_test_region(facts: &FileFacts, line: u32) -> bool {
    facts
        .functions
        .iter()
        .any(|f| f.test && f.span.line <= line && line <= f.span.end_line)
}

/// A copy of `src` where the bytes a pattern must not see are spaces (newlines kept), so
/// byte offsets and line numbers stay those of the original.
fn mask(src: &str, facts: &FileFacts, kinds: KindSet) -> String {
    let want_code = kinds.has_code();
    let want = |k: TextKind| kinds.contains(k.occ());
    if want_code && want(TextKind::Comment) && want(TextKind::String) {
        return src.to_string();
    }
    let mut bytes = src.as_bytes().to_vec();
    let blank = |b: &mut [u8]| {
        for c in b.iter_mut() {
            if *c != b'\n' && *c != b'\r' {
                *c = b' ';
            }
        }
    };
    let mut pos = 0;
    for r in &facts.text {
        if r.start < pos || r.end > bytes.len() {
            continue;
        }
        if !want_code {
            blank(&mut bytes[pos..r.start]);
        }
        if !want(r.kind) {
            blank(&mut bytes[r.start..r.end]);
        }
        pos = r.end;
    }
    if !want_code {
        blank(&mut bytes[pos..]);
    }
    // only ASCII bytes were replaced by ASCII spaces, or whole UTF-8 sequences by spaces
    String::from_utf8(bytes).unwrap_or_default()
}

fn strip_comment_markers(line: &str) -> &str {
    let t = line.trim();
    let t = t
        .strip_prefix("///")
        .or_else(|| t.strip_prefix("//!"))
        .or_else(|| t.strip_prefix("//"))
        .or_else(|| t.strip_prefix("/*"))
        .or_else(|| t.strip_prefix('#'))
        .or_else(|| t.strip_prefix('*'))
        .unwrap_or(t);
    t.trim_end_matches("*/").trim()
}
