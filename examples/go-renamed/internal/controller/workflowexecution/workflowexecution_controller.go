// Package workflowexecution looks like a pure executor: none of the removed routing
// functions is declared or called by its old name. The cooldown gate and the resource-lock
// check survived under new names (IsCooldownActive, isTargetLocked in gates.go), behind
// helpers called from reconcilePending; only the call path shows it.
package workflowexecution

import (
	"context"
	"fmt"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "example.com/kubernaut-we/api/v1alpha1"
)

// Reconciler reconciles WorkflowExecution objects.
type Reconciler struct {
	client.Client
	ExecutionNamespace string
	CooldownPeriod     time.Duration
}

// Reconcile dispatches on the phase.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var wfe v1.WorkflowExecution
	if err := r.Get(ctx, req.NamespacedName, &wfe); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	switch wfe.Status.Phase {
	case "", v1.PhasePending:
		return r.reconcilePending(ctx, &wfe)
	case v1.PhaseRunning:
		return r.reconcileRunning(ctx, &wfe)
	default:
		return r.ReconcileTerminal(ctx, &wfe)
	}
}

// reconcilePending validates the spec and creates the PipelineRun.
// V1.0: No routing logic here; the RO makes all routing decisions.
func (r *Reconciler) reconcilePending(ctx context.Context, wfe *v1.WorkflowExecution) (ctrl.Result, error) {
	if res, deferred := r.deferIfCoolingDown(ctx, wfe); deferred {
		return res, nil
	}
	if err := r.preflight(ctx, wfe); err != nil {
		return r.markFailed(ctx, wfe, err.Error())
	}
	if err := validateSpec(wfe); err != nil {
		return r.markFailed(ctx, wfe, fmt.Sprintf("invalid spec: %v", err))
	}
	pr := buildPipelineRun(wfe, r.ExecutionNamespace)
	if err := r.Create(ctx, pr); err != nil {
		return r.HandleAlreadyExists(ctx, wfe, err)
	}
	wfe.Status.Phase = v1.PhaseRunning
	wfe.Status.PipelineRunRef = pr.Name
	return ctrl.Result{}, r.Status().Update(ctx, wfe)
}

// reconcileRunning watches the PipelineRun and maps its status.
func (r *Reconciler) reconcileRunning(ctx context.Context, wfe *v1.WorkflowExecution) (ctrl.Result, error) {
	pr, err := r.getPipelineRun(ctx, wfe)
	if err != nil {
		return ctrl.Result{}, err
	}
	phase, reason := mapPipelineRunStatus(pr)
	if phase == v1.PhaseRunning {
		return ctrl.Result{RequeueAfter: 10 * time.Second}, nil
	}
	wfe.Status.Phase = phase
	wfe.Status.FailureReason = reason
	return ctrl.Result{}, r.Status().Update(ctx, wfe)
}

// ReconcileTerminal releases the lock once the cooldown after this execution has elapsed:
// waiting here is the executor's job, not a routing decision.
func (r *Reconciler) ReconcileTerminal(ctx context.Context, wfe *v1.WorkflowExecution) (ctrl.Result, error) {
	if wfe.Status.CompletionTime == nil {
		return ctrl.Result{}, nil
	}
	return r.releaseLockAfterCooldown(ctx, wfe)
}

// HandleAlreadyExists adopts a PipelineRun this WorkflowExecution created earlier, and fails
// when another execution owns it. It never decides to skip: that is the RO's job.
func (r *Reconciler) HandleAlreadyExists(ctx context.Context, wfe *v1.WorkflowExecution, err error) (ctrl.Result, error) {
	if !isAlreadyExists(err) {
		return ctrl.Result{}, err
	}
	pr, getErr := r.getPipelineRun(ctx, wfe)
	if getErr != nil {
		return ctrl.Result{}, getErr
	}
	if ownedBy(pr, wfe) {
		wfe.Status.Phase = v1.PhaseRunning
		return ctrl.Result{}, r.Status().Update(ctx, wfe)
	}
	return r.markFailed(ctx, wfe, "PipelineRun exists for another execution (RO should have checked the resource lock)")
}

func (r *Reconciler) markFailed(ctx context.Context, wfe *v1.WorkflowExecution, reason string) (ctrl.Result, error) {
	wfe.Status.Phase = v1.PhaseFailed
	wfe.Status.FailureReason = reason
	return ctrl.Result{}, r.Status().Update(ctx, wfe)
}
