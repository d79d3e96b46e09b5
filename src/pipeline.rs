//! From paths and a policy to an [`Audit`]: discover the policy, walk, evaluate each file on
//! the walker threads, merge, resolve required symbols, and settle the verdict.
//!
//! Owns the order of the stages and the verdict rule. Renderers and the CLI live elsewhere.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::audit::{
    Audit, Context, FileError, Finding, FunctionInfo, PolicyInfo, Required, RuleInfo, Skipped,
    Status, Summary, TestResults, Tool, Verdict, Warning,
};
use crate::engine::{Engine, FileResult, GraphFn, Needs, RequiredHit};
use crate::error::Error;
use crate::policy::{self, Policy, RuleKind, Severity, discover};
use crate::walk::{self, Event, WalkOptions};

mod callgraph;
use callgraph::{Deferred, GRAPH_HELD_MAX, complete_graph, graph_size};

/// Everything that decides an audit: one call of [`run_audit`] turns it into the final
/// [`Audit`].
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub paths: Vec<PathBuf>,
    pub policy: Option<PathBuf>,
    pub walk: WalkOptions,
    pub needs: Needs,
    /// Lowest severity that fails; `None`: never fail.
    pub fail_on: Option<Severity>,
    /// `--baseline`: findings recorded there do not count.
    pub baseline: Option<PathBuf>,
    /// Diff mode: only findings on lines changed since this base count.
    pub diff: Option<DiffBase>,
    /// `--test-results` files (`go test -json`, JUnit XML).
    pub test_results: Vec<PathBuf>,
    /// The command line that reproduces the run, for the document.
    pub command: String,
    /// Draw a progress line on standard error when the run takes a while (a terminal, not
    /// quiet, not CI).
    pub progress: bool,
    /// `--rule`: evaluate only these rules (all when empty).
    pub rules: Vec<String>,
    /// `--exclude-rule`: do not evaluate these rules.
    pub exclude_rules: Vec<String>,
}

/// The base of diff mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffBase {
    /// `--new-from-rev REV`.
    Rev(String),
    /// `--new-from-merge-base REF`: the merge base of HEAD and REF.
    MergeBase(String),
}

/// The root that every path in the output is relative to: the git work tree that holds the
/// first audited path (or the current directory when none is given); outside git, the
/// current directory, or the first audited directory when it lies outside the current
/// directory (so its paths stay relative and the builtin pack's excludes apply). Absolute.
pub fn root_of(paths: &[PathBuf]) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let start = paths.first().map(|p| {
        let p = cwd.join(p);
        if p.is_dir() {
            p
        } else {
            p.parent().map(Path::to_path_buf).unwrap_or(p)
        }
    });
    let start = start.filter(|s| s.is_dir());
    if let Some(top) = start
        .as_ref()
        .and_then(|s| crate::git::toplevel(s))
        .or_else(|| crate::git::toplevel(&cwd).filter(|_| paths.is_empty()))
    {
        return top;
    }
    match start {
        Some(s) if !crate::walk::lexically_under(&s, &cwd) => s,
        _ => cwd,
    }
}

/// The policy for the audited paths: `--policy FILE`, else the nearest `routeaudit.toml`
/// at or above the first path, else the builtin pack. Its globs are anchored at the policy
/// file's directory (a builtin pack's at the root).
pub fn load_policy(
    req_policy: Option<&Path>,
    paths: &[PathBuf],
    root: &Path,
) -> Result<Policy, Error> {
    let start = paths
        .first()
        .map(PathBuf::as_path)
        .unwrap_or(Path::new("."));
    let file = match req_policy {
        Some(p) => Some(p.to_path_buf()),
        None => match discover::discover(start) {
            discover::PolicySource::File(p) => Some(p),
            discover::PolicySource::Builtin(_) => None,
        },
    };
    let mut policy = match &file {
        Some(p) => policy::load_file(p),
        None => policy::load_builtin("pure-executor"),
    }
    .map_err(Error::PolicyOfAudit)?;
    if let Some(dir) = policy.base_dir.clone() {
        policy.anchor(&anchor_of(root, &dir));
    }
    Ok(policy)
}

/// The `/`-terminated path of `dir` relative to `root` (`""` when they are the same), written
/// the way the walk writes the paths of files (a directory outside the root keeps its
/// absolute path), so that globs anchored there match exactly the files under it.
fn anchor_of(root: &Path, dir: &Path) -> String {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    if canon(root) == canon(dir) {
        return String::new();
    }
    format!("{}/", crate::walk::relative(root, dir))
}

