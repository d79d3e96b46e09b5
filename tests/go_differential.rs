//! Differential test of the Go front-end against Go's own parser.
//!
//! `tests/goparser/main.go` (go/parser and go/ast, standard library only) prints every
//! identifier of a Go file with the occurrence kind Go's syntax gives it; this test builds
//! it with the installed `go` (offline, caches in a temporary directory), runs it over the
//! Go files of the fixtures and examples and over a generated set of constructs, and
//! compares name, kind and position of every occurrence with `lang::go::extract`. Any
//! disagreement fails, except the intentional ones listed in [`intentional`].
//!
//! Without `go` the test fails under CI (`CI` set) and is skipped with a note otherwise.
//! `ROUTEAUDIT_GO_DIFF_DIRS=dir1:dir2` adds directories (e.g. the Go standard library) and
//! prints the agreement over them; disagreements there are listed, not failed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use routeaudit::span::LineIndex;

/// (byte offset, name, kind) of one occurrence.
type Occ = (usize, String, String);

/// (byte offset, name, routeaudit's kind, go/parser's kind) of one disagreement.
type Diff = (usize, String, Option<String>, Option<String>);

/// The reason routeaudit reads an occurrence differently from go/parser on purpose, if it
/// does: `ours` is routeaudit's kind (`None` when it reports no occurrence), `theirs` Go's.
///
/// The list is empty: on the fixtures, the examples, the generated constructs and the Go
/// standard library the two readings agree. Two readings are the same by construction and
/// need no entry: a conversion to a named type (`T(x)`) is a call in both, as neither
/// parser knows that `T` is a type; and files Go cannot parse are not compared.
fn intentional(_name: &str, _ours: Option<&str>, _theirs: Option<&str>) -> Option<&'static str> {
    None
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the dumper; `None` (after failing under CI) when there is no usable `go`.
fn dumper(tmp: &Path) -> Option<PathBuf> {
    let go = |args: &[&str]| {
        Command::new("go")
            .args(args)
            .env("GOCACHE", tmp.join("gocache"))
            .env("GOPATH", tmp.join("gopath"))
            .env("GO111MODULE", "off")
            .env("GOFLAGS", "")
            .env("GOPROXY", "off")
            .env("GOTOOLCHAIN", "local")
            .env("CGO_ENABLED", "0")
            .output()
    };
    match go(&["version"]) {
        Ok(o) if o.status.success() => {}
        _ => {
            assert!(
                !ci(),
                "the Go toolchain (`go`) is required for this test under CI"
            );
            println!("note: `go` not found; the differential test against go/parser is skipped");
            return None;
        }
    }
    let bin = tmp.join("goparser");
    let src = root().join("tests/goparser/main.go");
    let o =
        go(&["build", "-o", bin.to_str().unwrap(), src.to_str().unwrap()]).expect("run go build");
    assert!(
        o.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    Some(bin)
}

/// Go's reading of each file: its occurrences, or the parse error.
fn theirs(bin: &Path, files: &[PathBuf]) -> BTreeMap<PathBuf, Result<Vec<Occ>, String>> {
    let mut out: BTreeMap<PathBuf, Result<Vec<Occ>, String>> = BTreeMap::new();
    for chunk in files.chunks(200) {
        let o = Command::new(bin)
            .args(chunk)
            .output()
            .expect("run goparser");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        for f in chunk {
            out.insert(f.clone(), Ok(Vec::new()));
        }
        for line in String::from_utf8(o.stdout).unwrap().lines() {
            let cols: Vec<&str> = line.splitn(4, '\t').collect();
            let path = PathBuf::from(cols[0]);
            if cols[1] == "error" {
                out.insert(path, Err(cols[2..].join(" ")));
                continue;
            }
            if let Some(Ok(v)) = out.get_mut(&path) {
                v.push((cols[1].parse().unwrap(), cols[2].into(), cols[3].into()));
            }
        }
    }
    out
}

/// routeaudit's reading of a file, positions turned back into byte offsets.
fn ours(src: &str) -> Vec<Occ> {
    let idx = LineIndex::new(src);
    let facts = routeaudit::lang::go::extract(src);
    facts
        .occurrences
        .iter()
        .map(|o| {
            let line = idx.line_start(o.span.line as usize - 1);
            let col = src[line..]
                .char_indices()
                .nth(o.span.column as usize - 1)
                .map_or(src.len(), |(i, _)| line + i);
            (col, o.name.clone(), o.kind.as_str().to_string())
        })
        .collect()
}

/// Disagreements in one file: (offset, name, ours, theirs), intentional ones left out.
fn compare(src: &str, go: &[Occ]) -> (usize, Vec<Diff>) {
    let mut a: BTreeMap<(usize, String), String> = BTreeMap::new();
    for (o, n, k) in ours(src) {
        a.insert((o, n), k);
    }
    let mut b: BTreeMap<(usize, String), String> = BTreeMap::new();
    for (o, n, k) in go {
        b.insert((*o, n.clone()), k.clone());
    }
    let mut diffs = Vec::new();
    let keys: std::collections::BTreeSet<&(usize, String)> = a.keys().chain(b.keys()).collect();
    for key in &keys {
        let (x, y) = (a.get(*key), b.get(*key));
        if x == y || intentional(&key.1, x.map(String::as_str), y.map(String::as_str)).is_some() {
            continue;
        }
        diffs.push((key.0, key.1.clone(), x.cloned(), y.cloned()));
    }
    (keys.len(), diffs)
}

fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "testdata") {
                go_files(&p, out);
            }
        } else if p.extension().is_some_and(|e| e == "go") {
            out.push(p);
        }
    }
}

