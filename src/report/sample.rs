//! Hand-built audits shared by the renderer tests (test builds only).
//!
//! Owns two realistic [`Audit`] values: a clean executor and an impure one that exercises
//! every kind of finding a renderer has to show. It builds data only; it renders nothing and
//! must not be used outside `#[cfg(test)]` code.

use crate::audit::{
    Audit, Context, EvidenceHit, FileError, Finding, FunctionInfo, Hop, Mention, PolicyInfo,
    Required, RoutingLike, RuleInfo, Skipped, Status, Summary, TestResults, Tool, Verdict, Warning,
};
use crate::lang::{FnKind, OccKind};
use crate::policy::{Handoff, Severity, TestMode};

pub(super) const CTRL: &str =
    "internal/controller/workflowexecution/workflowexecution_controller.go";
pub(super) const ROUTING: &str = "internal/controller/workflowexecution/routing.go";
pub(super) const ROUTING_TEST: &str = "internal/controller/workflowexecution/routing_test.go";
pub(super) const STUBS: &str = "internal/controller/workflowexecution/v1_compat_stubs.go";
pub(super) const CRD: &str = "config/crd/bases/kubernaut.ai_workflowexecutions.yaml";
pub(super) const TYPES: &str = "api/workflowexecution/v1alpha1/workflowexecution_types.go";

const ROUTING_RULE: &str = "no-routing-functions";
const REACH_RULE: &str = "pending-path-does-not-route";
const REQUIRE_RULE: &str = "execution-functions-present";

fn rules() -> Vec<RuleInfo> {
    let rule =
        |id: &str, kind: &str, severity, message: &str, line: u32, targets: &[&str]| RuleInfo {
            id: id.into(),
            kind: kind.into(),
            severity,
            message: message.into(),
            owner: None,
            description: None,
            url: None,
            origin: format!("routeaudit.toml:{line}:1"),
            targets: targets.iter().map(|t| t.to_string()).collect(),
            findings: 0,
        };
    let mut routing = rule(
        ROUTING_RULE,
        "forbid-symbol",
        Severity::Error,
        "routing decision inside the executor",
        12,
        &[
            "CheckCooldown",
            "CheckResourceLock",
            "MarkSkipped",
            "FindMostRecentTerminalWFE",
        ],
    );
    routing.owner = Some("RemediationOrchestrator".into());
    routing.url = Some("https://example.com/architecture#pure-executor".into());
    routing.description = Some(
        "Cooldown, resource locks, backoff and skipping are decided by the orchestrator \
         before it creates a WorkflowExecution."
            .into(),
    );
    let mut skip_api = rule(
        "no-skip-api",
        "forbid-symbol",
        Severity::Warning,
        "skip API leftover in the executor",
        20,
        &["SkipDetails", "PhaseSkipped", "SkipReason"],
    );
    skip_api.owner = Some("RemediationOrchestrator".into());
    let stubs = rule(
        "no-compat-stubs",
        "forbid-file",
        Severity::Error,
        "v1 compatibility stubs must be deleted, not kept",
        27,
        &["**/v1_compat_stubs.go"],
    );
    let crd = rule(
        "crd-no-skip-fields",
        "forbid-pattern",
        Severity::Warning,
        "the CRD still declares skip fields",
        32,
        &[r"(?i)\bskip(details|reason)\b"],
    );
    let required = rule(
        REQUIRE_RULE,
        "require-symbol",
        Severity::Error,
        "execution function missing",
        39,
        &[
            "reconcilePending",
            "reconcileRunning",
            "ReconcileTerminal",
            "HandleAlreadyExists",
        ],
    );
    let mut reach = rule(
        REACH_RULE,
        "forbid-reach",
        Severity::Error,
        "the pending path reaches a routing decision",
        45,
        &["reconcilePending", "(?i)cooldown", "(?i)resource_?lock"],
    );
    reach.owner = Some("RemediationOrchestrator".into());
    vec![routing, skip_api, stubs, crd, required, reach]
}

