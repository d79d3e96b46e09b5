package we

import (
	"context"
	"time"
)

func (r *Reconciler) deferIfCoolingDown(ctx context.Context, wfe *WorkflowExecution) bool {
	return r.IsCooldownActive(wfe)
}

func (r *Reconciler) IsCooldownActive(wfe *WorkflowExecution) bool {
	return time.Since(wfe.CompletionTime) < r.CooldownPeriod
}

func (r *Reconciler) preflight(ctx context.Context, wfe *WorkflowExecution) error {
	return r.guardTarget(ctx, wfe.Target)
}

func (r *Reconciler) guardTarget(ctx context.Context, target string) error {
	if r.isTargetLocked(target) {
		return context.Canceled
	}
	return nil
}

func (r *Reconciler) isTargetLocked(target string) bool { return false }

func (r *Reconciler) admit(wfe *WorkflowExecution) bool { return r.inBackoffWindow(wfe) }

func (r *Reconciler) inBackoffWindow(wfe *WorkflowExecution) bool { return false }

func (r *Reconciler) budget(wfe *WorkflowExecution) bool { return r.retriesExhausted(wfe) }

func (r *Reconciler) retriesExhausted(wfe *WorkflowExecution) bool { return wfe.Attempt > 3 }

func (r *Reconciler) lookup(ctx context.Context, target string) *WorkflowExecution {
	return r.findLastFailedExecution(target)
}

func (r *Reconciler) findLastFailedExecution(target string) *WorkflowExecution { return nil }

func (r *Reconciler) shouldSkip(wfe *WorkflowExecution) bool { return false }

// releaseLockAfterCooldown is reached from the terminal phase only.
func (r *Reconciler) releaseLockAfterCooldown(ctx context.Context, wfe *WorkflowExecution) error {
	if time.Since(wfe.CompletionTime) < r.CooldownPeriod {
		return nil
	}
	return r.releaseLock(ctx, wfe)
}

func (r *Reconciler) releaseLock(ctx context.Context, wfe *WorkflowExecution) error { return nil }
