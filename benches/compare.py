#!/usr/bin/env python3
"""Measures routeaudit beside ripgrep on generated controller trees and prints a Markdown table.

usage: compare.py [--quick] [--rounds N] [--large-scale K] [--skip-large] [--bin PATH]

Environment:
  ROUTEAUDIT_BENCH_DIR   where the trees, the policy and the results go
                         (default /tmp/routeaudit-bench; trees are reused while their
                         generator and parameters are unchanged)
  CARGO_TARGET_DIR       where `cargo build --release` puts routeaudit (default ./target)
  ROUTEAUDIT_BENCH_LARGE_SCALE  the large tree's size as a multiple of the sparse one (default 10)

Three trees (benches/gen_controllers.py): `dense` (3,000 Go files, 48 of them with one of ten
routing names in code, one in six mentioning one in a comment), `sparse` (10,000 Go and Rust
files, ~94 MB, 8 files with a name in code) and `large` (the sparse profile times K: ~100,000
files, ~940 MB at K = 10). `--quick` uses 300 / 300 / 300*K files.

Timings come from `hyperfine -N --export-json`. Each routeaudit command is timed in the same
hyperfine invocation as the ripgrep command it is compared with, and that invocation is repeated
`--rounds` times; the ratio is the median over rounds of (median routeaudit time / median rg
time) in the round, so load that changes between rounds (this is a shared 2-core machine)
affects both sides alike. Peak RSS comes from `/usr/bin/time -f %M` (the largest of a few runs);
files parsed from `--format json` (`summary.files_parsed`).
"""
import argparse
import datetime
import hashlib
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(HERE, "gen_controllers.py")

NAMES = [
    "CheckCooldown", "CheckResourceLock", "MarkSkipped", "FindMostRecentTerminalWFE",
    "SkipDetails", "PhaseSkipped", "SkipReason", "ConsecutiveFailures",
    "NextAllowedExecution", "BackoffConfig",
]
RG_NAMES = "|".join(NAMES)


def words(name):
    parts, cur = [], ""
    for ch in name:
        if ch.isupper() and cur and not cur[-1].isupper():
            parts.append(cur)
            cur = ""
        cur += ch
    parts.append(cur)
    return "_?".join(p.lower() for p in parts)


# The builtin pack forbids the same ten names with naming = "words": every spelling it accepts
# (CheckCooldown, checkCooldown, check_cooldown) is `check_?cooldown` without case.
RG_WORDS = "|".join(words(n) for n in NAMES)

POLICY = """# The benchmark task: the ten routing names as whole identifiers in code.
[policy]
name = "bench-routing-names"
naming = "exact"

[[rule]]
id = "no-routing-names"
kind = "forbid-symbol"
severity = "error"
symbols = [%s]
in = ["code"]
""" % ", ".join('"%s"' % n for n in NAMES)

MODES = {
    "full": dict(dense=3000, sparse=10000, runs=10, warmup=2, rounds=3, slow_runs=3,
                 slow_warmup=1, rss_reps=3),
    "quick": dict(dense=300, sparse=300, runs=5, warmup=1, rounds=2, slow_runs=2,
                  slow_warmup=1, rss_reps=1),
}


def log(msg):
    sys.stderr.write("== %s\n" % msg)
    sys.stderr.flush()


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def tool_version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.split("\n")[0].strip()
    except OSError:
        return "missing"


def build(args):
    if args.bin:
        return os.path.abspath(args.bin)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    log("cargo build --release --locked (CARGO_TARGET_DIR=%s)" % target)
    subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO, check=True)
    return os.path.join(os.path.abspath(target), "release", "routeaudit")


