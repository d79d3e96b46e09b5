#!/usr/bin/env python3
"""Generates controller-style source trees for routeaudit benchmarks.

usage: gen_controllers.py PROFILE DIR [--files N] [--scale K] [--seed S]

PROFILE is one of:

  dense   ~3,000 Go files (~28 MB) in which the ten routing names of the benchmark policy
          are dense: 48 files hold one in code (declarations, calls, fields, constants,
          composite literals), about one file in six mentions one in a comment, one in
          thirty in a string, and one in twenty-five holds a near miss (`CheckCooldownWindow`,
          `lastSkipReason`) that a substring prefilter sees but a whole-word search does not.
  sparse  ~10,000 files (~94 MB), 10% of them Rust (kube-rs style), few hits: 8 files hold
          a name in code, one in a hundred mentions one in a comment.
  large   the sparse profile times --scale (default 10: ~100,000 files, ~940 MB). Generation
          writes about 100 MB per ~10 s on one core; the tree needs its size in free disk.

--files overrides the profile's file count (hits and mentions scale with it); --scale
multiplies it. The output is deterministic: the same profile, count, scale and seed give the
same bytes, whatever the machine. DIR is created; existing files in it are overwritten, other
files are left alone (remove DIR first for a clean tree).

The code is realistic enough to exercise every stage of routeaudit: packages under
`modNNN/{api,internal/controller,pkg}/...`, imports, reconciler types with embedded clients,
methods with receivers, free functions, calls through selectors, switch statements, composite
literals, constants, `fmt.Errorf` strings, doc comments and license headers (Go); modules, `use`
lists, structs with derives, impl blocks, async fns, `match`, `format!`/`info!` macros, `?`,
doc comments and `#[cfg(test)]` modules (Rust). The WorkflowExecution controller packages
declare the executor's lifecycle functions (`reconcilePending`, `ReconcileTerminal`, ...): the
required symbols and call-path entries of the builtin pack.
"""
import argparse
import os
import random
import sys

# The ten routing names of the benchmark policy (exact naming).
NAMES = [
    "CheckCooldown",
    "CheckResourceLock",
    "MarkSkipped",
    "FindMostRecentTerminalWFE",
    "SkipDetails",
    "PhaseSkipped",
    "SkipReason",
    "ConsecutiveFailures",
    "NextAllowedExecution",
    "BackoffConfig",
]

PROFILES = {
    # files, code-hit files, comment-mention rate, string-mention rate, near-miss rate, rust share
    "dense": dict(files=3000, hits=48, comment=1 / 6, string=1 / 30, near=1 / 25, rust=0.0),
    "sparse": dict(files=10000, hits=8, comment=1 / 100, string=1 / 400, near=1 / 200, rust=0.10),
    "large": dict(files=10000, hits=8, comment=1 / 100, string=1 / 400, near=1 / 200, rust=0.10),
}

KINDS = [
    "WorkflowExecution", "PipelineRun", "Notification", "RemediationRequest", "SignalProcessing",
    "AIAnalysis", "Approval", "KubernetesExecution", "Runbook", "EffectivenessCheck",
    "ResourceQuota", "ClusterTarget", "Incident", "Escalation", "AuditRecord",
]
NOUNS = [
    "Status", "Spec", "Phase", "Condition", "Target", "Step", "Param", "Owner", "Label",
    "Annotation", "Finalizer", "Event", "Result", "Timeout", "Retry", "Secret", "Config",
    "Namespace", "Selector", "Template", "Workspace", "Result", "Reference", "Metric",
]
VERBS = [
    "reconcile", "validate", "build", "map", "update", "ensure", "cleanup", "watch", "release",
    "record", "resolve", "fetch", "convert", "compute", "apply", "delete", "patch", "list",
]
AREAS = ["audit", "metrics", "naming", "tekton", "jobs", "events", "status", "conditions",
         "config", "webhook", "util", "labels"]