/// The merged output of the walk, before the verdict.
#[derive(Default)]
pub struct Collected {
    /// The files that contributed something (most files contribute nothing and are only
    /// counted: memory follows the findings, not the tree).
    pub results: Vec<(String, FileResult)>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<FileError>,
    pub warnings: Vec<Warning>,
    pub files: usize,
    /// Files in scope that ignore rules left out.
    pub ignored: usize,
    /// Call-graph units that may hold an entry function.
    pub entry_units: std::collections::HashSet<String>,
    /// Files not parsed whose functions the call graph may want.
    pub deferred: Deferred,
    /// The call-path findings and warnings, when the call graph was evaluated unit by unit
    /// (see [`complete_graph`]).
    pub reach: Option<(Vec<Finding>, Vec<Warning>)>,
    /// The call graph is evaluated unit by unit (see [`complete_graph`]).
    pub by_unit: bool,
    /// About how many bytes the functions kept from the walk hold, and may hold.
    graph_held: usize,
    graph_budget: usize,
}

impl Collected {
    /// Records one file's result: kept when it holds anything, else only noted (a file
    /// the call graph may want later is remembered by path).
    fn keep(&mut self, root: &Path, path: &Path, rel: &str, unit: &str, res: FileResult) {
        if res.may_hold_entry && !self.entry_units.contains(unit) {
            self.entry_units.insert(unit.to_string());
        }
        let mut res = res;
        let mut deferred = res.graph_deferred;
        if self.by_unit && !res.graph.is_empty() {
            let size = graph_size(&res.graph);
            if self.graph_held + size > self.graph_budget {
                res.graph = Vec::new();
                deferred = true;
            } else {
                self.graph_held += size;
            }
        }
        let slot = (!res.is_empty()).then(|| {
            self.results.push((rel.to_string(), res));
            self.results.len() - 1
        });
        if deferred {
            self.deferred.push(root, path, slot);
        }
    }
}

/// Walks and evaluates; returns per-file results (unsorted). Each file is identified by its raw
/// path, so two files whose names print alike are both audited; the walk hands out each path
/// once, so overlapping arguments (`check . internal`, a file named twice) count once.
pub(crate) fn collect(
    engine: &Engine,
    root: &Path,
    paths: &[PathBuf],
    opts: &WalkOptions,
    progress: &crate::progress::Progress,
    by_unit: bool,
) -> Collected {
    let policy = engine.policy;
    let out = Mutex::new(Collected {
        by_unit,
        graph_budget: GRAPH_HELD_MAX,
        ..Collected::default()
    });
    let in_scope = |rel: &str| policy.scope.contains(rel);
    let pruner = walk::DirPruner::new(policy.scope.exclude.as_ref());
    let prune = |rel: &str| pruner.is_pruned(rel);
    let filter = walk::Filter {
        file: &in_scope,
        prune: &prune,
    };
    let visit = |f: walk::SourceFile| {
        let unit = f.lang.front().unit_of(f.rel);
        let res = engine.check_file(f.rel, f.lang, f.text, &unit);
        progress.file_done();
        let mut o = out.lock().expect("collector lock");
        o.files += 1;
        o.keep(root, f.path, f.rel, &unit, res);
    };
    // a file whose content is not audited still exists: `forbid-file` holds for it
    let unread = |f: &walk::FileId| {
        let unit = f.lang.front().unit_of(&f.rel);
        let mut res = engine.check_file(&f.rel, f.lang, "", &unit);
        res.findings.retain(|x| x.rule_kind == "forbid-file");
        FileResult {
            findings: res.findings,
            ..FileResult::default()
        }
    };
    let event = |e: Event| match e {
        Event::Skipped { file, reason } => {
            let res = unread(&file);
            let mut o = out.lock().expect("collector lock");
            if reason == "too-large" {
                o.errors.push(FileError::unreadable(
                    file.rel.clone(),
                    None,
                    too_large_message(opts.max_filesize),
                ));
            }
            o.skipped.push(Skipped {
                file: file.rel.clone(),
                reason: reason.into(),
            });
            o.results.push((file.rel, res));
        }
        Event::Unreadable { file, message } => {
            let res = unread(&file);
            let mut o = out.lock().expect("collector lock");
            o.errors
                .push(FileError::unreadable(file.rel.clone(), None, message));
            o.results.push((file.rel, res));
        }
        Event::Error { rel, message } => out
            .lock()
            .expect("collector lock")
            .errors
            .push(FileError::unreadable(rel, None, message)),
        Event::Warning {
            rel,
            line,
            code,
            message,
        } => out.lock().expect("collector lock").warnings.push(Warning {
            file: rel,
            line,
            code,
            message,
        }),
        Event::Ignored { .. } => out.lock().expect("collector lock").ignored += 1,
    };
    walk::walk(root, paths, opts, &filter, &visit, &event);
    out.into_inner().expect("collector lock")
}

