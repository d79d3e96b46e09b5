//! WorkflowExecution controller (kube-rs): the executor half of the remediation pipeline.
pub mod controller;
pub mod crd;
pub mod gates;
