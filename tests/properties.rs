//! Invariants over generated inputs (proptest): every reported call chain is a real, shortest
//! path; results do not depend on the thread count; every finding's span points at its name.

use proptest::prelude::*;
use std::collections::VecDeque;
use std::path::Path;

use routeaudit::engine::Needs;
use routeaudit::pipeline::{Request, run_audit};
use routeaudit::policy::Severity;

fn audit(dir: &Path, threads: usize) -> routeaudit::audit::Audit {
    let req = Request {
        paths: vec![dir.to_path_buf()],
        needs: Needs::default(),
        fail_on: Some(Severity::Error),
        walk: routeaudit::walk::WalkOptions {
            threads,
            ..Default::default()
        },
        ..Request::default()
    };
    run_audit(&req).expect("valid policy")
}

/// A call graph over `f0..fn` plus forbidden targets `t0..t2`: `calls[i]` lists the callees of
/// `fi` (indices >= n are targets).
fn graphs() -> impl Strategy<Value = Vec<Vec<usize>>> {
    (2usize..10).prop_flat_map(|n| prop::collection::vec(prop::collection::vec(0..n + 3, 0..4), n))
}

fn name(i: usize, n: usize) -> String {
    if i < n {
        format!("f{i}")
    } else {
        format!("t{}", i - n)
    }
}

/// Shortest distance (in calls) from f0 to each node.
fn bfs(calls: &[Vec<usize>]) -> Vec<Option<usize>> {
    let n = calls.len();
    let mut dist = vec![None; n + 3];
    dist[0] = Some(0);
    let mut q = VecDeque::from([0]);
    while let Some(f) = q.pop_front() {
        if f >= n {
            continue;
        }
        for &c in &calls[f] {
            if dist[c].is_none() {
                dist[c] = Some(dist[f].unwrap() + 1);
                q.push_back(c);
            }
        }
    }
    dist
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn reach_chains_are_real_shortest_paths(calls in graphs()) {
        let n = calls.len();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("routeaudit.toml"),
            "[[rule]]\nid = \"reach\"\nkind = \"forbid-reach\"\nfrom = [\"f0\"]\nto = ['^t[0-9]$']\n",
        ).unwrap();
        // functions spread over two files of one package; targets declared too
        let mut a = String::from("package p\n\n");
        let mut b = String::from("package p\n\n");
        for (i, cs) in calls.iter().enumerate() {
            let body: String = cs.iter().map(|&c| format!("\t{}()\n", name(c, n))).collect();
            let f = format!("func f{i}() {{\n{body}}}\n\n");
            if i % 2 == 0 { a.push_str(&f) } else { b.push_str(&f) }
        }
        for t in 0..3 {
            b.push_str(&format!("func t{t}() {{}}\n"));
        }
        std::fs::write(dir.path().join("a.go"), &a).unwrap();
        std::fs::write(dir.path().join("b.go"), &b).unwrap();

        let audit = audit(dir.path(), 0);
        let dist = bfs(&calls);
        // exactly the reachable targets are reported, once each
        let mut reported: Vec<String> = audit.findings.iter().map(|f| f.symbol.clone().unwrap()).collect();
        reported.sort();
        let mut expected: Vec<String> = (0..3).filter(|&t| dist[n + t].is_some()).map(|t| format!("t{t}")).collect();
        expected.sort();
        prop_assert_eq!(&reported, &expected);

        for f in &audit.findings {
            let chain: Vec<&str> = f.chain.iter().map(|h| h.function.as_str()).collect();
            prop_assert_eq!(chain[0], "f0");
            prop_assert_eq!(*chain.last().unwrap(), f.symbol.as_deref().unwrap());
            // every hop calls the next
            for w in chain.windows(2) {
                let from: usize = w[0][1..].parse().unwrap();
                let to = w[1];
                prop_assert!(calls[from].iter().any(|&c| name(c, n) == to), "{} does not call {}", w[0], to);
            }
            // and the path is a shortest one
            let t: usize = f.symbol.as_deref().unwrap()[1..].parse().unwrap();
            prop_assert_eq!(Some(chain.len() - 1), dist[n + t]);
        }
    }

    #[test]
    fn results_do_not_depend_on_threads(
        files in prop::collection::vec(
            prop::collection::vec((0usize..4, 0usize..3), 1..6),
            1..12,
        )
    ) {
        let dir = tempfile::tempdir().unwrap();
        let names = ["CheckCooldown", "MarkSkipped", "SkipDetails", "reconcilePending"];
        for (i, lines) in files.iter().enumerate() {
            let mut src = format!("package p{}\n\n", i % 3);
            for (k, &(n, place)) in lines.iter().enumerate() {
                let name = names[n];
                src.push_str(&match place {
                    0 => format!("func g{i}_{k}() {{ {name}() }}\n"),
                    1 => format!("// {name} was removed\n"),
                    _ => format!("var s{i}_{k} = \"{name}\"\n"),
                });
            }
            let sub = dir.path().join(format!("d{}", i % 4));
            std::fs::create_dir_all(&sub).unwrap();
            std::fs::write(sub.join(format!("f{i}.go")), src).unwrap();
        }
        let one = serde_json::to_string(&audit(dir.path(), 1)).unwrap();
        let many = serde_json::to_string(&audit(dir.path(), 4)).unwrap();
        prop_assert_eq!(one, many);
    }

    #[test]
    fn spans_point_at_the_name(
        prefix in "[ \\t]{0,3}(x := \"[a-zé“”]{0,4}\"; )?",
        place in 0usize..3,
        crlf in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let nl = if crlf { "\r\n" } else { "\n" };
        let line = match place {
            0 => format!("{prefix}CheckCooldown()"),
            1 => format!("{prefix}// CheckCooldown"),
            _ => format!("{prefix}_ = \"CheckCooldown\""),
        };
        let src = format!("package p{nl}func f() {{{nl}{line}{nl}}}{nl}");
        std::fs::write(dir.path().join("a.go"), &src).unwrap();
        let a = audit(dir.path(), 0);
        let text_line = src.split(nl).nth(2).unwrap();
        let slice = |col: u32, len: usize| -> String {
            text_line.chars().skip(col as usize - 1).take(len).collect()
        };
        let code: Vec<_> = a.findings.iter().filter(|f| f.rule == "no-routing-functions").collect();
        if place == 0 {
            prop_assert_eq!(code.len(), 1);
            let f = code[0];
            prop_assert_eq!(f.line, Some(3));
            let (c, e) = (f.column.unwrap(), f.end_column.unwrap());
            prop_assert_eq!(slice(c, (e - c) as usize), "CheckCooldown");
        } else {
            prop_assert!(code.is_empty(), "{code:?}");
            let m = a.mentions.iter().find(|m| m.symbol == "CheckCooldown").unwrap();
            prop_assert_eq!(slice(m.column, 13), "CheckCooldown");
        }
    }
}