def generate(base, name, profile, files, scale):
    """Generates a tree unless one from the same generator and parameters is there."""
    with open(GEN, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    stamp = dict(profile=profile, files=files, scale=scale, generator=digest)
    stamp_path = os.path.join(base, name + ".stamp")
    tree = os.path.join(base, name)
    try:
        with open(stamp_path) as f:
            if json.load(f) == stamp and os.path.isdir(tree):
                return
    except (OSError, ValueError):
        pass
    log("generating %s (%s, %d files x %d)" % (tree, profile, files, scale))
    shutil.rmtree(tree, ignore_errors=True)
    if os.path.exists(stamp_path):
        os.remove(stamp_path)
    subprocess.run([sys.executable, GEN, profile, tree, "--files", str(files),
                    "--scale", str(scale)], check=True)
    with open(stamp_path, "w") as f:
        json.dump(stamp, f)


def tree_stats(base, name):
    files = size = 0
    for dirpath, _, names in os.walk(os.path.join(base, name)):
        for n in names:
            files += 1
            size += os.path.getsize(os.path.join(dirpath, n))
    return files, size


def hyperfine(base, commands, runs, warmup, rounds, workdir):
    """Runs `rounds` hyperfine invocations of all `commands`; returns per-round run times."""
    times = {c: [] for c in commands}
    for r in range(rounds):
        out = os.path.join(workdir, "hyperfine-%d.json" % r)
        cmd = ["hyperfine", "-N", "-i", "--style", "basic", "--warmup", str(warmup),
               "--runs", str(runs), "--export-json", out] + commands
        subprocess.run(cmd, cwd=base, check=True, stdout=sys.stderr)
        with open(out) as f:
            for res in json.load(f)["results"]:
                times[res["command"]].append(res["times"])
    return times


def peak_rss(base, command, reps, capture=None):
    """Largest peak RSS (KiB) over `reps` runs; the first run's stdout goes to `capture`."""
    peak, elapsed = 0, None
    for i in range(reps):
        with tempfile.NamedTemporaryFile("r") as tf:
            out = open(capture, "w") if capture and i == 0 else subprocess.DEVNULL
            try:
                subprocess.run(["/usr/bin/time", "-f", "%M %e", "-o", tf.name] + shlex.split(command),
                               cwd=base, stdout=out)
            finally:
                if out is not subprocess.DEVNULL:
                    out.close()
            kib, secs = tf.read().split()[-2:]
            peak = max(peak, int(kib))
            elapsed = float(secs) if elapsed is None else min(elapsed, float(secs))
    return peak, elapsed


def files_parsed(path):
    try:
        with open(path) as f:
            return json.load(f)["summary"]["files_parsed"]
    except (OSError, ValueError, KeyError):
        return None


def fmt_time(mean, sd=None):
    """`mean ± sd` in one unit: milliseconds below 10 s, else seconds."""
    if mean < 10:
        text = "%.0f ms" % (mean * 1000)
        return text if sd is None else "%.0f ms ± %.0f ms" % (mean * 1000, sd * 1000)
    return "%.1f s" % mean if sd is None else "%.1f s ± %.1f s" % (mean, sd)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small trees, fewer runs")
    ap.add_argument("--rounds", type=int, help="hyperfine invocations per comparison")
    ap.add_argument("--large-scale", type=int,
                    default=int(os.environ.get("ROUTEAUDIT_BENCH_LARGE_SCALE", "10")),
                    help="the large tree as a multiple of the sparse one (default 10)")
    ap.add_argument("--skip-large", action="store_true", help="do not generate or measure it")
    ap.add_argument("--bin", help="use this routeaudit binary instead of building one")
    args = ap.parse_args()
    mode = MODES["quick" if args.quick else "full"]
    rounds = args.rounds or mode["rounds"]
    for tool in ("hyperfine", "rg"):
        if not shutil.which(tool):
            sys.exit("compare.py: `%s` is not on PATH" % tool)

    binary = build(args)
    root = os.environ.get("ROUTEAUDIT_BENCH_DIR") or "/tmp/routeaudit-bench"
    base = os.path.join(root, "quick" if args.quick else "full")
    os.makedirs(base, exist_ok=True)
    with open(os.path.join(base, "names.toml"), "w") as f:
        f.write(POLICY)
    generate(base, "dense", "dense", mode["dense"], 1)
    generate(base, "sparse", "sparse", mode["sparse"], 1)
    if not args.skip_large:
        generate(base, "large", "large", mode["sparse"], args.large_scale)
    workdir = tempfile.mkdtemp(prefix="routeaudit-bench-")

    ra = binary
    names = lambda t, sub="check": "%s %s %s --policy names.toml%s" % (
        ra, sub, t, " --format json --fail-on never" if sub == "check" else "")
    builtin = lambda t, sub="check": "%s %s %s%s" % (
        ra, sub, t, " --format json --fail-on never" if sub == "check" else "")
    rg_names = lambda t: "rg -w -c '%s' %s" % (RG_NAMES, t)
    rg_words = lambda t: "rg -i -w -c '%s' %s" % (RG_WORDS, t)

    # (tree, label, command, reference label, fast?)
    rows = []
    loads = [("start", loadavg())]
    stats = {}
    timed = {}
    for tree in ["dense", "sparse"] + ([] if args.skip_large else ["large"]):
        stats[tree] = tree_stats(base, tree)
        log("%s: %d files, %.1f MB; load %s" % (tree, stats[tree][0], stats[tree][1] / 1e6, loadavg()))
        fast = [("check, 10 names", names(tree)), ("rg -w, 10 names", rg_names(tree))]
        slow = [("check, builtin pack", builtin(tree)), ("rg -i -w, builtin spellings", rg_words(tree))]
        if tree == "sparse":
            slow += [("report, 10 names", names(tree, "report")),
                     ("report, builtin pack", builtin(tree, "report")),
                     ("rg -w, 10 names (with report)", rg_names(tree))]
        if tree == "large":
            # Only a few runs: the routeaudit-vs-rg pair, builtin pack once, for memory.
            t = hyperfine(base, [c for _, c in fast], mode["slow_runs"], mode["slow_warmup"], 1, workdir)
            timed[tree] = [(label, cmd, t[cmd]) for label, cmd in fast]
            timed[tree].append(("check, builtin pack", builtin(tree), None))
        else:
            t = hyperfine(base, [c for _, c in fast], mode["runs"], mode["warmup"], rounds, workdir)
            timed[tree] = [(label, cmd, t[cmd]) for label, cmd in fast]
            t = hyperfine(base, [c for _, c in slow], mode["slow_runs"], mode["slow_warmup"], 1, workdir)
            timed[tree] += [(label, cmd, t[cmd]) for label, cmd in slow]
        loads.append((tree, loadavg()))

    results = []
    for tree, entries in timed.items():
        by_label = {label: rounds_ for label, _, rounds_ in entries}
        for label, cmd, per_round in entries:
            ref = None
            if label.startswith(("check, 10 names", "report")):
                ref = "rg -w, 10 names (with report)" if label.startswith("report") else "rg -w, 10 names"
            elif label == "check, builtin pack":
                ref = "rg -i -w, builtin spellings"
            capture = os.path.join(workdir, "out.json") if "check" in label else None
            slow = tree == "large" or per_round is None or len(per_round) == 1
            reps = 1 if slow else mode["rss_reps"]
            log("peak RSS: %s" % cmd)
            rss, single = peak_rss(base, cmd, reps, capture)
            parsed = files_parsed(capture) if capture else None
            shown = cmd.replace(ra, "routeaudit").replace("'%s'" % RG_NAMES, "$NAMES")
            shown = shown.replace("'%s'" % RG_WORDS, "$WORDS")
            row = dict(tree=tree, label=label, command=shown,
                       rss_kib=rss, files_parsed=parsed)
            if per_round:
                allt = [x for r in per_round for x in r]
                row.update(runs=len(allt), mean=statistics.mean(allt),
                           sd=statistics.stdev(allt) if len(allt) > 1 else 0.0,
                           median=statistics.median(allt))
                if ref and by_label.get(ref):
                    ratios = [statistics.median(a) / statistics.median(b)
                              for a, b in zip(per_round, by_label[ref])]
                    row.update(ratio=statistics.median(ratios), ratio_min=min(ratios),
                               ratio_max=max(ratios), ref=ref)
            else:
                row.update(runs=1, mean=single, sd=None, median=single)
            results.append(row)
    loads.append(("end", loadavg()))
    shutil.rmtree(workdir, ignore_errors=True)

    def find(tree, label):
        for r in results:
            if r["tree"] == tree and r["label"] == label:
                return r
        return None

    out = []
    out.append("routeaudit %s vs %s, %s; %d cores (%s); %s; load averages (1/5/15 min): %s" % (
        tool_version([binary, "--version"]).split()[-1],
        tool_version(["rg", "--version"]), tool_version(["hyperfine", "--version"]),
        os.cpu_count(), cpu_model(), "--quick" if args.quick else "full",
        ", ".join("%s %s" % l for l in loads)))
    out.append("")
    out.append("`$NAMES` is `'%s'`; `$WORDS` is `'%s'` (the spellings the builtin pack's"
               " `naming = \"words\"` accepts). Ratios: median over rounds of the two commands'"
               " medians in one hyperfine invocation; rows with one round ran with fewer runs." % (
                   RG_NAMES, RG_WORDS))
    out.append("")
    out.append("| tree | files | size |")
    out.append("| --- | ---: | ---: |")
    for tree, (n, size) in stats.items():
        out.append("| %s | %d | %.1f MB |" % (tree, n, size / 1e6))
    out.append("")
    out.append("| tree | command | runs | mean ± σ | ratio to rg (min–max) | peak RSS | files parsed |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        mean = fmt_time(r["mean"], r["sd"]) if r.get("sd") is not None else fmt_time(r["mean"]) + " (one run)"
        ratio = ""
        if "ratio" in r:
            ratio = "%.2f× (%.2f–%.2f)" % (r["ratio"], r["ratio_min"], r["ratio_max"])
        elif r["label"] == "check, builtin pack" and r["tree"] == "large":
            rg = find("large", "rg -w, 10 names")
            if rg:
                ratio = "%.1f× rg -w" % (r["mean"] / rg["median"])
        out.append("| %s | `%s` | %d | %s | %s | %.1f MB | %s |" % (
            r["tree"], r["command"], r["runs"], mean, ratio, r["rss_kib"] / 1024,
            "" if r["files_parsed"] is None else r["files_parsed"]))
    out.append("")
    out.append("| target | measured | holds |")
    out.append("| --- | ---: | --- |")

    def target(text, value, ok, unit="×"):
        out.append("| %s | %s | %s |" % (text, value, "yes" if ok else "**no**"))

    for tree, bound in (("dense", 1.5), ("sparse", 1.2)):
        r = find(tree, "check, 10 names")
        if r and "ratio" in r:
            target("%s: `check` (10 names) ≤ %.1f× `rg -w`" % (tree, bound),
                   "%.2f×" % r["ratio"], r["ratio"] <= bound)
    small, big = find("sparse", "check, 10 names"), find("large", "check, 10 names")
    if small and big:
        k = big["rss_kib"] / small["rss_kib"]
        target("`check` (10 names) peak RSS, large / sparse ≤ 1.5×",
               "%.2f× (%.1f / %.1f MB)" % (k, big["rss_kib"] / 1024, small["rss_kib"] / 1024), k <= 1.5)
    small, big = find("sparse", "check, builtin pack"), find("large", "check, builtin pack")
    if small and big:
        k = big["rss_kib"] / small["rss_kib"]
        target("`check` (builtin pack) peak RSS, large / sparse ≤ 1.5×",
               "%.2f× (%.1f / %.1f MB)" % (k, big["rss_kib"] / 1024, small["rss_kib"] / 1024), k <= 1.5)
    rep = find("sparse", "report, 10 names")
    if rep and "ratio" in rep:
        target("sparse: `report` (10 names) ≤ 10× `rg -w`", "%.1f×" % rep["ratio"], rep["ratio"] <= 10)
        target("sparse: `report` (10 names) peak RSS < 100 MB", "%.1f MB" % (rep["rss_kib"] / 1024),
               rep["rss_kib"] < 100 * 1024)
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(base, "results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(base, "results.json"), "w") as f:
        json.dump(dict(date=datetime.datetime.now().isoformat(timespec="seconds"), loads=loads,
                       trees=stats, results=results), f, indent=1)
    log("results in %s/results.md and results.json" % base)


if __name__ == "__main__":
    main()