FIELDS = [
    ("TargetResource", "string"), ("ExecutionNamespace", "string"), ("ServiceAccount", "string"),
    ("Timeout", "time.Duration"), ("Params", "map[string]string"), ("Owner", "string"),
    ("Attempt", "int"), ("StartTime", "*metav1.Time"), ("CompletionTime", "*metav1.Time"),
    ("PipelineRunRef", "string"), ("FailureReason", "string"), ("Message", "string"),
    ("Conditions", "[]metav1.Condition"), ("ObservedGeneration", "int64"), ("Labels", "map[string]string"),
]
MESSAGES = [
    "created PipelineRun", "PipelineRun finished", "waiting for the PipelineRun", "status mapped",
    "spec validated", "finalizer added", "lock released", "job created", "owner reference set",
    "requeue after timeout", "object not found, ignoring", "conflict while updating status",
]
COMMENTS = [
    "the status is written once per reconcile so that watches see a single transition",
    "a conflict means another reconcile won; requeue instead of retrying in a loop",
    "the PipelineRun name is deterministic, so a second create returns AlreadyExists",
    "labels are copied so that the PipelineRun can be listed by its WorkflowExecution",
    "keep this in sync with the CRD validation in api/v1alpha1",
    "the finalizer is removed only after the PipelineRun has been deleted",
    "owner references make the garbage collector delete the children",
    "conditions follow the Kubernetes API conventions (type, status, reason, message)",
    "the executor never decides whether to run: it only runs what it was given",
    "timeouts are enforced by Tekton; this only reports them",
]

# The executor's lifecycle functions (entries and required symbols of the builtin pack), in
# the WorkflowExecution controller packages only.
LIFECYCLE = ["reconcilePending", "reconcileRunning", "ReconcileTerminal", "HandleAlreadyExists"]

GO_LICENSE = (
    "/*\nCopyright 2025 The Kubernaut Authors.\n\n"
    "Licensed under the Apache License, Version 2.0 (the \"License\");\n"
    "you may not use this file except in compliance with the License.\n"
    "You may obtain a copy of the License at\n\n"
    "    http://www.apache.org/licenses/LICENSE-2.0\n\n"
    "Unless required by applicable law or agreed to in writing, software\n"
    "distributed under the License is distributed on an \"AS IS\" BASIS,\n"
    "WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.\n"
    "See the License for the specific language governing permissions and\n"
    "limitations under the License.\n*/\n\n"
)

GO_IMPORTS = (
    "import (\n\t\"context\"\n\t\"errors\"\n\t\"fmt\"\n\t\"time\"\n\n"
    "\tcorev1 \"k8s.io/api/core/v1\"\n"
    "\tapierrors \"k8s.io/apimachinery/pkg/api/errors\"\n"
    "\tmetav1 \"k8s.io/apimachinery/pkg/apis/meta/v1\"\n"
    "\t\"k8s.io/apimachinery/pkg/runtime\"\n"
    "\t\"k8s.io/client-go/tools/record\"\n"
    "\tctrl \"sigs.k8s.io/controller-runtime\"\n"
    "\t\"sigs.k8s.io/controller-runtime/pkg/client\"\n"
    "\t\"sigs.k8s.io/controller-runtime/pkg/log\"\n\n"
    "\tv1alpha1 \"example.com/{mod}/api/v1alpha1\"\n)\n\n"
)