fn context() -> Context {
    Context {
        root: ".".into(),
        include: vec![
            "internal/**/*.go".into(),
            "api/**/*.go".into(),
            "config/crd/**/*.yaml".into(),
        ],
        exclude: vec!["vendor/**".into(), "**/testdata/**".into()],
        tests_mode: Some(TestMode::Separate),
        handoff: Some(Handoff {
            title: "What the orchestrator must check before creating a WorkflowExecution".into(),
            items: vec![
                "Resource lock: no PipelineRun exists for the target resource".into(),
                "Cooldown: the last terminal WorkflowExecution for the target is older than the cooldown"
                    .into(),
                "Backoff: consecutive failures are below the retry limit | exponential delay honoured"
                    .into(),
            ],
        }),
        policy_description: "Routing decisions belong to the orchestrator; the executor only executes."
            .into(),
        command: "routeaudit report . --test-results go-test.json \
                  --output docs/handoff/WE_PURE_EXECUTOR_VERIFICATION.md"
            .into(),
        fail_on: Some(Severity::Error),
        repo_root: std::path::PathBuf::from("/src/kubernaut"),
        policy_file: "routeaudit.toml".into(),
    }
}

fn functions() -> Vec<FunctionInfo> {
    let f =
        |file: &str, line, end_line, name: &str, kind, receiver: Option<&str>, test| FunctionInfo {
            file: file.into(),
            line,
            end_line,
            name: name.into(),
            kind,
            receiver: receiver.map(str::to_string),
            test,
            callees: Vec::new(),
            callers: Vec::new(),
        };
    let r = Some("*WorkflowExecutionReconciler");
    vec![
        f(CTRL, 61, 118, "Reconcile", FnKind::Method, r, false),
        f(CTRL, 189, 280, "reconcilePending", FnKind::Method, r, false),
        f(CTRL, 282, 340, "reconcileRunning", FnKind::Method, r, false),
        f(
            CTRL,
            342,
            398,
            "ReconcileTerminal",
            FnKind::Method,
            r,
            false,
        ),
        f(CTRL, 400, 421, "SetupWithManager", FnKind::Method, r, false),
    ]
}

fn handle_already_exists() -> FunctionInfo {
    FunctionInfo {
        file: CTRL.into(),
        line: 423,
        end_line: 450,
        name: "HandleAlreadyExists".into(),
        kind: FnKind::Method,
        receiver: Some("*WorkflowExecutionReconciler".into()),
        test: false,
        callees: Vec::new(),
        callers: Vec::new(),
    }
}

fn required(missing_handle: bool) -> Vec<Required> {
    let found = |symbol: &str, line, end_line| Required {
        rule: REQUIRE_RULE.into(),
        symbol: symbol.into(),
        found: true,
        file: Some(CTRL.into()),
        line: Some(line),
        end_line: Some(end_line),
        occurrence: Some(OccKind::Method),
        declared: Some(symbol.into()),
    };
    let mut v = vec![
        found("reconcilePending", 189, 280),
        found("reconcileRunning", 282, 340),
        found("ReconcileTerminal", 342, 398),
    ];
    if missing_handle {
        v.push(Required {
            rule: REQUIRE_RULE.into(),
            symbol: "HandleAlreadyExists".into(),
            found: false,
            file: None,
            line: None,
            end_line: None,
            occurrence: None,
            declared: None,
        });
    } else {
        v.push(found("HandleAlreadyExists", 423, 450));
    }
    v.sort_by(|a, b| (&a.file, a.line, &a.rule).cmp(&(&b.file, b.line, &b.rule)));
    v
}

fn mentions() -> Vec<Mention> {
    let m = |file: &str, line, column, symbol: &str, occurrence, source_line: &str| Mention {
        rule: if symbol.starts_with("Skip") {
            "no-skip-api".into()
        } else {
            ROUTING_RULE.into()
        },
        file: file.into(),
        line,
        column,
        symbol: symbol.into(),
        matched: symbol.into(),
        occurrence,
        test: false,
        source_line: source_line.into(),
    };
    vec![
        m(
            TYPES,
            88,
            5,
            "SkipDetails",
            OccKind::Comment,
            "\t// SkipDetails was removed in V1.0: the orchestrator records skips",
        ),
        m(
            CTRL,
            191,
            5,
            "CheckCooldown",
            OccKind::Comment,
            "\t// CheckCooldown moved to RO; see `routing/cooldown.go` | DD-RO-002",
        ),
        m(
            CTRL,
            250,
            40,
            "MarkSkipped",
            OccKind::String,
            "\tlog.Info(\"MarkSkipped is handled by RO\", \"wfe\", wfe.Name)",
        ),
    ]
}

