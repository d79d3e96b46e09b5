// Package we is a test fixture of the builtin pack: an executor whose pending phase still
// reaches routing checks kept under new names, next to the work a pure executor does.
package we

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/client-go/util/retry"
)

// WorkflowExecution is the executor's resource.
type WorkflowExecution struct {
	Target         string
	Attempt        int
	CompletionTime time.Time
	// ruleid: no-routing-state
	SkipReason string
	// ok: no-routing-state
	FailureReason string
}

// Reconciler reconciles WorkflowExecutions.
type Reconciler struct {
	mu             sync.Mutex
	CooldownPeriod time.Duration
}

// ok: no-routing-functions
// CheckCooldown was moved to the RemediationOrchestrator.
//
// ok: execution-functions-present
func (r *Reconciler) reconcilePending(ctx context.Context, wfe *WorkflowExecution) error {
	// one helper, whose own name reads as a cooldown check, then the check
	// ruleid: pending-path-no-cooldown
	if r.deferIfCoolingDown(ctx, wfe) {
		return nil
	}
	// two neutral helpers, then the lock check
	// ruleid: pending-path-no-resource-lock
	if err := r.preflight(ctx, wfe); err != nil {
		return err
	}
	// ruleid: pending-path-no-backoff
	if r.admit(wfe) {
		return nil
	}
	// ruleid: pending-path-no-retry-limit
	if r.budget(wfe) {
		return nil
	}
	// ruleid: pending-path-no-previous-execution
	if prev := r.lookup(ctx, wfe.Target); prev != nil {
		return fmt.Errorf("previous execution %s failed", prev.Target)
	}
	// the check itself, no helper
	// ruleid: pending-path-no-skip
	if r.shouldSkip(wfe) {
		return nil
	}
	// what a pure executor does on its pending path
	// ok: pending-path-no-resource-lock, pending-path-no-skip, pending-path-no-backoff
	r.mu.Lock()
	defer r.mu.Unlock()
	// ok: pending-path-no-skip
	if err := r.validateSpec(wfe, skipValidation(wfe)); err != nil {
		return r.markFailed(ctx, wfe, err)
	}
	// ok: pending-path-no-backoff, pending-path-no-retry-limit, pending-path-no-cooldown
	return retry.RetryOnConflict(retry.DefaultBackoff, func() error { return r.createPipelineRun(ctx, wfe) })
}

// ok: execution-functions-present
func (r *Reconciler) reconcileRunning(ctx context.Context, wfe *WorkflowExecution) error {
	return r.updateStatus(ctx, wfe)
}

// ok: execution-functions-present
func (r *Reconciler) ReconcileTerminal(ctx context.Context, wfe *WorkflowExecution) error {
	// waiting for the cooldown after the execution ended is the executor's job
	// ok: pending-path-no-cooldown, pending-path-no-resource-lock
	return r.releaseLockAfterCooldown(ctx, wfe)
}

// ok: execution-functions-present
func (r *Reconciler) HandleAlreadyExists(ctx context.Context, wfe *WorkflowExecution, err error) error {
	return r.markFailed(ctx, wfe, err)
}

// ruleid: no-routing-functions
func (r *Reconciler) MarkSkipped(ctx context.Context, wfe *WorkflowExecution) error {
	return nil
}

func (r *Reconciler) validateSpec(wfe *WorkflowExecution, skip bool) error { return nil }

func skipValidation(wfe *WorkflowExecution) bool { return false }

func (r *Reconciler) markFailed(ctx context.Context, wfe *WorkflowExecution, err error) error {
	wfe.FailureReason = err.Error()
	return r.updateStatus(ctx, wfe)
}

func (r *Reconciler) createPipelineRun(ctx context.Context, wfe *WorkflowExecution) error {
	return nil
}

func (r *Reconciler) updateStatus(ctx context.Context, wfe *WorkflowExecution) error { return nil }
