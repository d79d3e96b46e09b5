//! Routing checks kept under new names.

use crate::{Context, WorkflowExecution};

pub fn is_cooling_down(wfe: &WorkflowExecution, ctx: &Context) -> bool {
    wfe.completion_time + ctx.cooldown.as_secs() > now()
}

pub fn admission(wfe: &WorkflowExecution) -> Result<(), String> {
    if in_backoff_window(wfe) || retries_exhausted(wfe) {
        return Err("not now".into());
    }
    Ok(())
}

fn in_backoff_window(wfe: &WorkflowExecution) -> bool {
    wfe.attempt > 0
}

fn retries_exhausted(wfe: &WorkflowExecution) -> bool {
    wfe.attempt > 3
}

pub fn preflight(wfe: &WorkflowExecution) -> Result<(), String> {
    guard(&wfe.target)
}

fn guard(target: &str) -> Result<(), String> {
    if holds_target_lock(target) {
        return Err(format!("{target} is busy"));
    }
    Ok(())
}

fn holds_target_lock(_target: &str) -> bool {
    false
}

pub fn history(target: &str) -> Option<String> {
    prior_attempt(target)
}

fn prior_attempt(_target: &str) -> Option<String> {
    None
}

pub fn should_skip_execution(_wfe: &WorkflowExecution) -> bool {
    false
}

fn now() -> u64 {
    0
}