/// Small files covering Go's declaration and expression forms, each in several places.
fn generated(dir: &Path) -> Vec<PathBuf> {
    let statements = [
        "x := f(1)",
        "a, b := g(), h.i()",
        "var v, w int = 1, 2",
        "const c = iota",
        "v = nil",
        "_ = true && false",
        "for k, v := range m { _ = k; _ = v }",
        "for k = range m {}",
        "switch y := z.(type) { case int: _ = y }",
        "switch z.(type) {}",
        "select { case v, ok := <-ch: _ = ok; case w = <-ch: _ = w; case ch <- 1: }",
        "go r.Run(ctx)",
        "defer (f)()",
        "F[int](x)",
        "pkg.G[string, int](x)",
        "_ = pkg.G[string]",
        "_ = T{A: 1, B: f()}",
        "_ = []T{{A: 1}}",
        "_ = func(p int) (q int) { return p }",
        "_ = x.(interface{ M() })",
        "_ = s[1:2]",
        "_ = (*T)(nil)",
        "_ = new(T)",
        "_ = make(map[K]V)",
        "L: for { break L }",
        "goto L2; L2:",
        "x.y.z.M()",
        "x.F().G().H()",
        "type local struct{ A, B int; *Embedded; pkg.Other; Result[T] }",
        "type alias = pkg.T",
        "var fn func(a int, b ...string) error",
        "ch := make(chan<- int)",
        "_ = <-ch",
        "x++",
        "_ = -x + ^y",
        "_ = struct{ A int }{A: 1}",
        "_ = [...]int{1, 2}",
        "_ = (pkg.Pointer)(unsafe.Pointer(p))",
        "_ = ((f))(1)",
    ];
    let decls = [
        "type S struct { A, B int; *pkg.Client[T]; Result[T]; pkg.Other; In struct{ X int } }",
        "type I interface { M(a int) error; io.Reader; ~int | string }",
        "type G[T any, U comparable] struct{ t T; u U }",
        "func (s *Set[T]) Insert(v T) bool { return s.has(v) }",
        "func (m Map[K, V]) Get(k K) (V, bool) { return m.get(k) }",
        "func F[T interface{ ~int }](x T) T { return x }",
        "func (r *R) M() { r.N(); r.c.Get(); pkg.F(r.V) }",
        "const ( A = iota; B; C )",
        "var ( x int; y = f() )",
        "type ( A1 int; B1 = A1 )",
        "func init() {}",
        "func many(a, b, c, d, e, f, g, h, i, j int) (int, int) { return a, j }",
        "func unnamed(int, string, ...error) {}",
    ];
    let mut files = Vec::new();
    let mut write = |name: String, body: String| {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        files.push(p);
    };
    for (i, s) in statements.iter().enumerate() {
        write(
            format!("stmt_{i}_fn.go"),
            format!("package p\n\nfunc f() {{\n\t{s}\n}}\n"),
        );
        write(
            format!("stmt_{i}_method.go"),
            format!("package p\n\nfunc (r *R) m(x int) {{\n\tif x > 0 {{\n\t\t{s}\n\t}}\n}}\n"),
        );
        write(
            format!("stmt_{i}_lit.go"),
            format!("package p\n\nvar h = func() {{ {s} }}\n"),
        );
    }
    for (i, d) in decls.iter().enumerate() {
        write(format!("decl_{i}.go"), format!("package p\n\n{d}\n"));
    }
    files
}

/// Runs the comparison; returns (files compared, occurrences, disagreements listed).
fn run(bin: &Path, files: &[PathBuf]) -> (usize, usize, Vec<String>) {
    let go = theirs(bin, files);
    let (mut compared, mut occs, mut report) = (0, 0, Vec::new());
    for (path, res) in &go {
        let Ok(go_occ) = res else { continue };
        let Ok(src) = std::fs::read_to_string(path) else {
            continue;
        };
        compared += 1;
        let (n, diffs) = compare(&src, go_occ);
        occs += n;
        let idx = LineIndex::new(&src);
        for (off, name, a, b) in diffs {
            let (line, col) = idx.position(&src, off);
            report.push(format!(
                "{}:{line}:{col}: {name}: routeaudit {}, go/parser {}",
                path.display(),
                a.as_deref().unwrap_or("-"),
                b.as_deref().unwrap_or("-"),
            ));
        }
    }
    (compared, occs, report)
}

#[test]
fn occurrences_agree_with_go_parser() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(bin) = dumper(tmp.path()) else {
        return;
    };
    let mut files = Vec::new();
    go_files(&root().join("tests/fixtures"), &mut files);
    go_files(&root().join("examples"), &mut files);
    let gen_dir = tmp.path().join("gen");
    std::fs::create_dir_all(&gen_dir).unwrap();
    let generated = generated(&gen_dir);
    files.extend(generated.iter().cloned());
    let (compared, occs, report) = run(&bin, &files);
    // every generated file is valid Go, and most fixtures are
    assert!(compared >= generated.len() + 5, "{compared} files compared");
    assert!(occs > 1000, "{occs} occurrences");
    assert!(report.is_empty(), "{}", report.join("\n"));

    if let Ok(dirs) = std::env::var("ROUTEAUDIT_GO_DIFF_DIRS") {
        let mut extra = Vec::new();
        for d in dirs.split(':').filter(|d| !d.is_empty()) {
            go_files(Path::new(d), &mut extra);
        }
        let (compared, occs, report) = run(&bin, &extra);
        println!(
            "{compared} files, {occs} occurrences, {} disagreements ({:.4}% agreement)",
            report.len(),
            100.0 * (occs - report.len()) as f64 / occs.max(1) as f64
        );
        for r in report.iter().take(200) {
            println!("{r}");
        }
    }
}
