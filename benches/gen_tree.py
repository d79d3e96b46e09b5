#!/usr/bin/env python3
"""Generates a large synthetic controller tree for routeaudit benchmarks.

usage: gen_tree.py DIR [FILES] [LINES_PER_FILE]

A simple uniform tree; the benchmark harness (benches/compare.sh) uses gen_controllers.py.

Most files are clean executor code; about 1 in 200 declares or calls a routing function, and
about 1 in 20 mentions one in a comment, so the prefilter, the parser and the rules all work.
Deterministic: the same arguments give the same tree.
"""
import os
import random
import sys

root = sys.argv[1]
files = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
lines = int(sys.argv[3]) if len(sys.argv) > 3 else 250
rng = random.Random(42)

BODY = [
    "\tif err := r.Get(ctx, req.NamespacedName, &obj); err != nil {",
    "\t\treturn ctrl.Result{}, client.IgnoreNotFound(err)",
    "\t}",
    "\tpr := buildPipelineRun(&obj, r.Namespace)",
    "\tif err := r.Create(ctx, pr); err != nil {",
    "\t\treturn r.handleError(ctx, &obj, fmt.Errorf(\"create: %w\", err))",
    "\t}",
    "\tobj.Status.Phase = \"Running\"",
    "\tlog.Info(\"created PipelineRun\", \"name\", pr.Name, \"target\", obj.Spec.TargetResource)",
    "\tfor i, step := range obj.Spec.Steps {",
    "\t\tsteps[i] = mapStep(step)",
    "\t}",
]

for i in range(files):
    d = os.path.join(root, "pkg%03d" % (i // 50), "controller")
    os.makedirs(d, exist_ok=True)
    out = ["package controller", "", "import (", '\t"context"', '\t"fmt"', ")", ""]
    kind = rng.random()
    n = 0
    while len(out) < lines:
        out.append("// reconcileStep%d runs one step of the execution." % n)
        if kind < 0.05 and n == 0:
            out.append("// CheckCooldown was moved to the orchestrator; no routing logic here.")
        out.append("func (r *Reconciler) reconcileStep%d(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {" % n)
        for line in BODY:
            out.append(line)
        if kind < 0.005 and n == 1:
            out.append("\tif r.CheckCooldown(ctx, &obj) {")
            out.append("\t\treturn r.MarkSkipped(ctx, &obj)")
            out.append("\t}")
        out.append("\treturn ctrl.Result{}, nil")
        out.append("}")
        out.append("")
        n += 1
    with open(os.path.join(d, "file%05d.go" % i), "w") as f:
        f.write("\n".join(out) + "\n")