# Go function templates. {R} receiver type, {K} kind, {f} function name, {n}/{m} nouns,
# {v} a verb, {F}/{T} a field and its type, {msg} a log message, {c} a comment, {i} a number.
GO_FUNCS = [
    """// {f} reads the {K} and {c}.
func (r *{R}) {f}(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {{
	logger := log.FromContext(ctx).WithValues("{k}", req.NamespacedName)
	var obj v1alpha1.{K}
	if err := r.Get(ctx, req.NamespacedName, &obj); err != nil {{
		if apierrors.IsNotFound(err) {{
			logger.V(1).Info("{msg}")
			return ctrl.Result{{}}, nil
		}}
		return ctrl.Result{{}}, fmt.Errorf("get {k} %s: %w", req.NamespacedName, err)
	}}
	switch obj.Status.Phase {{
	case "", v1alpha1.Phase{n}Pending:
		return r.{v}{n}(ctx, &obj)
	case v1alpha1.Phase{n}Running:
		return r.{v}{m}(ctx, &obj)
	default:
		logger.Info("{msg}", "phase", obj.Status.Phase)
		return ctrl.Result{{RequeueAfter: {i} * time.Second}}, nil
	}}
}}

""",
    """// {f} {c}.
func (r *{R}) {f}(ctx context.Context, obj *v1alpha1.{K}) (ctrl.Result, error) {{
	if obj.Spec.{F} == {zero} {{
		return r.markFailed(ctx, obj, "spec.{Fl} is required")
	}}
	child := build{n}(obj, r.ExecutionNamespace)
	if err := ctrl.SetControllerReference(obj, child, r.Scheme); err != nil {{
		return ctrl.Result{{}}, err
	}}
	if err := r.Create(ctx, child); err != nil && !apierrors.IsAlreadyExists(err) {{
		r.Recorder.Eventf(obj, corev1.EventTypeWarning, "{n}Failed", "create: %v", err)
		return ctrl.Result{{}}, err
	}}
	obj.Status.Phase = v1alpha1.Phase{n}Running
	obj.Status.{F2} = child.Name
	return ctrl.Result{{}}, r.Status().Update(ctx, obj)
}}

""",
    """// {f} maps the observed {n} onto the {K} status; {c}.
func {f}(obj *v1alpha1.{K}, observed *v1alpha1.{n}Observation) (v1alpha1.Phase, string) {{
	if observed == nil || observed.StartTime == nil {{
		return v1alpha1.Phase{n}Pending, ""
	}}
	for _, cond := range observed.Conditions {{
		if cond.Type != "Succeeded" {{
			continue
		}}
		switch cond.Status {{
		case metav1.ConditionTrue:
			return v1alpha1.Phase{n}Completed, cond.Reason
		case metav1.ConditionFalse:
			return v1alpha1.Phase{n}Failed, fmt.Sprintf("%s: %s", cond.Reason, cond.Message)
		}}
	}}
	return v1alpha1.Phase{n}Running, "{msg}"
}}

""",
    """// {f} builds the {n} for a {K}. {c}.
func {f}(obj *v1alpha1.{K}, namespace string) *v1alpha1.{n} {{
	labels := make(map[string]string, len(obj.Labels)+2)
	for k, v := range obj.Labels {{
		labels[k] = v
	}}
	labels["kubernaut.ai/{k}"] = obj.Name
	labels["kubernaut.ai/attempt"] = fmt.Sprint(obj.Spec.Attempt)
	return &v1alpha1.{n}{{
		ObjectMeta: metav1.ObjectMeta{{
			Name:      fmt.Sprintf("%s-{k}-%d", obj.Name, {i}),
			Namespace: namespace,
			Labels:    labels,
		}},
		Spec: v1alpha1.{n}Spec{{
			{F}: obj.Spec.{F},
			Timeout: metav1.Duration{{Duration: {i} * time.Minute}},
		}},
	}}
}}

""",
    """// {f} {c}.
func (r *{R}) {f}(ctx context.Context, obj *v1alpha1.{K}, reason string) (ctrl.Result, error) {{
	now := metav1.Now()
	obj.Status.Phase = v1alpha1.Phase{n}Failed
	obj.Status.FailureReason = reason
	obj.Status.CompletionTime = &now
	meta := metav1.Condition{{
		Type:               "{n}Ready",
		Status:             metav1.ConditionFalse,
		Reason:             "{n}Failed",
		Message:            reason,
		ObservedGeneration: obj.Generation,
	}}
	setCondition(&obj.Status.Conditions, meta)
	if err := r.Status().Update(ctx, obj); err != nil {{
		if apierrors.IsConflict(err) {{
			return ctrl.Result{{Requeue: true}}, nil
		}}
		return ctrl.Result{{}}, fmt.Errorf("update status of %s/%s: %w", obj.Namespace, obj.Name, err)
	}}
	return ctrl.Result{{}}, nil
}}

""",
    """// {f} validates the {n} part of the spec: {c}.
func {f}(spec *v1alpha1.{K}Spec) error {{
	var errs []error
	if spec.{F} == {zero} {{
		errs = append(errs, errors.New("spec.{Fl}: required"))
	}}
	if spec.Timeout < 0 || spec.Timeout > {i}*time.Hour {{
		errs = append(errs, fmt.Errorf("spec.timeout: %s out of range", spec.Timeout))
	}}
	for name, value := range spec.Params {{
		if len(value) > 4096 {{
			errs = append(errs, fmt.Errorf("spec.params[%q]: longer than 4096 bytes", name))
		}}
	}}
	return errors.Join(errs...)
}}

""",
    """// {f} {c}.
func (r *{R}) {f}(ctx context.Context, obj *v1alpha1.{K}) error {{
	var list v1alpha1.{n}List
	if err := r.List(ctx, &list, client.InNamespace(obj.Namespace), client.MatchingLabels{{"kubernaut.ai/{k}": obj.Name}}); err != nil {{
		return fmt.Errorf("list {n}s: %w", err)
	}}
	for i := range list.Items {{
		item := &list.Items[i]
		if item.DeletionTimestamp != nil {{
			continue
		}}
		if err := r.Delete(ctx, item, client.PropagationPolicy(metav1.DeletePropagationBackground)); client.IgnoreNotFound(err) != nil {{
			return err
		}}
		r.Recorder.Event(obj, corev1.EventTypeNormal, "{n}Deleted", item.Name)
	}}
	return nil
}}

""",
    """// {f} returns the {m} of the {K}; {c}.
func (r *{R}) {f}(obj *v1alpha1.{K}) time.Duration {{
	if obj.Spec.Timeout > 0 {{
		return obj.Spec.Timeout
	}}
	return r.Default{m} + time.Duration(obj.Spec.Attempt)*{i}*time.Second
}}

""",
]

