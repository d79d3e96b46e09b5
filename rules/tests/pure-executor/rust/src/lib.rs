//! A test fixture of the builtin pack in Rust: the pending phase reaches routing checks kept
//! under new names; the terminal phase waits for the cooldown, which is execution.

mod gates;

use std::time::Duration;

pub struct Context {
    pub cooldown: Duration,
}

pub struct WorkflowExecution {
    pub target: String,
    pub attempt: u32,
    pub completion_time: u64,
    /// ok: no-routing-state
    /// The old `SkipDetails` and `skip_reason` fields were removed.
    pub failure_reason: Option<String>,
}

// ok: execution-functions-present
pub async fn reconcile_pending(wfe: &WorkflowExecution, ctx: &Context) -> Result<(), String> {
    // the check itself, no helper
    // ruleid: pending-path-no-cooldown
    if gates::is_cooling_down(wfe, ctx) {
        return Ok(());
    }
    // one helper reaching two checks: two rules on one line
    // ruleid: pending-path-no-backoff, pending-path-no-retry-limit
    gates::admission(wfe)?;
    // two helpers
    // ruleid: pending-path-no-resource-lock
    gates::preflight(wfe)?;
    // ruleid: pending-path-no-previous-execution
    if let Some(prev) = gates::history(&wfe.target) {
        return Err(format!("previous attempt {prev} failed"));
    }
    // ruleid: pending-path-no-skip
    if gates::should_skip_execution(wfe) {
        return Ok(());
    }
    // what a pure executor does on its pending path
    // ok: pending-path-no-skip
    validate_spec(wfe, skip_validation(wfe))?;
    // ok: pending-path-no-backoff, pending-path-no-retry-limit
    let limit = backoff_limit(wfe);
    // ok: pending-path-no-resource-lock, pending-path-no-previous-execution
    create_pipeline_run(wfe, limit).await
}

// ok: execution-functions-present
pub async fn reconcile_running(wfe: &WorkflowExecution) -> Result<(), String> {
    update_status(wfe).await
}

// ok: execution-functions-present
pub async fn reconcile_terminal(wfe: &WorkflowExecution, ctx: &Context) -> Result<(), String> {
    // ok: pending-path-no-cooldown
    release_lock_after_cooldown(wfe, ctx).await
}

// ok: execution-functions-present
pub async fn handle_already_exists(wfe: &WorkflowExecution) -> Result<(), String> {
    update_status(wfe).await
}

fn skip_validation(_wfe: &WorkflowExecution) -> bool {
    false
}

fn validate_spec(wfe: &WorkflowExecution, skip: bool) -> Result<(), String> {
    if !skip && wfe.target.is_empty() {
        return Err("spec.target is empty".into());
    }
    Ok(())
}

fn backoff_limit(wfe: &WorkflowExecution) -> u32 {
    wfe.attempt.max(6)
}

async fn create_pipeline_run(_wfe: &WorkflowExecution, _limit: u32) -> Result<(), String> {
    Ok(())
}

async fn update_status(_wfe: &WorkflowExecution) -> Result<(), String> {
    Ok(())
}

async fn release_lock_after_cooldown(wfe: &WorkflowExecution, ctx: &Context) -> Result<(), String> {
    if wfe.completion_time + ctx.cooldown.as_secs() > 0 {
        return Ok(());
    }
    Ok(())
}

// ruleid: no-routing-functions
pub fn check_resource_lock(_target: &str) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_is_never_checked_here() {
        // test code is listed apart, never failing, but it is a finding
        // ruleid: no-routing-functions
        assert!(!check_resource_lock("deployment/payments"));
    }
}
