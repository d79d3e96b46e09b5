package workflowexecution

import (
	"context"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	v1 "example.com/kubernaut-we/api/v1alpha1"
)

// CheckCooldown is kept for v1 callers.
func (r *Reconciler) CheckCooldown(ctx context.Context, wfe *v1.WorkflowExecution) (bool, string) {
	prev := r.FindMostRecentTerminalWFE(ctx, wfe.Spec.TargetResource)
	if prev != nil && prev.Status.CompletionTime != nil &&
		time.Since(prev.Status.CompletionTime.Time) < r.CooldownPeriod {
		return true, "cooldown"
	}
	return false, ""
}

// MarkSkipped records a skipped execution.
func (r *Reconciler) MarkSkipped(ctx context.Context, wfe *v1.WorkflowExecution, reason string) (ctrl.Result, error) {
	wfe.Status.Phase = v1.PhaseSkipped
	wfe.Status.SkipDetails = &v1.SkipDetails{Reason: reason}
	return ctrl.Result{}, r.Status().Update(ctx, wfe)
}

// FindMostRecentTerminalWFE looks up the previous execution for a target.
func (r *Reconciler) FindMostRecentTerminalWFE(ctx context.Context, target string) *v1.WorkflowExecution {
	return nil
}
