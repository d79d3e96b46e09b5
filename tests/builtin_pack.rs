//! The builtin `pure-executor` pack: its call-path rules catch a routing check kept under
//! another name, reached from the pre-execution entry points through helpers, and leave pure
//! executors (and the terminal phase's wait for the cooldown) alone.

mod common;
use common::*;

use routeaudit::policy::{self, NamePat, RuleKind};

/// (entry patterns, target patterns) of a builtin forbid-reach rule.
fn reach_rule(id: &str) -> (Vec<NamePat>, Vec<NamePat>) {
    let p = policy::load_builtin("pure-executor").expect("the builtin pack loads");
    let rule = p.rule(id).unwrap_or_else(|| panic!("no builtin rule {id}"));
    match &rule.kind {
        RuleKind::ForbidReach { from, to, .. } => (from.clone(), to.clone()),
        other => panic!("{id} is not forbid-reach: {other:?}"),
    }
}

fn hits(pats: &[NamePat], name: &str) -> bool {
    pats.iter().any(|p| match p {
        NamePat::Regex(r) => r.is_match(name),
        NamePat::Name(n) => policy::Naming::Words.key(n) == policy::Naming::Words.key(name),
    })
}

const REACH_RULES: &[&str] = &[
    "pending-path-no-cooldown",
    "pending-path-no-resource-lock",
    "pending-path-no-backoff",
    "pending-path-no-retry-limit",
    "pending-path-no-previous-execution",
    "pending-path-no-skip",
];

#[test]
fn every_reach_rule_starts_at_the_pre_execution_entries_only() {
    for id in REACH_RULES {
        let (from, _) = reach_rule(id);
        for entry in [
            "reconcilePending",
            "reconcile_pending",
            "ReconcilePending",
            "handlePending",
            "handle_pending",
            "reconcileNew",
            "reconcilePendingPhase",
        ] {
            assert!(hits(&from, entry), "{id}: {entry} must be an entry");
        }
        for other in [
            "Reconcile",
            "reconcile",
            "reconcileRunning",
            "reconcile_running",
            "ReconcileTerminal",
            "reconcile_terminal",
            "HandleAlreadyExists",
            "releaseLockAfterCooldown",
            "reconcilePendingDeletion",
        ] {
            assert!(!hits(&from, other), "{id}: {other} must not be an entry");
        }
    }
}

