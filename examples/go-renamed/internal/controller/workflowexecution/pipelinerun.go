package workflowexecution

import (
	"context"
	"errors"
	"fmt"

	v1 "example.com/kubernaut-we/api/v1alpha1"
)

// PipelineRun is the part of a Tekton PipelineRun the executor reads.
type PipelineRun struct {
	Name      string
	Namespace string
	Owner     string
	Succeeded *bool
	Message   string
}

var errAlreadyExists = errors.New("already exists")

func validateSpec(wfe *v1.WorkflowExecution) error {
	if wfe.Spec.TargetResource == "" {
		return fmt.Errorf("spec.targetResource is empty")
	}
	if wfe.Spec.WorkflowRef == "" {
		return fmt.Errorf("spec.workflowRef is empty")
	}
	return nil
}

// buildPipelineRun names the run after the target, which is what makes a second run for the
// same target collide (the lock the RO checks with its resource-lock query).
func buildPipelineRun(wfe *v1.WorkflowExecution, ns string) *PipelineRun {
	return &PipelineRun{Name: "wfe-" + hashTarget(wfe.Spec.TargetResource), Namespace: ns, Owner: wfe.Name}
}

func hashTarget(target string) string {
	var h uint32 = 2166136261
	for i := 0; i < len(target); i++ {
		h ^= uint32(target[i])
		h *= 16777619
	}
	return fmt.Sprintf("%08x", h)
}

func (r *Reconciler) getPipelineRun(ctx context.Context, wfe *v1.WorkflowExecution) (*PipelineRun, error) {
	return &PipelineRun{Name: wfe.Status.PipelineRunRef, Namespace: r.ExecutionNamespace}, nil
}

func (r *Reconciler) releaseLock(ctx context.Context, wfe *v1.WorkflowExecution) error {
	return nil
}

func mapPipelineRunStatus(pr *PipelineRun) (v1.Phase, string) {
	switch {
	case pr.Succeeded == nil:
		return v1.PhaseRunning, ""
	case *pr.Succeeded:
		return v1.PhaseCompleted, ""
	default:
		return v1.PhaseFailed, pr.Message
	}
}

func isAlreadyExists(err error) bool { return errors.Is(err, errAlreadyExists) }

func ownedBy(pr *PipelineRun, wfe *v1.WorkflowExecution) bool { return pr.Owner == wfe.Name }
