//! From paths and a policy to an [`Audit`]: discover the policy, walk, evaluate each file on
//! the walker threads, merge, resolve required symbols, and settle the verdict.
//!
//! Owns the order of the stages and the verdict rule. Renderers and the CLI live elsewhere.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::audit::{
    Audit, Context, FileError, Finding, FunctionInfo, PolicyInfo, Required, RuleInfo, Skipped,
    Summary, Tool, Verdict, Warning,
};
use crate::engine::{Engine, FileResult, GraphFn, Needs, RequiredHit};
use crate::policy::{self, Policy, PolicyError, RuleKind, Severity, discover};
use crate::walk::{self, Event, WalkOptions};

/// Everything that decides an audit.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub paths: Vec<PathBuf>,
    pub policy: Option<PathBuf>,
    pub walk: WalkOptions,
    pub needs: Needs,
    /// Lowest severity that fails; `None`: never fail.
    pub fail_on: Option<Severity>,
}

/// A policy that could not be loaded: every problem, with positions.
#[derive(Debug)]
pub struct PolicyErrors(pub Vec<PolicyError>);

impl std::fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyErrors {}

/// The root that paths are reported relative to: the one directory argument, otherwise
/// the current directory.
pub fn root_of(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [one] if one.is_dir() => one.clone(),
        _ => PathBuf::from("."),
    }
}

pub fn load_policy(req_policy: Option<&Path>, root: &Path) -> Result<Policy, PolicyErrors> {
    match req_policy {
        Some(p) => policy::load_file(p).map_err(PolicyErrors),
        None => match discover::discover(root) {
            discover::PolicySource::File(p) => policy::load_file(&p).map_err(PolicyErrors),
            discover::PolicySource::Builtin(name) => {
                policy::load_builtin(name).map_err(PolicyErrors)
            }
        },
    }
}

/// The merged output of the walk, before the verdict.
#[derive(Default)]
pub struct Collected {
    pub results: Vec<(String, FileResult)>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<FileError>,
    pub warnings: Vec<Warning>,
    pub files: usize,
}

/// Walks and evaluates; returns per-file results (unsorted).
pub fn collect(engine: &Engine, root: &Path, paths: &[PathBuf], opts: &WalkOptions) -> Collected {
    let policy = engine.policy;
    let out = Mutex::new(Collected::default());
    let in_scope = |rel: &str| policy.scope.contains(rel);
    // overlapping arguments (`check . internal`, a file named twice) must not count twice
    let seen: Mutex<std::collections::HashSet<String>> = Mutex::default();
    let visit = |f: walk::SourceFile| {
        if !seen.lock().expect("seen lock").insert(f.rel.to_string()) {
            return;
        }
        let unit = unit_of(f.rel, f.lang);
        let res = engine.check_file(f.rel, f.lang, f.text, &unit);
        let mut o = out.lock().expect("collector lock");
        o.files += 1;
        o.results.push((f.rel.to_string(), res));
    };
    let event = |e: Event| {
        let mut o = out.lock().expect("collector lock");
        match e {
            Event::Skipped { rel, reason } => o.skipped.push(Skipped {
                file: rel,
                reason: reason.into(),
            }),
            Event::Error { rel, message } => o.errors.push(FileError {
                file: rel,
                line: None,
                message,
            }),
            Event::Warning { rel, message } => o.warnings.push(Warning {
                file: Some(rel),
                line: None,
                code: crate::audit::WarningCode::Walk,
                message,
            }),
        }
    };
    walk::walk(root, paths, opts, &in_scope, &visit, &event);
    out.into_inner().expect("collector lock")
}

/// The call-graph unit of a file: its directory for Go (the package), the crate directory
/// (the part before `src/`, `tests/`, ...) for Rust.
pub fn unit_of(rel: &str, lang: crate::lang::Lang) -> String {
    let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    match lang {
        crate::lang::Lang::Rust => {
            let parts: Vec<&str> = dir.split('/').collect();
            match parts
                .iter()
                .rposition(|c| matches!(*c, "src" | "tests" | "benches" | "examples"))
            {
                Some(i) => parts[..i].join("/"),
                None => dir.to_string(),
            }
        }
        _ => dir.to_string(),
    }
}

/// Runs the whole audit.
pub fn run_audit(req: &Request) -> Result<(Audit, Policy), PolicyErrors> {
    let paths: Vec<PathBuf> = if req.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        req.paths.clone()
    };
    let root = root_of(&paths);
    let policy = load_policy(req.policy.as_deref(), &root)?;
    // a path argument that does not exist is one error, and is not walked
    let mut errors = Vec::new();
    let mut existing = Vec::new();
    for p in &paths {
        match std::fs::symlink_metadata(p) {
            Ok(_) => existing.push(p.clone()),
            Err(e) => errors.push(FileError {
                file: p.to_string_lossy().replace('\\', "/"),
                line: None,
                message: format!("cannot read the path argument: {e}"),
            }),
        }
    }
    let engine = Engine::new(&policy, req.needs);
    let collected = collect(&engine, &root, &existing, &req.walk);
    let graph_wanted = engine.wants_graph();
    let mut audit = assemble(&policy, &root, collected, req.fail_on, graph_wanted);
    audit.errors.extend(errors);
    audit.context.root = root.to_string_lossy().replace('\\', "/");
    settle(&mut audit, &policy);
    Ok((audit, policy))
}

