//! Call-graph reachability (`forbid-reach`): can an execution entry point reach routing logic?
//!
//! The graph is built from the functions every front-end reported, resolved by name inside a
//! unit (a Go package directory, a Rust crate): a plain call `f()` goes to the unit's free
//! functions named `f`; a call on the method's own receiver (`r.f()` in `func (r *R)`,
//! `self.f()`, `Self::f()`) to that type's method `f`; any other qualified call `x.f()` /
//! `T::f()` to every method `f` of the unit (Rust also to free functions `f`, for
//! `module::f()`). Other receiver types are not inferred, so this over-approximates: a path may be reported that a type checker would rule
//! out, but no path between functions of one unit is missed. Function and method values passed
//! on count as calls. Cycles are fine (breadth-first search with a visited set), and the chain
//! reported is a shortest one. A rule's `stop` functions are barriers: never entered, never entries.

use std::collections::{HashMap, VecDeque};

use crate::audit::{Finding, Hop, Warning};
use crate::engine::GraphFn;
use crate::lang::{FnKind, OccKind};
use crate::policy::{NamePat, Naming, Policy, RuleKind, TestMode};

/// The resolved call graph.
pub struct Graph<'g> {
    pub fns: &'g [GraphFn],
    /// For every function, its resolved calls: (index into `calls`, callee function).
    pub edges: Vec<Vec<(usize, usize)>>,
}

impl<'g> Graph<'g> {
    /// Builds the graph; `fns` must already be in a stable order (sorted by file and line).
    pub fn build(fns: &'g [GraphFn], include_tests: bool) -> Self {
        let mut by_name: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, f) in fns.iter().enumerate() {
            if f.test && !include_tests {
                continue;
            }
            by_name
                .entry((f.unit.as_str(), f.name.as_str()))
                .or_default()
                .push(i);
        }
        let edges = fns
            .iter()
            .map(|f| {
                let mut out = Vec::new();
                if f.test && !include_tests {
                    return out;
                }
                for (ci, call) in f.calls.iter().enumerate() {
                    let Some(cands) = by_name.get(&(f.unit.as_str(), call.callee.as_str())) else {
                        continue;
                    };
                    // `self.f()` / `r.f()` on the method's own receiver: that type's method,
                    // when the unit declares one
                    let own: Vec<usize> = match (&call.qualifier, &f.receiver) {
                        (Some(q), Some(recv)) if q == "self" || q == "Self" => cands
                            .iter()
                            .copied()
                            .filter(|&t| fns[t].receiver.as_ref() == Some(recv))
                            .collect(),
                        _ => Vec::new(),
                    };
                    let cands: &[usize] = if own.is_empty() { cands } else { &own };
                    for &t in cands {
                        let target = &fns[t];
                        let ok = match (&call.qualifier, target.kind) {
                            (None, FnKind::Func) => true,
                            (None, FnKind::Method) => false,
                            (Some(_), FnKind::Method) => true,
                            // `module::f()` in Rust names a free function; `x.f()` never does
                            (Some(_), FnKind::Func) => !call.method,
                        };
                        if ok && !out.contains(&(ci, t)) {
                            out.push((ci, t));
                        }
                    }
                }
                out
            })
            .collect();
        Graph { fns, edges }
    }

    /// For every function, the functions that call it, sorted and without repeats.
    pub fn callers(&self) -> Vec<Vec<usize>> {
        let mut callers: Vec<Vec<usize>> = vec![Vec::new(); self.fns.len()];
        for (from, edges) in self.edges.iter().enumerate() {
            for &(_, to) in edges {
                callers[to].push(from);
            }
        }
        for c in &mut callers {
            c.sort_unstable();
            c.dedup();
        }
        callers
    }
}

/// The call graph's functions in their stable order (file, line, name).
pub fn sort_functions(fns: &mut [GraphFn]) {
    fns.sort_by(|a, b| (&a.file, a.line, &a.name).cmp(&(&b.file, b.line, &b.name)));
}

/// Evaluates every forbid-reach rule on the call graph of the whole audited tree (built with
/// [`Graph::build`] from functions in [`sort_functions`] order).
pub fn evaluate(policy: &Policy, graph: &Graph) -> (Vec<Finding>, Vec<Warning>) {
    let mut matched = Matched::new(policy);
    let findings = find(policy, graph, &mut matched)
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    (findings, matched.warnings(policy))
}

