//! The WorkflowExecution custom resource. V1.0: SkipDetails, PhaseSkipped and SkipReason were
//! removed; skipping is decided by the orchestrator before a WorkflowExecution exists.

use kube::CustomResource;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Clone, Debug, Deserialize, Serialize)]
#[kube(group = "kubernaut.ai", version = "v1alpha1", kind = "WorkflowExecution", namespaced)]
#[kube(status = "WorkflowExecutionStatus")]
pub struct WorkflowExecutionSpec {
    pub target_resource: String,
    pub workflow_ref: String,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum Phase {
    #[default]
    Pending,
    Running,
    Completed,
    Failed,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowExecutionStatus {
    pub phase: Phase,
    pub pipeline_run_ref: Option<String>,
    pub completion_time: Option<u64>,
    pub failure_reason: Option<String>,
}