fn assemble(
    policy: &Policy,
    root: &Path,
    c: Collected,
    fail_on: Option<Severity>,
    graph_wanted: bool,
) -> Audit {
    let mut findings: Vec<Finding> = Vec::new();
    let mut mentions = Vec::new();
    let mut evidence = Vec::new();
    let mut functions: Vec<FunctionInfo> = Vec::new();
    let mut warnings = c.warnings;
    let mut req_hits: Vec<(String, RequiredHit)> = Vec::new();
    let mut graph: Vec<GraphFn> = Vec::new();
    let mut parsed = 0;
    let mut directives: std::collections::HashMap<String, Vec<crate::suppress::Directive>> =
        Default::default();
    let mut file_errors = c.errors;
    for (rel, r) in c.results {
        if !r.directives.is_empty() {
            directives.insert(rel.clone(), r.directives);
        }
        file_errors.extend(r.directive_errors.into_iter().map(|e| FileError {
            file: rel.clone(),
            line: Some(e.line),
            message: e.message,
        }));
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

    if graph_wanted && !functions.is_empty() {
        link_calls(policy, &graph, &mut functions);
    }
    if graph_wanted {
        let (mut reach_findings, reach_warnings) = crate::engine::reach::evaluate(policy, &graph);
        fill_source_lines(root, &mut reach_findings);
        findings.extend(reach_findings);
        warnings.extend(reach_warnings);
    }

    warnings.extend(crate::suppress::apply(&mut findings, &directives));

    Audit {
        schema_version: crate::audit::SCHEMA_VERSION,
        tool: Tool::default(),
        policy: PolicyInfo {
            name: policy.name.clone(),
            title: policy.title.clone(),
            source: policy.source.clone(),
        },
        verdict: Verdict::Pass,
        summary: Summary {
            files_scanned: c.files,
            files_skipped: c.skipped.len(),
            files_parsed: parsed,
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
    }
}

/// Recomputes counts, rule table and verdict from the findings' flags; sorts everything.
/// Call again after suppressions, baselines or diff filters change the flags.
pub fn settle(audit: &mut Audit, policy: &Policy) {
    audit.sort();
    let tests = policy.scope.tests;
    let s = &mut audit.summary;
    s.errors = 0;
    s.warnings = 0;
    s.infos = 0;
    s.test_findings = 0;
    s.suppressed = 0;
    s.baselined = 0;
    s.mentions = audit.mentions.len();
    for f in &audit.findings {
        if f.suppressed {
            s.suppressed += 1;
        } else if f.baselined {
            s.baselined += 1;
        } else if f.test && tests == crate::policy::TestMode::Separate {
            s.test_findings += 1;
        } else {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
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
            origin: r.origin.to_string(),
            targets: rule_targets(r),
            findings: audit
                .findings
                .iter()
                .filter(|f| f.rule == r.id && f.counts(tests))
                .count(),
        })
        .collect();
    let fail_on = audit.context.fail_on;
    let failing = audit.findings.iter().any(|f| f.fails(tests, fail_on));
    audit.verdict = if !audit.errors.is_empty() {
        Verdict::Error
    } else if failing {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
}

/// Fills each inventory entry's resolved callees and callers (`symbols --calls`).
fn link_calls(policy: &Policy, graph: &[GraphFn], functions: &mut [FunctionInfo]) {
    let mut fns = graph.to_vec();
    fns.sort_by(|a, b| (&a.file, a.line, &a.name).cmp(&(&b.file, b.line, &b.name)));
    let g = crate::engine::reach::Graph::build(
        &fns,
        policy.scope.tests == crate::policy::TestMode::Include,
    );
    let label = |i: usize| format!("{} ({}:{})", fns[i].name, fns[i].file, fns[i].line);
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); fns.len()];
    for (from, edges) in g.edges.iter().enumerate() {
        for &(_, to) in edges {
            if !callers[to].contains(&from) {
                callers[to].push(from);
            }
        }
    }
    for info in functions.iter_mut() {
        let Some(i) = fns
            .iter()
            .position(|f| f.file == info.file && f.line == info.line && f.name == info.name)
        else {
            continue;
        };
        let mut callees: Vec<usize> = g.edges[i].iter().map(|&(_, t)| t).collect();
        callees.sort_unstable();
        callees.dedup();
        info.callees = callees.into_iter().map(label).collect();
        let mut cs = callers[i].clone();
        cs.sort_unstable();
        info.callers = cs.into_iter().map(label).collect();
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