/// Evaluates the forbid-reach rules one unit at a time, so that only one unit's calls are held
/// at once. Calls resolve within a unit, so the findings are those of [`evaluate`] on the whole
/// graph, in the same order, with the same warnings.
pub struct ByUnit<'p> {
    policy: &'p Policy,
    /// Each finding with its place in [`evaluate`]'s order.
    found: Vec<(Order, Finding)>,
    matched: Matched,
}

impl<'p> ByUnit<'p> {
    pub fn new(policy: &'p Policy) -> Self {
        ByUnit {
            policy,
            found: Vec::new(),
            matched: Matched::new(policy),
        }
    }

    /// Evaluates the functions of one unit (every function of it, in any order).
    pub fn add(&mut self, mut fns: Vec<GraphFn>) {
        sort_functions(&mut fns);
        let include_tests = self.policy.scope.tests == TestMode::Include;
        let g = Graph::build(&fns, include_tests);
        self.found.extend(find(self.policy, &g, &mut self.matched));
    }

    /// Takes in what another evaluator found (units evaluated on another thread).
    pub fn merge(&mut self, other: ByUnit<'p>) {
        self.found.extend(other.found);
        self.matched.merge(&other.matched);
    }

    /// The findings in [`evaluate`]'s order, and the warnings.
    pub fn finish(mut self) -> (Vec<Finding>, Vec<Warning>) {
        // stable: findings of one unit keep the order they were found in
        self.found.sort_by(|a, b| a.0.cmp(&b.0));
        let warnings = self.matched.warnings(self.policy);
        (self.found.into_iter().map(|(_, f)| f).collect(), warnings)
    }
}

/// Where [`evaluate`] puts a finding: rule, entry pattern, then the entry function in
/// [`sort_functions`] order (file, line, name).
type Order = (usize, usize, String, u32, String);

/// Which entry patterns of each rule matched a function somewhere.
struct Matched(Vec<Vec<bool>>);

impl Matched {
    fn new(policy: &Policy) -> Self {
        Matched(
            policy
                .rules
                .iter()
                .map(|r| match &r.kind {
                    RuleKind::ForbidReach { from, .. } => vec![false; from.len()],
                    _ => Vec::new(),
                })
                .collect(),
        )
    }

    fn merge(&mut self, other: &Matched) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m |= *t;
            }
        }
    }

    /// A warning for every entry pattern that matched no function in scope.
    fn warnings(&self, policy: &Policy) -> Vec<Warning> {
        let mut warnings = Vec::new();
        for (rule, matched) in policy.rules.iter().zip(&self.0) {
            let RuleKind::ForbidReach { from, .. } = &rule.kind else {
                continue;
            };
            for (entry_pat, _) in from.iter().zip(matched).filter(|(_, m)| !**m) {
                warnings.push(Warning {
                    file: None,
                    line: None,
                    code: crate::audit::WarningCode::UnmatchedEntry,
                    message: format!(
                        "rule `{}` ({}): entry `{}` matches no function in scope",
                        rule.id,
                        rule.origin,
                        entry_pat.display()
                    ),
                });
            }
        }
        warnings
    }
}

/// The findings of every forbid-reach rule on `graph`, each with its place in [`evaluate`]'s
/// order; notes in `matched` the entry patterns that match a function of the graph.
fn find(policy: &Policy, graph: &Graph, matched: &mut Matched) -> Vec<(Order, Finding)> {
    let fns = graph.fns;
    let include_tests = policy.scope.tests == TestMode::Include;
    let mut findings = Vec::new();
    for (ri, rule) in policy.rules.iter().enumerate() {
        let RuleKind::ForbidReach {
            from,
            to,
            stop,
            max_depth,
        } = &rule.kind
        else {
            continue;
        };
        // functions a chain never enters (`stop`)
        let barrier: Vec<bool> = fns
            .iter()
            .map(|f| stop.iter().any(|p| name_matches(p, &f.name, policy.naming)))
            .collect();
        for (pi, entry_pat) in from.iter().enumerate() {
            let entries: Vec<usize> = (0..fns.len())
                .filter(|&i| {
                    (include_tests || !fns[i].test)
                        && rule.applies_to(&fns[i].file)
                        && name_matches(entry_pat, &fns[i].name, policy.naming)
                })
                .collect();
            if !entries.is_empty() {
                matched.0[ri][pi] = true;
            }
            for entry in entries.into_iter().filter(|&e| !barrier[e]) {
                for hit in search(graph, entry, to, &barrier, policy.naming, *max_depth) {
                    let f = &fns[entry];
                    let order = (ri, pi, f.file.clone(), f.line, f.name.clone());
                    findings.push((order, to_finding(rule, fns, entry, hit)));
                }
            }
        }
    }
    findings
}