fn evidence() -> Vec<EvidenceHit> {
    vec![
        EvidenceHit {
            rule: "no-routing-comments".into(),
            file: CTRL.into(),
            line: 193,
            text: "V1.0: No routing logic - RO makes all routing decisions before creating the WFE"
                .into(),
        },
        EvidenceHit {
            rule: "no-routing-comments".into(),
            file: CTRL.into(),
            line: 284,
            text: "RO handles routing; *this* path only watches the PipelineRun".into(),
        },
    ]
}

fn finding(rule: &str, kind: &str, severity: Severity) -> Finding {
    Finding {
        rule: rule.into(),
        rule_kind: kind.into(),
        severity,
        file: None,
        line: None,
        column: None,
        end_line: None,
        end_column: None,
        symbol: None,
        matched: None,
        occurrence: None,
        in_function: None,
        test: false,
        generated: false,
        message: String::new(),
        owner: None,
        chain: vec![],
        status: Status::Counted,
        fingerprint: String::new(),
        source_line: String::new(),
    }
}

/// A forbidden symbol at `file:line:col`, `len` characters long.
fn at(mut f: Finding, file: &str, line: u32, column: u32, len: u32) -> Finding {
    f.file = Some(file.into());
    f.line = Some(line);
    f.column = Some(column);
    f.end_line = Some(line);
    f.end_column = Some(column + len);
    f
}

fn routing(symbol: &str, occurrence: OccKind, in_function: &str) -> Finding {
    let mut f = finding(ROUTING_RULE, "forbid-symbol", Severity::Error);
    f.symbol = Some(symbol.into());
    f.matched = Some(symbol.into());
    f.occurrence = Some(occurrence);
    f.in_function = Some(in_function.into());
    f.message = "routing decision inside the executor".into();
    f.owner = Some("RemediationOrchestrator".into());
    f
}

fn impure_findings() -> Vec<Finding> {
    let mut missing = finding(REQUIRE_RULE, "require-symbol", Severity::Error);
    missing.symbol = Some("HandleAlreadyExists".into());
    missing.matched = Some("HandleAlreadyExists".into());
    missing.message = "execution function missing".into();
    missing.fingerprint = "b1c6a0d2e9f37a41".into();

    let mut crd = at(
        finding("crd-no-skip-fields", "forbid-pattern", Severity::Warning),
        CRD,
        88,
        15,
        11,
    );
    crd.symbol = Some("skipDetails".into());
    crd.matched = Some(r"(?i)\bskip(details|reason)\b".into());
    crd.message = "the CRD still declares skip fields".into();
    crd.fingerprint = "5e0c9d1f7a2b4c83".into();
    crd.source_line = "              skipDetails:".into();

    let mut decl = at(
        routing("CheckCooldown", OccKind::Method, "CheckCooldown"),
        ROUTING,
        77,
        38,
        13,
    );
    decl.fingerprint = "0f4e2a9c81d3b756".into();
    decl.source_line =
        "func (r *WorkflowExecutionReconciler) CheckCooldown(ctx context.Context, wfe *v1.WorkflowExecution) (bool, error) {"
            .into();
    decl.in_function = None;

    let mut baselined = at(
        routing(
            "FindMostRecentTerminalWFE",
            OccKind::Call,
            "blockDuringCooldown",
        ),
        ROUTING,
        52,
        16,
        25,
    );
    baselined.status = Status::Baselined;
    baselined.fingerprint = "7d21c4b0e5a8f913".into();
    baselined.source_line = "\tprev, err := r.FindMostRecentTerminalWFE(ctx, wfe)".into();

    let mut test_call = at(
        routing("CheckCooldown", OccKind::Call, "TestCheckCooldown_Expired"),
        ROUTING_TEST,
        31,
        14,
        13,
    );
    test_call.test = true;
    test_call.status = Status::TestCode;
    test_call.fingerprint = "c93b7e1a2d4f6058".into();
    test_call.source_line = "\tblocked, _ := r.CheckCooldown(ctx, wfe)".into();

    let mut stubs = finding("no-compat-stubs", "forbid-file", Severity::Error);
    stubs.file = Some(STUBS.into());
    stubs.matched = Some("**/v1_compat_stubs.go".into());
    stubs.message = "v1 compatibility stubs must be deleted, not kept".into();
    stubs.fingerprint = "a4f80b6c3e1d2957".into();

    let mut call = at(
        routing("CheckCooldown", OccKind::Call, "reconcilePending"),
        CTRL,
        212,
        24,
        13,
    );
    call.fingerprint = "e2d85f3b9c0a1674".into();
    call.source_line = "\tif blocked, err := r.CheckCooldown(ctx, wfe); blocked {".into();

    let mut reach = at(
        finding(REACH_RULE, "forbid-reach", Severity::Error),
        CTRL,
        214,
        12,
        19,
    );
    reach.symbol = Some("CheckCooldown".into());
    reach.matched = Some("(?i)cooldown".into());
    reach.occurrence = Some(OccKind::Call);
    reach.in_function = Some("reconcilePending".into());
    reach.message = "the pending path reaches a routing decision".into();
    reach.owner = Some("RemediationOrchestrator".into());
    reach.chain = vec![
        Hop {
            function: "reconcilePending".into(),
            file: CTRL.into(),
            line: 214,
        },
        Hop {
            function: "blockDuringCooldown".into(),
            file: ROUTING.into(),
            line: 49,
        },
        Hop {
            function: "CheckCooldown".into(),
            file: ROUTING.into(),
            line: 77,
        },
    ];
    reach.fingerprint = "3b6a0f9e2c7d8145".into();
    reach.source_line = "\t\treturn r.blockDuringCooldown(ctx, wfe)".into();

    let mut suppressed = at(
        routing("MarkSkipped", OccKind::Call, "reconcileRunning"),
        CTRL,
        301,
        5,
        11,
    );
    suppressed.status = Status::Suppressed {
        reason: "removed in #412, tracked".into(),
    };
    suppressed.fingerprint = "9a1e5c7f0b3d2486".into();
    suppressed.source_line =
        "\tr.MarkSkipped(wfe) // routeaudit:allow no-routing-functions -- removed in #412, tracked"
            .into();

    vec![
        missing, crd, decl, baselined, test_call, stubs, call, reach, suppressed,
    ]
}