/// Why a file over the size cap makes the verdict incomplete, and what to do about it.
fn too_large_message(cap: u64) -> String {
    format!(
        "larger than --max-filesize ({cap} bytes): not audited; raise the cap, or pass \
         --max-filesize 0 for none"
    )
}

/// Runs the whole audit: policy, walk, rules, call paths, suppressions, baseline, diff mode
/// and test evidence; the returned audit is settled (statuses, counts, verdict) and sorted.
/// Problems inside the tree are recorded in it; problems with the request are errors.
pub fn run_audit(req: &Request) -> Result<Audit, Error> {
    let paths: Vec<PathBuf> = if req.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        req.paths.clone()
    };
    // a path argument that does not exist stops the run before anything else is reported
    let missing: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            let e = std::fs::symlink_metadata(p).err()?;
            Some(format!(
                "cannot read the path argument `{}`: {e}",
                p.display()
            ))
        })
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(missing.join("\nerror: ")));
    }
    let root = root_of(&paths);
    let mut policy = load_policy(req.policy.as_deref(), &paths, &root)?;
    let dropped = crate::rulefilter::select(&mut policy, &req.rules, &req.exclude_rules)?;
    // inputs beside the tree are read before the walk: a bad one stops the run early
    let baseline = req
        .baseline
        .as_deref()
        .map(crate::baseline::read)
        .transpose()
        .map_err(Error::Input)?
        .map(|mut b| {
            crate::rulefilter::forget_baseline(&mut b, &dropped);
            b
        });
    let changes = match &req.diff {
        None => None,
        Some(base) => {
            let rev = match base {
                DiffBase::Rev(r) => r.clone(),
                DiffBase::MergeBase(reference) => crate::git::merge_base(&root, reference)?,
            };
            Some(crate::diffmode::changes_since(&root, &rev)?)
        }
    };
    let tests = read_test_results(&policy, &req.test_results)?;

    let engine = Engine::new(&policy, req.needs);
    let progress = crate::progress::Progress::start(req.progress);
    // nothing lists callers and callees: the call graph is evaluated unit by unit
    let by_unit = !req.needs.inventory && !req.needs.graph;
    let mut collected = collect(&engine, &root, &paths, &req.walk, &progress, by_unit);
    progress.phase("call graph");
    complete_graph(&engine, &root, &mut collected, by_unit);
    progress.phase("settling");
    if collected.files == 0 && collected.errors.is_empty() {
        return Err(nothing_in_scope(&policy, &root, &paths, &collected));
    }
    let graph_wanted = engine.wants_graph();
    let (mut audit, mut directives) =
        assemble(&policy, &root, collected, req.fail_on, graph_wanted);
    // the audited paths as the repository sees them: the same however they were typed
    audit.context.root = paths
        .iter()
        .map(|p| match anchor_of(&root, p).trim_end_matches('/') {
            "" => ".".to_string(),
            rel => rel.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    audit.context.command = req.command.clone();
    audit.context.policy_file = match policy.source.strip_prefix("builtin:") {
        Some(_) => policy.source.clone(),
        None => repo_relative(&root, Path::new(&policy.source)),
    };
    // every renderer names the policy as the repository sees it, from wherever the run starts
    audit.policy.source = audit.context.policy_file.clone();
    audit.context.repo_root = root.clone();
    audit.tests = tests.map(|mut t| {
        // as the repository sees them, however they were typed
        t.sources = req
            .test_results
            .iter()
            .map(|p| repo_relative(&root, p))
            .collect();
        t
    });

    // why each finding does not count, decided once: suppression, baseline, diff, test code
    crate::rulefilter::forget_directives(&mut directives, &dropped);
    let known: Vec<&str> = policy.rules.iter().map(|r| r.id.as_str()).collect();
    let (suppressed, unused) = crate::suppress::apply(&audit.findings, &directives, &known);
    audit.warnings.extend(unused);
    let baselined = match &baseline {
        Some(b) => {
            let (marks, stale) = crate::baseline::apply(&audit.findings, &suppressed, b, &root);
            audit.warnings.extend(stale);
            marks
        }
        None => vec![false; audit.findings.len()],
    };
    let separate_tests = policy.scope.tests == crate::policy::TestMode::Separate;
    for (i, f) in audit.findings.iter_mut().enumerate() {
        // a call path is new when any call on it is: a changed helper deep in the chain
        // makes the finding at the unchanged entry new
        let outside_diff = changes.as_ref().is_some_and(|c| match (&f.file, f.line) {
            (Some(file), Some(line)) => {
                !c.is_changed(file, line) && !f.chain.iter().any(|h| c.is_changed(&h.file, h.line))
            }
            _ => false,
        });
        f.status = if let Some(reason) = suppressed[i].clone() {
            Status::Suppressed { reason }
        } else if baselined[i] {
            Status::Baselined
        } else if outside_diff {
            Status::OutsideDiff
        } else if f.test && separate_tests {
            Status::TestCode
        } else {
            Status::Counted
        };
    }
    settle(&mut audit, &policy);
    if req.needs.inventory {
        audit.routing_like =
            crate::engine::routing_like::find(&policy, &audit.functions, &audit.findings);
    }
    Ok(audit)
}

/// `p` (as typed, relative to the current directory or absolute) relative to `root`; a
/// path outside the root stays absolute.
fn repo_relative(root: &Path, p: &Path) -> String {
    crate::walk::relative(root, &p.canonicalize().unwrap_or_else(|_| p.to_path_buf()))
}

/// The error for a run that found no file to audit: which paths, which scope.
fn nothing_in_scope(policy: &Policy, root: &Path, paths: &[PathBuf], c: &Collected) -> Error {
    let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
    let globs = |g: &Option<crate::policy::Globs>| {
        g.as_ref().map(|g| {
            let base = if g.base.is_empty() {
                format!("{}", root.display())
            } else {
                format!("{}", root.join(g.base.trim_end_matches('/')).display())
            };
            (g.patterns.join(", "), base)
        })
    };
    let mut msg = format!(
        "nothing to audit: no file under {} is in the scope of policy `{}`",
        shown.join(", "),
        policy.name
    );
    if let Some((inc, base)) = globs(&policy.scope.include) {
        msg.push_str(&format!(" (include: {inc}; relative to {base})"));
    }
    if let Some((exc, _)) = globs(&policy.scope.exclude) {
        msg.push_str(&format!(" (exclude: {exc})"));
    }
    if !c.skipped.is_empty() {
        msg.push_str(&format!("; {} file(s) skipped", c.skipped.len()));
    }
    if c.ignored > 0 {
        msg.push_str(&format!(
            "; {} file(s) left out by ignore rules (--no-ignore audits them)",
            c.ignored
        ));
    }
    Error::Usage(msg)
}

/// Reads `--test-results` files and summarises them against the policy's forbidden names.
fn read_test_results(policy: &Policy, files: &[PathBuf]) -> Result<Option<TestResults>, Error> {
    if files.is_empty() {
        return Ok(None);
    }
    let runs = files
        .iter()
        .map(|p| crate::testresults::read(p))
        .collect::<Result<Vec<_>, String>>()
        .map_err(Error::Input)?;
    let routing = crate::testresults::RoutingNames::from_policy(policy);
    Ok(Some(crate::testresults::summarize(&runs, &routing)))
}

fn assemble(
    policy: &Policy,
    root: &Path,
    c: Collected,
    fail_on: Option<Severity>,
    graph_wanted: bool,
) -> (Audit, Directives) {
    let mut findings: Vec<Finding> = Vec::new();
    let mut mentions = Vec::new();
    let mut evidence = Vec::new();
    let mut functions: Vec<FunctionInfo> = Vec::new();
    let mut warnings = c.warnings;
    let mut req_hits: Vec<(String, RequiredHit)> = Vec::new();
    let mut graph: Vec<GraphFn> = Vec::new();
    let mut parsed = 0;
    let mut directives = Directives::default();
    let mut file_errors = c.errors;
    for (rel, r) in c.results {
        if !r.directives.is_empty() {
            directives.insert(rel.clone(), r.directives);
        }
        file_errors.extend(
            r.directive_errors
                .into_iter()
                .map(|e| FileError::invalid_suppression(rel.clone(), e.line, e.message)),
        );
        findings.extend(r.findings);
        mentions.extend(r.mentions);
        evidence.extend(r.evidence);
        functions.extend(r.functions);
        warnings.extend(r.warnings);
        graph.extend(r.graph);
        parsed += usize::from(r.parsed);
        req_hits.extend(r.required.into_iter().map(|h| (rel.clone(), h)));
    }

    // required symbols: every declaration found, or a finding where none is
    let mut required = Vec::new();
    for (ri, rule) in policy.rules.iter().enumerate() {
        let RuleKind::RequireSymbol { symbols, .. } = &rule.kind else {
            continue;
        };
        for sym in symbols {
            let mut hits: Vec<&(String, RequiredHit)> = req_hits
                .iter()
                .filter(|(_, h)| h.rule == ri && h.entry == *sym)
                .collect();
            hits.sort_by(|a, b| (&a.0, a.1.line).cmp(&(&b.0, b.1.line)));
            if hits.is_empty() {
                required.push(Required {
                    rule: rule.id.clone(),
                    symbol: sym.clone(),
                    found: false,
                    file: None,
                    line: None,
                    end_line: None,
                    occurrence: None,
                    declared: None,
                });
                findings.push(Finding {
                    symbol: Some(sym.clone()),
                    matched: Some(sym.clone()),
                    ..Finding::of(rule)
                });
                let f = findings.last_mut().expect("just pushed");
                f.fingerprint = crate::engine::fingerprint(f, "");
            }
            for (file, h) in hits {
                required.push(Required {
                    rule: rule.id.clone(),
                    symbol: sym.clone(),
                    found: true,
                    file: Some(file.clone()),
                    line: Some(h.line),
                    end_line: Some(h.end_line),
                    occurrence: Some(h.occurrence),
                    declared: Some(h.declared.clone()),
                });
            }
        }
    }

    if let Some((mut reach_findings, reach_warnings)) = c.reach {
        // evaluated unit by unit while the graph was completed
        fill_source_lines(root, &mut reach_findings);
        findings.extend(reach_findings);
        warnings.extend(reach_warnings);
    } else if graph_wanted {
        // one call graph for the inventory's callers and callees and for every call-path rule
        crate::engine::reach::sort_functions(&mut graph);
        let g = crate::engine::reach::Graph::build(
            &graph,
            policy.scope.tests == crate::policy::TestMode::Include,
        );
        if !functions.is_empty() {
            link_calls(&g, &mut functions);
        }
        let (mut reach_findings, reach_warnings) = crate::engine::reach::evaluate(policy, &g);
        fill_source_lines(root, &mut reach_findings);
        findings.extend(reach_findings);
        warnings.extend(reach_warnings);
    }

    let audit = Audit {
        schema_version: crate::audit::SCHEMA_VERSION,
        tool: Tool::default(),
        policy: PolicyInfo {
            name: policy.name.clone(),
            title: policy.title.clone(),
            source: policy.source.clone(),
            pass_label: policy.pass_label.clone(),
            fail_label: policy.fail_label.clone(),
        },
        verdict: Verdict::Pass,
        summary: Summary {
            files_scanned: c.files,
            files_skipped: c.skipped.len(),
            files_parsed: parsed,
            files_ignored: c.ignored,
            ..Summary::default()
        },
        findings,
        mentions,
        required,
        evidence,
        skipped: c.skipped,
        warnings,
        errors: file_errors,
        rules: Vec::new(),
        tests: None,
        functions,
        routing_like: Vec::new(),
        context: Context {
            include: policy
                .scope
                .include
                .as_ref()
                .map(|g| g.patterns.clone())
                .unwrap_or_default(),
            exclude: policy
                .scope
                .exclude
                .as_ref()
                .map(|g| g.patterns.clone())
                .unwrap_or_default(),
            tests_mode: Some(policy.scope.tests),
            handoff: policy.handoff.clone(),
            policy_description: policy.description.clone(),
            fail_on,
            ..Context::default()
        },
    };
    (audit, directives)
}

/// The `routeaudit:allow` directives of each file.
type Directives = std::collections::HashMap<String, Vec<crate::suppress::Directive>>;

/// Counts, rule table and verdict from the findings' statuses; sorts everything.
fn settle(audit: &mut Audit, policy: &Policy) {
    audit.sort();
    let s = &mut audit.summary;
    s.errors = 0;
    s.warnings = 0;
    s.infos = 0;
    s.test_findings = 0;
    s.suppressed = 0;
    s.baselined = 0;
    s.outside_diff = 0;
    s.mentions = audit.mentions.len();
    s.suppression_warnings = audit.warnings.iter().filter(|w| w.code.gates()).count();
    for f in &audit.findings {
        match f.status {
            Status::Suppressed { .. } => s.suppressed += 1,
            Status::Baselined => s.baselined += 1,
            Status::OutsideDiff => s.outside_diff += 1,
            Status::TestCode => s.test_findings += 1,
            Status::Counted => match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            },
        }
    }
    audit.rules = policy
        .rules
        .iter()
        .map(|r| RuleInfo {
            id: r.id.clone(),
            kind: r.kind.name().into(),
            severity: r.severity,
            message: r.message.clone(),
            owner: r.owner.clone(),
            description: r.description.clone(),
            url: r.url.clone(),
            origin: r.origin.to_string(),
            targets: rule_targets(r),
            findings: audit
                .findings
                .iter()
                .filter(|f| f.rule == r.id && f.counts())
                .count(),
        })
        .collect();
    let fail_on = audit.context.fail_on;
    // warnings about suppressions count at severity warning
    let failing = audit.findings.iter().any(|f| f.fails(fail_on))
        || (audit.summary.suppression_warnings > 0
            && fail_on.is_some_and(|min| Severity::Warning >= min));
    audit.verdict = if !audit.errors.is_empty() {
        Verdict::Error
    } else if failing {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
}

/// Fills each inventory entry's resolved callees and callers (`symbols --calls`).
fn link_calls(g: &crate::engine::reach::Graph, functions: &mut [FunctionInfo]) {
    let fns = g.fns;
    let label = |i: usize| format!("{} ({}:{})", fns[i].name, fns[i].file, fns[i].line);
    let callers = g.callers();
    let index: std::collections::HashMap<(&str, u32, &str), usize> = fns
        .iter()
        .enumerate()
        .map(|(i, f)| ((f.file.as_str(), f.line, f.name.as_str()), i))
        .collect();
    for info in functions.iter_mut() {
        let Some(&i) = index.get(&(info.file.as_str(), info.line, info.name.as_str())) else {
            continue;
        };
        let mut callees: Vec<usize> = g.edges[i].iter().map(|&(_, t)| t).collect();
        callees.sort_unstable();
        callees.dedup();
        info.callees = callees.into_iter().map(label).collect();
        info.callers = callers[i].iter().map(|&c| label(c)).collect();
    }
}

/// Findings made after the walk (call paths) get their excerpt and fingerprint here: only the
/// few files that have such findings are read again.
fn fill_source_lines(root: &Path, findings: &mut [Finding]) {
    let mut cache: std::collections::HashMap<String, Vec<String>> = Default::default();
    for f in findings.iter_mut() {
        if let (Some(file), Some(line)) = (&f.file, f.line) {
            let lines = cache.entry(file.clone()).or_insert_with(|| {
                std::fs::read_to_string(root.join(file))
                    .map(|s| s.lines().map(str::to_string).collect())
                    .unwrap_or_default()
            });
            if let Some(l) = lines.get(line as usize - 1) {
                f.source_line = l.clone();
            }
        }
        let rel = f.file.clone().unwrap_or_default();
        f.fingerprint = crate::engine::fingerprint(f, &rel);
    }
}

fn rule_targets(r: &policy::Rule) -> Vec<String> {
    match &r.kind {
        RuleKind::ForbidSymbol {
            symbols, patterns, ..
        } => symbols
            .iter()
            .cloned()
            .chain(patterns.iter().map(|p| p.as_str().to_string()))
            .collect(),
        RuleKind::RequireSymbol { symbols, .. } => symbols.clone(),
        RuleKind::ForbidFile { files } => files.patterns.clone(),
        RuleKind::ForbidPattern { regex, .. } => vec![regex.as_str().to_string()],
        RuleKind::ForbidReach { to, .. } => to.iter().map(|p| p.display()).collect(),
    }
}
