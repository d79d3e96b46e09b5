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
    let fns = graph.fns;
    let include_tests = policy.scope.tests == TestMode::Include;
    let mut findings = Vec::new();
    let mut warnings = Vec::new();
    for rule in &policy.rules {
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
        for entry_pat in from {
            let entries: Vec<usize> = (0..fns.len())
                .filter(|&i| {
                    (include_tests || !fns[i].test)
                        && rule.applies_to(&fns[i].file)
                        && name_matches(entry_pat, &fns[i].name, policy.naming)
                })
                .collect();
            if entries.is_empty() {
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
                continue;
            }
            for entry in entries.into_iter().filter(|&e| !barrier[e]) {
                for hit in search(graph, entry, to, &barrier, policy.naming, *max_depth) {
                    findings.push(to_finding(rule, fns, entry, hit));
                }
            }
        }
    }
    (findings, warnings)
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