GO_TYPES = """// {K}Spec is the desired state of a {K}.
type {K}Spec struct {{
{fields}}}

// {K}Status is the observed state of a {K}.
type {K}Status struct {{
	Phase          Phase              `json:"phase,omitempty"`
	StartTime      *metav1.Time       `json:"startTime,omitempty"`
	CompletionTime *metav1.Time       `json:"completionTime,omitempty"`
	FailureReason  string             `json:"failureReason,omitempty"`
	Conditions     []metav1.Condition `json:"conditions,omitempty"`
}}

// {K} is the Schema for the {k}s API.
type {K} struct {{
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   {K}Spec   `json:"spec,omitempty"`
	Status {K}Status `json:"status,omitempty"`
}}

const (
	Phase{K}Pending   Phase = "Pending"
	Phase{K}Running   Phase = "Running"
	Phase{K}Completed Phase = "Completed"
	Phase{K}Failed    Phase = "Failed"
)

"""

# Code occurrences of a routing name (Go): declarations, calls, fields, constants, literals.
GO_HITS = [
    """// {name} decides whether the target may run again.
func (r *{R}) {name}(ctx context.Context, obj *v1alpha1.{K}) (bool, time.Duration) {{
	last, err := r.lastCompletion(ctx, obj.Spec.TargetResource)
	if err != nil || last == nil {{
		return false, 0
	}}
	return time.Since(last.Time) < r.CooldownPeriod, r.CooldownPeriod - time.Since(last.Time)
}}

""",
    """func (r *{R}) reconcileGate{i}(ctx context.Context, obj *v1alpha1.{K}) (ctrl.Result, error) {{
	if blocked, wait := r.{name}(ctx, obj); blocked {{
		return ctrl.Result{{RequeueAfter: wait}}, nil
	}}
	return ctrl.Result{{}}, nil
}}

""",
    """type routingState{i} struct {{
	{name} *{name} `json:"{lname},omitempty"`
	Attempt int `json:"attempt"`
}}

""",
    """const (
	{name} = "{name}"
	routingMarker{i} = "marker"
)

""",
    """func defaults{i}() interface{{}} {{
	cfg := {name}{{}}
	return &cfg
}}

""",
]