pub(crate) fn name_matches(p: &NamePat, name: &str, naming: Naming) -> bool {
    match p {
        NamePat::Name(n) => naming.key(n) == naming.key(name),
        NamePat::Regex(r) => r.is_match(name),
    }
}

/// A forbidden call reached from an entry: the path of (function, call index) hops, the last
/// being the forbidden call itself.
struct Reach<'p> {
    path: Vec<(usize, usize)>,
    target: String,
    /// The function the last call resolves to, when the tree declares one.
    target_fn: Option<usize>,
    pattern: &'p NamePat,
}

/// Breadth-first search from `entry`; one result per distinct forbidden callee name, each with
/// a shortest path. Deterministic: functions and calls are visited in source order. A function
/// marked in `barrier` is never entered: a call to it is still checked against `to`, but the
/// search does not continue through it.
fn search<'p>(
    g: &Graph,
    entry: usize,
    to: &'p [NamePat],
    barrier: &[bool],
    naming: Naming,
    max_depth: Option<usize>,
) -> Vec<Reach<'p>> {
    let n = g.fns.len();
    // parent[f] = (previous function, call index in it) on a shortest path
    let mut parent: Vec<Option<(usize, usize)>> = vec![None; n];
    let mut depth = vec![usize::MAX; n];
    depth[entry] = 0;
    let mut queue = VecDeque::from([entry]);
    let mut found: Vec<Reach<'p>> = Vec::new();
    while let Some(f) = queue.pop_front() {
        let d = depth[f];
        // a forbidden call made by f is reached in d + 1 hops
        if max_depth.is_none_or(|m| d < m) {
            for (ci, call) in g.fns[f].calls.iter().enumerate() {
                if found.iter().any(|r| r.target == call.callee) {
                    continue;
                }
                if let Some(p) = to.iter().find(|p| name_matches(p, &call.callee, naming)) {
                    let mut path = vec![(f, ci)];
                    let mut cur = f;
                    while let Some((prev, pci)) = parent[cur] {
                        path.push((prev, pci));
                        cur = prev;
                    }
                    path.reverse();
                    let target_fn = g.edges[f].iter().find(|&&(c, _)| c == ci).map(|&(_, t)| t);
                    found.push(Reach {
                        path,
                        target: call.callee.clone(),
                        target_fn,
                        pattern: p,
                    });
                }
            }
        }
        if max_depth.is_some_and(|m| d + 1 >= m) {
            continue;
        }
        for &(ci, t) in &g.edges[f] {
            if depth[t] == usize::MAX && !barrier[t] {
                depth[t] = d + 1;
                parent[t] = Some((f, ci));
                queue.push_back(t);
            }
        }
    }
    found
}

