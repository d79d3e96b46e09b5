//! Benchmarks: the Go front-end on one controller file (whole, the tree-sitter parse alone, the
//! comment and string lexer alone), and a whole `check` with the builtin
//! pack on a generated tree (400 files, 1 in 20 mentioning a routing name, 1 in 200 calling
//! one). The comparison with ripgrep on large generated trees is `benches/compare.sh` (see
//! docs/performance.md).

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};

use routeaudit::engine::Needs;
use routeaudit::pipeline::{Request, run_audit};
use routeaudit::policy::Severity;

const CONTROLLER: &str = include_str!(
    "../examples/go-pure/internal/controller/workflowexecution/workflowexecution_controller.go"
);

fn generate(root: &Path, files: usize) {
    for i in 0..files {
        let dir = root.join(format!("pkg{:03}", i / 50));
        std::fs::create_dir_all(&dir).unwrap();
        let mut text = String::from("package controller\n\nimport \"context\"\n\n");
        for n in 0..20 {
            if i % 20 == 0 && n == 0 {
                text.push_str(
                    "// CheckCooldown was moved to the orchestrator: no routing logic here.\n",
                );
            }
            text.push_str(&format!(
                "func (r *Reconciler) step{n}(ctx context.Context) error {{\n\tif err := r.Get(ctx, key, &obj); err != nil {{\n\t\treturn err\n\t}}\n"
            ));
            if i % 200 == 0 && n == 1 {
                text.push_str("\tif r.CheckCooldown(ctx) {\n\t\treturn r.MarkSkipped(ctx)\n\t}\n");
            }
            text.push_str(
                "\tobj.Status.Phase = \"Running\"\n\treturn r.Status().Update(ctx, &obj)\n}\n\n",
            );
        }
        std::fs::write(dir.join(format!("file{i:05}.go")), text).unwrap();
    }
}

fn bench(c: &mut Criterion) {
    c.bench_function("go front-end: controller file", |b| {
        b.iter(|| {
            routeaudit::lang::extract(routeaudit::lang::Lang::Go, "c.go", black_box(CONTROLLER))
        })
    });
    // The tree-sitter parse alone, to tell the parser's share of the front-end's time from
    // the walk over the syntax tree that turns it into facts.
    c.bench_function("go front-end: tree-sitter parse only", |b| {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_go::LANGUAGE.into())
            .unwrap();
        b.iter(|| parser.parse(black_box(CONTROLLER), None).unwrap())
    });
    c.bench_function("go front-end: comment and string lexer only", |b| {
        b.iter(|| routeaudit::lang::golex::text_regions(black_box(CONTROLLER)))
    });

    let tmp = tempfile::tempdir().unwrap();
    generate(tmp.path(), 400);
    let req = |inventory| Request {
        paths: vec![PathBuf::from(tmp.path())],
        needs: Needs {
            inventory,
            graph: false,
        },
        fail_on: Some(Severity::Error),
        ..Request::default()
    };
    let mut group = c.benchmark_group("check 400 files");
    group.sample_size(20);
    group.bench_function("builtin pack (prefilter)", |b| {
        let r = req(false);
        b.iter(|| run_audit(black_box(&r)).unwrap())
    });
    group.bench_function("builtin pack, every file parsed (inventory)", |b| {
        let r = req(true);
        b.iter(|| run_audit(black_box(&r)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