/// Names that read as the rule's routing check, in Go and Rust spellings, and names a pure
/// executor legitimately calls (or reads) on its pending path that the rule must leave alone.
#[test]
fn each_rule_matches_routing_checks_and_not_execution_work() {
    let table: &[(&str, &[&str], &[&str])] = &[
        (
            "pending-path-no-cooldown",
            &[
                "CheckCooldown",
                "check_cooldown",
                "IsCooldownActive",
                "is_cooldown_active",
                "deferIfCoolingDown",
                "defer_if_cooling_down",
                "isCoolingDown",
                "inCooldown",
                "cooldownRemaining",
                "cooldown_elapsed",
                "checkCooldownForTarget",
                "CooldownWindow",
            ],
            &[
                "CooldownPeriod",
                "cooldown_period",
                "CooldownDuration",
                "coolant",
                "updateStatus",
            ],
        ),
        (
            "pending-path-no-resource-lock",
            &[
                "CheckResourceLock",
                "check_resource_lock",
                "acquireResourceLock",
                "isTargetLocked",
                "is_target_locked",
                "targetBusy",
                "TargetInUse",
                "isLocked",
                "is_locked",
                "hasLock",
                "acquireLock",
                "tryAcquireTargetLock",
                "lockHeld",
                "LockHolder",
                "findRunningPipelineRunForTarget",
                "active_execution_for_resource",
            ],
            &[
                "Lock",
                "Unlock",
                "RLock",
                "TryLock",
                "lock",
                "isBlocked",
                "hasClock",
                "isolateLock",
                "blockExists",
                "releaseLock",
                "release_lock",
                "getPipelineRun",
                "getExistingPipelineRun",
            ],
        ),
        (
            "pending-path-no-backoff",
            &[
                "inBackoffWindow",
                "in_backoff_window",
                "isInBackoff",
                "calculateExponentialBackoff",
                "compute_backoff",
                "nextBackoff",
                "checkBackoff",
                "backoffUntil",
                "backoff_remaining",
                "BackoffDelay",
                "NextAllowedExecution",
                "next_allowed_execution_time",
            ],
            &[
                "DefaultBackoff",
                "BackoffLimit",
                "backoff_limit",
                "ExponentialBackoff",
                "Backoff",
                "initBackoff",
                "RetryOnConflict",
            ],
        ),
        (
            "pending-path-no-retry-limit",
            &[
                "retriesExhausted",
                "retries_exhausted",
                "exhaustedRetries",
                "RetryBudget",
                "attemptsLeft",
                "remaining_retries",
                "exceedsMaxRetries",
                "exceeds_max_retries",
                "maxRetriesReached",
                "tooManyFailures",
                "ConsecutiveFailures",
                "countConsecutiveFailures",
                "shouldEscalate",
                "escalate_to_operator",
            ],
            &[
                "MaxRetries",
                "Retries",
                "RetryOnConflict",
                "retry",
                "markFailed",
                "FailureReason",
            ],
        ),
        (
            "pending-path-no-previous-execution",
            &[
                "FindMostRecentTerminalWFE",
                "find_most_recent_terminal_wfe",
                "previousExecution",
                "previous_execution_failed",
                "getPreviousPipelineRun",
                "priorFailure",
                "lastFailedExecution",
                "last_failed_execution",
                "LatestExecution",
                "getTerminalExecutions",
                "listTerminalWFEs",
                "wasPreviouslyFailed",
            ],
            &[
                "ReconcileTerminal",
                "reconcile_terminal",
                "isTerminal",
                "priorityRun",
                "lastTransitionTime",
                "getLatestPipelineRun",
                "getPipelineRun",
                "WasExecutionFailure",
            ],
        ),
        (
            "pending-path-no-skip",
            &[
                "MarkSkipped",
                "mark_skipped",
                "markAsSkipped",
                "shouldSkip",
                "should_skip",
                "shouldSkipExecution",
                "isSkippable",
                "setSkipDetails",
                "recordSkipReason",
                "PhaseSkipped",
                "skipExecution",
                "skip_wfe",
            ],
            &[
                "skipValidation",
                "shouldSkipValidation",
                "skipTLSVerify",
                "Skip",
                "skip",
                "canSkipTLS",
                "skipWhitespace",
                "validateSpec",
            ],
        ),
    ];
    assert_eq!(table.len(), REACH_RULES.len());
    for (id, yes, no) in table {
        let (_, to) = reach_rule(id);
        for name in *yes {
            assert!(hits(&to, name), "{id} must match {name}");
        }
        for name in *no {
            assert!(!hits(&to, name), "{id} must not match {name}");
        }
    }
}

/// What a pure executor calls on its pending path: no reach rule matches any of it.
#[test]
fn execution_work_matches_no_reach_rule() {
    let work = [
        "validateSpec",
        "validate_spec",
        "buildPipelineRun",
        "build_pipeline_run",
        "createPipelineRun",
        "create_pipeline_run",
        "updateStatus",
        "markFailed",
        "HandleAlreadyExists",
        "handle_already_exists",
        "isAlreadyExists",
        "ownedBy",
        "getPipelineRun",
        "hashTarget",
        "mapPipelineRunStatus",
        "releaseLock",
        "Create",
        "Update",
        "Status",
        "Get",
        "Sprintf",
        "Errorf",
        "Until",
        "requeue",
        "from_secs",
        "RetryOnConflict",
        "DefaultRetry",
        "DefaultBackoff",
        "Lock",
        "Unlock",
        "skipValidation",
        "ExecutionNamespace",
        "TargetResource",
    ];
    for id in REACH_RULES {
        let (_, to) = reach_rule(id);
        for name in work {
            assert!(!hits(&to, name), "{id} must not match {name}");
        }
    }
}