GO_MENTION_COMMENTS = [
    "// V1.0: {name} was moved to the RemediationOrchestrator; no routing logic here.\n",
    "// {name} is the orchestrator's decision (DD-RO-002): the executor only executes.\n",
    "/* Removed in v1.0: {name}. See docs/architecture/pure-executor.md. */\n",
]
GO_MENTION_STRINGS = [
    '\tlog.FromContext(ctx).Info("skip handled upstream (see {name} on the RemediationRequest)")\n',
    '\tconst deprecated{i} = "{name} is not part of the v1 API"\n',
]
# Identifiers that contain a routing name without being it (a substring prefilter sees them).
GO_NEAR_MISSES = [
    "\tvar lastCheckCooldownWindow{i} = {i} * time.Second\n\t_ = lastCheckCooldownWindow{i}\n",
    "\tskipReasonText{i} := fmt.Sprint(obj.Status.FailureReason)\n\t_ = skipReasonText{i}\n",
    "\tmaxConsecutiveFailuresSeen{i} := obj.Spec.Attempt\n\t_ = maxConsecutiveFailuresSeen{i}\n",
]

RS_HEADER = """//! {K} controller: {c}.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use kube::api::{{Api, Patch, PatchParams, PostParams}};
use kube::runtime::controller::Action;
use kube::{{Client, ResourceExt}};
use serde::{{Deserialize, Serialize}};
use tracing::{{info, warn}};

use crate::error::{{Error, Result}};

"""
RS_FUNCS = [
    """/// {c}.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct {K}{n}{j} {{
    pub target_resource: String,
    pub attempt: u32,
    pub params: BTreeMap<String, String>,
    pub timeout_seconds: Option<u64>,
}}

""",
    """impl {K}{n}{j} {{
    /// {c}.
    pub fn {v}_{ln}(&self, namespace: &str) -> Result<String> {{
        if self.target_resource.is_empty() {{
            return Err(Error::Invalid(format!("spec.targetResource is required in {{namespace}}")));
        }}
        let name = format!("{{}}-{k}-{{}}", self.target_resource.replace('/', "-"), self.attempt);
        Ok(name)
    }}
}}

""",
    """/// {c}.
pub async fn {v}_{ln}_{i}(client: Client, obj: Arc<{K}>, ctx: Arc<Context>) -> Result<Action> {{
    let ns = obj.namespace().unwrap_or_default();
    let api: Api<{K}> = Api::namespaced(client.clone(), &ns);
    match obj.status.as_ref().map(|s| s.phase.as_str()) {{
        None | Some("Pending") => {{
            let run = build_{ln}(&obj, &ctx.execution_namespace)?;
            api.create(&PostParams::default(), &run).await.map_err(Error::Kube)?;
            info!(name = %obj.name_any(), "{msg}");
            Ok(Action::requeue(Duration::from_secs({i})))
        }}
        Some("Running") => Ok(Action::requeue(Duration::from_secs(10))),
        Some(other) => {{
            warn!(phase = other, "{msg}");
            Ok(Action::await_change())
        }}
    }}
}}

""",
    """fn patch_{ln}_{i}(api: &Api<{K}>, name: &str, phase: &str) -> impl std::future::Future<Output = kube::Result<{K}>> + '_ {{
    let patch = serde_json::json!({{ "status": {{ "phase": phase, "message": "{msg}" }} }});
    let name = name.to_string();
    async move {{ api.patch_status(&name, &PatchParams::apply("routeaudit-bench"), &Patch::Merge(&patch)).await }}
}}

""",
]
RS_TESTS = """#[cfg(test)]
mod tests {{
    use super::*;

    #[test]
    fn {ln}_name_is_deterministic() {{
        let spec = {K}{n}0 {{ target_resource: "ns/deploy".into(), attempt: 2, ..Default::default() }};
        assert_eq!(spec.{v}_{ln}("default").unwrap(), "ns-deploy-{k}-2");
    }}
}}
"""
RS_HITS = [
    """/// Skip bookkeeping kept from the v1 API.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct {name} {{
    pub reason: String,
}}

""",
    """pub enum RoutingPhase{i} {{
    Pending,
    {name},
}}

""",
    """fn legacy_{i}() -> Option<{name}> {{
    None
}}

""",
]
RS_NAMES = ["SkipDetails", "PhaseSkipped", "BackoffConfig", "SkipReason", "NextAllowedExecution"]


def snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def lower_first(name):
    return name[0].lower() + name[1:]


def file_path(root, i, rust, rng):
    mod = "mod%03d" % (i // 100)
    if rust:
        return os.path.join(root, mod, "operator", "src", "%s_%04d.rs" % (snake(rng.choice(NOUNS)), i))
    r = rng.random()
    if r < 0.08:
        sub = os.path.join("api", "v1alpha1")
        name = "%s_types_%04d.go" % (snake(rng.choice(KINDS)), i)
    elif r < 0.60:
        sub = os.path.join("internal", "controller", snake(KINDS[(i // 20) % len(KINDS)]))
        name = "%s_%04d.go" % (snake(rng.choice(NOUNS)), i)
    else:
        sub = os.path.join("pkg", AREAS[(i // 10) % len(AREAS)])
        name = "%s_%s_%04d.go" % (rng.choice(VERBS), snake(rng.choice(NOUNS)), i)
    return os.path.join(root, mod, sub, name)


def go_params(rng, i):
    K = rng.choice(KINDS)
    F, T = rng.choice(FIELDS)
    F2, _ = rng.choice(FIELDS)
    zero = {"string": '""', "int": "0", "int64": "0", "time.Duration": "0"}.get(T, "nil")
    n = rng.choice(NOUNS)
    return dict(
        R=K + "Reconciler", K=K, k=snake(K).replace("_", ""), n=n, m=rng.choice(NOUNS),
        v=rng.choice(VERBS), F=F, Fl=lower_first(F), T=T, F2=F2, zero=zero,
        msg=rng.choice(MESSAGES), c=rng.choice(COMMENTS), i=i,
    )


def go_file(rng, i, funcs, hit, comment, string, near, mod, controller):
    out = [GO_LICENSE]
    if comment:
        out.append(rng.choice(GO_MENTION_COMMENTS).format(name=rng.choice(NAMES)))
    pkg = "controller"
    out.append("// Package %s %s.\npackage %s\n\n" % (pkg, rng.choice(COMMENTS), pkg))
    out.append(GO_IMPORTS.format(mod=mod))
    p = go_params(rng, i)
    if rng.random() < 0.3:
        fields = "".join(
            '\t%s %s `json:"%s,omitempty"`\n' % (f, t, lower_first(f))
            for f, t in rng.sample(FIELDS, 6)
        )
        out.append(GO_TYPES.format(fields=fields, **p))
    out.append("// %s reconciles %s objects.\ntype %s struct {\n\tclient.Client\n"
               "\tScheme             *runtime.Scheme\n\tRecorder           record.EventRecorder\n"
               "\tExecutionNamespace string\n\tCooldownPeriod     time.Duration\n}\n\n"
               % (p["R"], p["K"], p["R"]))
    hit_at = rng.randrange(funcs) if hit else -1
    R, K, k = p["R"], p["K"], p["k"]
    for n in range(funcs):
        p = go_params(rng, n + 1)
        p["R"], p["K"], p["k"] = R, K, k
        verb = rng.choice(VERBS)
        if controller and rng.random() < 0.15:
            p["f"] = rng.choice(LIFECYCLE)
        else:
            p["f"] = ("%s%s%d" if rng.random() < 0.5 else "%s%s%dFor") % (
                verb if rng.random() < 0.6 else verb.capitalize(), rng.choice(NOUNS), n)
        body = rng.choice(GO_FUNCS).format(**p)
        if string and n == 0:
            lines = body.split("\n")
            lines.insert(2, rng.choice(GO_MENTION_STRINGS).format(name=rng.choice(NAMES), i=n).rstrip("\n"))
            body = "\n".join(lines)
        if near and n == 1:
            lines = body.split("\n")
            lines.insert(2, rng.choice(GO_NEAR_MISSES).format(i=n).rstrip("\n"))
            body = "\n".join(lines)
        out.append(body)
        if n == hit_at:
            for name in hit:
                out.append(rng.choice(GO_HITS).format(name=name, lname=lower_first(name), **p))
    return "".join(out)


def rs_file(rng, i, funcs, hit, comment):
    p = go_params(rng, i)
    p["ln"] = snake(p["n"])
    out = []
    if comment:
        out.append("// V1.0: %s moved to the orchestrator; this controller only executes.\n"
                   % rng.choice(NAMES))
    out.append(RS_HEADER.format(**p))
    hit_at = rng.randrange(funcs) if hit else -1
    for n in range(funcs):
        q = go_params(rng, n + 1)
        q["ln"] = snake(q["n"])
        q["K"], q["n"], q["j"] = p["K"], p["n"], n // len(RS_FUNCS)
        out.append(RS_FUNCS[n % len(RS_FUNCS)].format(**q))
        if n == hit_at:
            for name in hit:
                out.append(rng.choice(RS_HITS).format(name=name, i=n))
    out.append(RS_TESTS.format(**p))
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("profile", choices=sorted(PROFILES))
    ap.add_argument("dir")
    ap.add_argument("--files", type=int)
    ap.add_argument("--scale", type=int, default=None)
    ap.add_argument("--seed", type=int, default=20250)
    a = ap.parse_args()
    prof = PROFILES[a.profile]
    base = a.files if a.files is not None else prof["files"]
    scale = a.scale if a.scale is not None else (10 if a.profile == "large" else 1)
    files = base * scale
    # Hits scale with the tree; at least one so that every tree has a finding.
    hits = max(1, round(prof["hits"] * files / prof["files"]))

    pick = random.Random(a.seed * 7919 + files)
    hit_files = set(pick.sample(range(files), min(hits, files)))
    total = 0
    for i in range(files):
        rng = random.Random(a.seed * 1_000_003 + i)
        rust = rng.random() < prof["rust"]
        # Function count: mostly 5-20, with a tail of long files (up to 60 functions).
        funcs = 5 + int(rng.expovariate(1 / 6.6))
        funcs = min(funcs, 60)
        hit = []
        if i in hit_files:
            pool = RS_NAMES if rust else NAMES
            hit = rng.sample(pool, rng.choice([1, 1, 2]))
        comment = rng.random() < prof["comment"]
        string = rng.random() < prof["string"]
        near = rng.random() < prof["near"]
        path = file_path(a.dir, i, rust, rng)
        if rust:
            text = rs_file(rng, i, max(4, funcs // 2 * 2), hit, comment)
        else:
            controller = os.sep + os.path.join("internal", "controller", "workflow_execution") + os.sep in path
            text = go_file(rng, i, funcs, hit, comment, string, near, "mod%03d" % (i // 100),
                           controller)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode()
        with open(path, "wb") as f:
            f.write(data)
        total += len(data)
    sys.stderr.write("%s: %d files, %.1f MB, %d files with a name in code\n"
                     % (a.dir, files, total / 1e6, len(hit_files)))


if __name__ == "__main__":
    main()