/// Fills `summary` and `RuleInfo::findings` from the findings, as the engine does.
fn tally(audit: &mut Audit) {
    let mut s = Summary {
        files_scanned: 42,
        files_parsed: 31,
        files_skipped: audit.skipped.len(),
        mentions: audit.mentions.len(),
        ..Summary::default()
    };
    for f in &audit.findings {
        match f.status {
            Status::Counted => match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            },
            Status::Suppressed { .. } => s.suppressed += 1,
            Status::Baselined => s.baselined += 1,
            Status::OutsideDiff => s.outside_diff += 1,
            Status::TestCode => s.test_findings += 1,
        }
    }
    for r in &mut audit.rules {
        r.findings = audit
            .findings
            .iter()
            .filter(|f| f.rule == r.id && f.counts())
            .count();
    }
    audit.summary = s;
}

fn base(findings: Vec<Finding>, verdict: Verdict) -> Audit {
    Audit {
        schema_version: crate::audit::SCHEMA_VERSION,
        tool: Tool {
            name: "routeaudit".into(),
            version: "0.1.0".into(),
        },
        policy: PolicyInfo {
            name: "pure-executor".into(),
            title: "WorkflowExecution controller is a pure executor".into(),
            source: "routeaudit.toml".into(),
            pass_label: Some("PURE".into()),
            fail_label: Some("NOT PURE".into()),
        },
        verdict,
        summary: Summary::default(),
        findings,
        mentions: mentions(),
        required: required(verdict != Verdict::Pass),
        evidence: evidence(),
        skipped: vec![],
        warnings: vec![],
        errors: vec![],
        rules: rules(),
        tests: None,
        functions: functions(),
        routing_like: vec![],
        context: context(),
    }
}

/// An executor with no routing code: every rule passes.
pub(super) fn clean() -> Audit {
    let mut a = base(vec![], Verdict::Pass);
    a.functions.push(handle_already_exists());
    a.context.command =
        "routeaudit report . --output docs/handoff/WE_PURE_EXECUTOR_VERIFICATION.md".into();
    a.sort();
    tally(&mut a);
    a
}