fn reach_findings(v: &serde_json::Value) -> Vec<(String, u64, Vec<String>)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_kind"] == "forbid-reach")
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["chain"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| {
                        format!(
                            "{} ({}:{})",
                            h["function"].as_str().unwrap(),
                            h["file"].as_str().unwrap(),
                            h["line"].as_u64().unwrap()
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

fn example(name: &str) -> std::path::PathBuf {
    root().join("examples").join(name)
}

#[test]
fn pure_examples_stay_clean_under_the_default_audit() {
    for ex in ["go-pure", "rust-pure"] {
        let (code, v) = check_json(&example(ex), &[]);
        assert_eq!(code, 0, "{ex}: {v:#}");
        assert_eq!(v["policy"]["source"], "builtin:pure-executor", "{ex}");
        assert!(reach_findings(&v).is_empty(), "{ex}");
        // the entries exist: no rule reports an unmatched entry
        assert!(
            v["warnings"].as_array().unwrap().is_empty(),
            "{ex}: {:#}",
            v["warnings"]
        );
    }
}

const GO_CTRL: &str = "internal/controller/workflowexecution/workflowexecution_controller.go";
const GO_GATES: &str = "internal/controller/workflowexecution/gates.go";

#[test]
fn go_renamed_checks_fail_the_default_audit_with_their_chains() {
    let (code, v) = check_json(&example("go-renamed"), &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["policy"]["source"], "builtin:pure-executor");
    let c = |f: &str, file: &str, l: u64| format!("{f} ({file}:{l})");
    assert_eq!(
        reach_findings(&v),
        vec![
            // one helper: the helper's own name reads as a cooldown check, and so does the check
            (
                "pending-path-no-cooldown".to_string(),
                44,
                vec![
                    c("reconcilePending", GO_CTRL, 44),
                    c("deferIfCoolingDown", GO_GATES, 15),
                    c("IsCooldownActive", GO_GATES, 22),
                ],
            ),
            (
                "pending-path-no-cooldown".to_string(),
                44,
                vec![
                    c("reconcilePending", GO_CTRL, 44),
                    c("deferIfCoolingDown", GO_GATES, 14),
                ],
            ),
            // two neutral helpers
            (
                "pending-path-no-resource-lock".to_string(),
                47,
                vec![
                    c("reconcilePending", GO_CTRL, 47),
                    c("preflight", GO_GATES, 32),
                    c("guardTarget", GO_GATES, 36),
                    c("isTargetLocked", GO_GATES, 43),
                ],
            ),
        ]
    );
    // no listed routing name is left: only the call paths fail the run
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.iter().all(|r| r.starts_with("pending-path-")),
        "{rules:?}"
    );
}

#[test]
fn rust_renamed_checks_fail_the_default_audit_with_their_chains() {
    let (code, v) = check_json(&example("rust-renamed"), &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["policy"]["source"], "builtin:pure-executor");
    let c = |f: &str, file: &str, l: u64| format!("{f} (src/{file}:{l})");
    assert_eq!(
        reach_findings(&v),
        vec![
            (
                "pending-path-no-cooldown".to_string(),
                44,
                vec![
                    c("reconcile_pending", "controller.rs", 44),
                    c("defer_if_cooling_down", "gates.rs", 11),
                ],
            ),
            (
                "pending-path-no-cooldown".to_string(),
                44,
                vec![
                    c("reconcile_pending", "controller.rs", 44),
                    c("defer_if_cooling_down", "gates.rs", 12),
                    c("is_cooldown_active", "gates.rs", 16),
                ],
            ),
            (
                "pending-path-no-previous-execution".to_string(),
                47,
                vec![
                    c("reconcile_pending", "controller.rs", 47),
                    c("preflight", "gates.rs", 23),
                    c("guard_target", "gates.rs", 27),
                    c("last_failed_execution", "gates.rs", 36),
                ],
            ),
        ]
    );
    assert_eq!(v["summary"]["errors"], 3);
}

/// The terminal phase waits for the cooldown before it releases the lock: that is execution,
/// and no rule starts there.
#[test]
fn the_terminal_wait_for_the_cooldown_stays_clean() {
    for ex in ["go-renamed", "rust-renamed"] {
        let (_, v) = check_json(&example(ex), &[]);
        for f in v["findings"].as_array().unwrap() {
            let chain = f["chain"].to_string();
            assert!(
                !chain.contains("release_lock_after_cooldown")
                    && !chain.contains("releaseLockAfterCooldown")
                    && !chain.contains("erminal"),
                "{ex}: {f:#}"
            );
        }
    }
}

#[test]
fn human_output_prints_the_renamed_chain() {
    let o = run_in(&example("go-renamed"), &["check", ".", "--color", "never"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "error[pending-path-no-resource-lock]: pre-execution path reaches a resource-lock check: `isTargetLocked` (call)\n  --> {GO_CTRL}:47:14\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "  = call path:\n         reconcilePending ({GO_CTRL}:47)\n      -> preflight ({GO_GATES}:32)\n      -> guardTarget ({GO_GATES}:36)\n      -> isTargetLocked ({GO_GATES}:43)\n"
        )),
        "{out}"
    );
    let o = run_in(
        &example("rust-renamed"),
        &["check", ".", "--color", "never"],
    );
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains("  = call path:\n         reconcile_pending (src/controller.rs:47)\n      -> preflight (src/gates.rs:23)\n      -> guard_target (src/gates.rs:27)\n      -> last_failed_execution (src/gates.rs:36)\n"),
        "{out}"
    );
}