fn to_finding(rule: &crate::policy::Rule, fns: &[GraphFn], entry: usize, r: Reach) -> Finding {
    let (first_fn, first_call) = r.path[0];
    let site = &fns[first_fn].calls[first_call];
    let mut chain: Vec<Hop> = r
        .path
        .iter()
        .map(|&(f, ci)| Hop {
            function: fns[f].name.clone(),
            file: fns[f].file.clone(),
            line: fns[f].calls[ci].span.line,
        })
        .collect();
    // the last hop: the forbidden function itself, at the declaration the call resolves to
    // when the tree has one, else at the call
    let (last_fn, last_call) = *r.path.last().expect("a path has at least one hop");
    chain.push(match r.target_fn {
        Some(t) => Hop {
            function: fns[t].name.clone(),
            file: fns[t].file.clone(),
            line: fns[t].line,
        },
        None => Hop {
            function: r.target.clone(),
            file: fns[last_fn].file.clone(),
            line: fns[last_fn].calls[last_call].span.line,
        },
    });
    Finding {
        symbol: Some(r.target.clone()),
        matched: Some(r.pattern.display()),
        occurrence: Some(OccKind::Call),
        in_function: Some(fns[entry].name.clone()),
        test: fns[entry].test,
        chain,
        ..Finding::of(rule)
    }
    .at(&fns[first_fn].file, site.span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Engine, Needs};
    use crate::lang::Lang;

    /// Three Go packages (units); two name their functions alike, so a graph that mixed units
    /// up would find paths that do not exist.
    fn functions(policy: &Policy) -> Vec<GraphFn> {
        let files = [
            (
                "a/ctl.go",
                "package a\n\nfunc reconcilePending() {\n\tstep()\n\tother()\n}\n\nfunc reconcileRunning() {\n\tstep()\n}\n",
            ),
            (
                "a/step.go",
                "package a\n\nfunc step() {\n\tcheckCooldown()\n}\n\nfunc other() {\n\tisCooldownActive()\n}\n",
            ),
            (
                "b/ctl.go",
                "package b\n\nfunc reconcilePending() {\n\tstep()\n}\n\nfunc step() {}\n",
            ),
            (
                "c/x.go",
                "package c\n\nfunc step() {\n\tcheckCooldown()\n}\n",
            ),
        ];
        let engine = Engine::new(policy, Needs::default());
        files
            .iter()
            .flat_map(|(rel, src)| {
                let unit = Lang::Go.front().unit_of(rel);
                engine.check_file_full(rel, Lang::Go, src, &unit).graph
            })
            .collect()
    }

    #[test]
    fn unit_by_unit_finds_what_the_whole_graph_finds() {
        let policy = crate::policy::parse::parse_policy(
            "[[rule]]\nid = \"r\"\nkind = \"forbid-reach\"\n\
             from = [\"reconcilePending\", \"reconcileRunning\", \"reconcileNowhere\"]\n\
             to = ['(?i)cooldown']\n\
             [[rule]]\nid = \"s\"\nkind = \"forbid-reach\"\nfrom = [\"reconcileRunning\"]\n\
             to = [\"checkCooldown\"]\nstop = [\"step\"]\n",
            "p.toml",
            None,
        )
        .unwrap();
        let mut all = functions(&policy);
        sort_functions(&mut all);
        let g = Graph::build(&all, false);
        let (whole, whole_warnings) = evaluate(&policy, &g);
        let chains = |f: &[Finding]| -> Vec<(String, Vec<Hop>)> {
            f.iter()
                .map(|f| (f.rule.clone(), f.chain.clone()))
                .collect()
        };
        // a/ reaches both cooldown calls from reconcilePending and one from reconcileRunning;
        // b/ and c/ reach nothing; the second rule stops at `step`
        assert_eq!(whole.len(), 3, "{:?}", chains(&whole));
        assert_eq!(whole_warnings.len(), 1, "{whole_warnings:?}");
        assert!(whole_warnings[0].message.contains("reconcileNowhere"));

        // the units in another order, split over two evaluators as over two threads
        let mut units: std::collections::BTreeMap<String, Vec<GraphFn>> = Default::default();
        for f in functions(&policy) {
            units.entry(f.unit.clone()).or_default().push(f);
        }
        let mut first = ByUnit::new(&policy);
        let mut second = ByUnit::new(&policy);
        for (i, (_, mut fns)) in units.into_iter().rev().enumerate() {
            fns.reverse();
            if i % 2 == 0 {
                first.add(fns);
            } else {
                second.add(fns);
            }
        }
        first.merge(second);
        let (parts, part_warnings) = first.finish();
        assert_eq!(chains(&parts), chains(&whole));
        let at = |f: &[Finding]| -> Vec<_> {
            f.iter()
                .map(|f| (f.file.clone(), f.line, f.column, f.symbol.clone()))
                .collect()
        };
        assert_eq!(at(&parts), at(&whole));
        assert_eq!(part_warnings, whole_warnings);
    }
}