/// An executor with routing code left in it, plus everything a renderer must show.
pub(super) fn impure() -> Audit {
    let mut a = base(impure_findings(), Verdict::Fail);
    a.functions.extend([
        FunctionInfo {
            file: ROUTING.into(),
            line: 40,
            end_line: 75,
            name: "blockDuringCooldown".into(),
            kind: FnKind::Method,
            receiver: Some("*WorkflowExecutionReconciler".into()),
            test: false,
            callees: Vec::new(),
            callers: Vec::new(),
        },
        FunctionInfo {
            file: ROUTING.into(),
            line: 77,
            end_line: 104,
            name: "CheckCooldown".into(),
            kind: FnKind::Method,
            receiver: Some("*WorkflowExecutionReconciler".into()),
            test: false,
            callees: Vec::new(),
            callers: Vec::new(),
        },
        FunctionInfo {
            file: ROUTING.into(),
            line: 106,
            end_line: 118,
            name: "cooldownRemaining".into(),
            kind: FnKind::Func,
            receiver: None,
            test: false,
            callees: Vec::new(),
            callers: Vec::new(),
        },
        FunctionInfo {
            file: ROUTING_TEST.into(),
            line: 18,
            end_line: 44,
            name: "TestCheckCooldown_Expired".into(),
            kind: FnKind::Func,
            receiver: None,
            test: true,
            callees: Vec::new(),
            callers: Vec::new(),
        },
        FunctionInfo {
            file: STUBS.into(),
            line: 9,
            end_line: 14,
            name: "legacySkipReason".into(),
            kind: FnKind::Func,
            receiver: None,
            test: false,
            callees: Vec::new(),
            callers: Vec::new(),
        },
    ]);
    a.skipped = vec![Skipped {
        file: "hack/tools/bin/controller-gen".into(),
        reason: "binary".into(),
    }];
    a.warnings = vec![
        Warning {
            file: Some(ROUTING.into()),
            line: Some(51),
            code: crate::audit::WarningCode::UnusedSuppression,
            message: "`routeaudit:allow no-skip-api` suppresses nothing".into(),
        },
        Warning {
            file: None,
            line: None,
            code: crate::audit::WarningCode::UnmatchedEntry,
            message: "forbid-reach entry `handleRetry` matches no function".into(),
        },
    ];
    a.tests = Some(TestResults {
        passed: 41,
        failed: 1,
        skipped: 2,
        failures: vec![
            "github.com/acme/kubernaut/internal/controller/workflowexecution/TestReconcilePending_CooldownBlocks"
                .into(),
        ],
        routing_related: vec![
            "github.com/acme/kubernaut/internal/controller/workflowexecution/TestCheckCooldown_Expired"
                .into(),
            "github.com/acme/kubernaut/internal/controller/workflowexecution/TestReconcilePending_CooldownBlocks"
                .into(),
        ],
        sources: vec!["go-test.json".into()],
    });
    a.routing_like = vec![RoutingLike {
        file: ROUTING.into(),
        line: 106,
        name: "cooldownRemaining".into(),
        rule: REACH_RULE.into(),
        pattern: "(?i)cooldown".into(),
    }];
    a.sort();
    tally(&mut a);
    a
}

/// The impure audit with one unreadable file: the verdict cannot be trusted.
pub(super) fn incomplete() -> Audit {
    let mut a = impure();
    a.verdict = Verdict::Error;
    a.errors = vec![FileError::unreadable(
        "internal/controller/workflowexecution/locks.go",
        None,
        "permission denied (os error 13)".into(),
    )];
    a
}

/// The impure audit with every line number moved down by `n` (lines inserted above).
pub(super) fn shifted(n: u32) -> Audit {
    let mut a = impure();
    for f in &mut a.findings {
        f.line = f.line.map(|l| l + n);
        f.end_line = f.end_line.map(|l| l + n);
        for h in &mut f.chain {
            h.line += n;
        }
    }
    a
}

/// What a renderer writes for `audit`, as text.
pub(super) fn rendered(
    render: fn(&Audit, &mut dyn std::io::Write) -> std::io::Result<()>,
    audit: &Audit,
) -> String {
    let mut out = Vec::new();
    render(audit, &mut out).expect("rendering into memory cannot fail");
    String::from_utf8(out).expect("renderers write UTF-8")
}