#[test]
fn sarif_carries_the_renamed_chain_as_a_code_flow() {
    for (ex, rule, hops) in [
        (
            "go-renamed",
            "pending-path-no-resource-lock",
            vec![
                "reconcilePending",
                "preflight",
                "guardTarget",
                "isTargetLocked",
            ],
        ),
        (
            "rust-renamed",
            "pending-path-no-previous-execution",
            vec![
                "reconcile_pending",
                "preflight",
                "guard_target",
                "last_failed_execution",
            ],
        ),
    ] {
        let o = run_in(&example(ex), &["check", ".", "--format", "sarif"]);
        assert_eq!(code(&o), 1, "{ex}");
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let results = v["runs"][0]["results"].as_array().unwrap();
        let r = results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap_or_else(|| panic!("{ex}: no {rule} result"));
        assert_eq!(r["level"], "error");
        let flow: Vec<&str> = r["codeFlows"][0]["threadFlows"][0]["locations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["location"]["message"]["text"].as_str().unwrap())
            .collect();
        assert_eq!(flow, hops, "{ex}");
        assert!(
            r["message"]["text"]
                .as_str()
                .unwrap()
                .contains(&hops.join(" → ")),
            "{r:#}"
        );
        // the rule is described in the run's driver
        let driver_rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert!(driver_rules.iter().any(|d| d["id"] == rule), "{ex}");
    }
}

/// The pack's handoff list names every routing decision that a reach rule covers.
#[test]
fn handoff_names_every_covered_decision() {
    let p = policy::load_builtin("pure-executor").unwrap();
    let items = p.handoff.expect("the pack has a handoff list").items;
    for word in [
        "Resource lock",
        "Cooldown",
        "Exponential backoff",
        "Exhausted retries",
        "Previous execution failure",
        "Skipping",
    ] {
        assert!(
            items.iter().any(|i| i.starts_with(word)),
            "handoff lacks {word}: {items:?}"
        );
    }
}
