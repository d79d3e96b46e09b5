package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Phase is the lifecycle phase of a WorkflowExecution.
// V1.0: PhaseSkipped was removed; the orchestrator decides whether to execute at all.
type Phase string

const (
	PhasePending   Phase = "Pending"
	PhaseRunning   Phase = "Running"
	PhaseCompleted Phase = "Completed"
	PhaseFailed    Phase = "Failed"
)

// WorkflowExecutionSpec is what the orchestrator asks the executor to run.
type WorkflowExecutionSpec struct {
	TargetResource string `json:"targetResource"`
	WorkflowRef    string `json:"workflowRef"`
	Parameters     map[string]string `json:"parameters,omitempty"`
}

// WorkflowExecutionStatus only reports execution; no SkipDetails, no SkipReason.
type WorkflowExecutionStatus struct {
	Phase          Phase        `json:"phase,omitempty"`
	PipelineRunRef string       `json:"pipelineRunRef,omitempty"`
	CompletionTime *metav1.Time `json:"completionTime,omitempty"`
	FailureReason  string       `json:"failureReason,omitempty"`
}

// WorkflowExecution runs one remediation workflow.
type WorkflowExecution struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   WorkflowExecutionSpec   `json:"spec,omitempty"`
	Status WorkflowExecutionStatus `json:"status,omitempty"`
}
