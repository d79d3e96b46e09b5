//! `routeaudit init`: a commented starter `routeaudit.toml` that extends the builtin pack,
//! with a scope guessed from the tree (the directories that hold controllers, the API types
//! and the CRD manifests). It never overwrites an existing file.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use crate::error::{EXIT_ERROR, EXIT_OK, Result};
use crate::policy::discover::FILE_NAME;

pub(crate) fn run(dir: &Path, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let target = dir.join(FILE_NAME);
    if target.exists() {
        writeln!(
            err,
            "error: {} already exists; routeaudit init never overwrites a policy",
            target.display()
        )?;
        return Ok(EXIT_ERROR);
    }
    let dirs = guess_scope(dir);
    let text = render(&dirs);
    super::write_file(&target, text.as_bytes())?;
    writeln!(out, "wrote {}", target.display())?;
    if dirs.is_empty() {
        writeln!(
            out,
            "no controller directories found: the scope is the whole tree"
        )?;
    } else {
        for d in &dirs {
            writeln!(out, "  scope: {d}")?;
        }
    }
    Ok(EXIT_OK)
}

/// Directories worth auditing: those whose path mentions a controller (or reconciler) and hold
/// Go or Rust sources, plus API type and CRD directories.
pub(crate) fn guess_scope(dir: &Path) -> Vec<String> {
    let mut found: BTreeSet<String> = BTreeSet::new();
    let walker = ignore::WalkBuilder::new(dir).build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let rel = crate::walk::relative(dir, entry.path());
        let Some((parent, name)) = rel.rsplit_once('/') else {
            continue;
        };
        let lower = rel.to_ascii_lowercase();
        let source = name.ends_with(".go") || name.ends_with(".rs");
        let manifest = name.ends_with(".yaml") || name.ends_with(".yml");
        if source && (lower.contains("controller") || lower.contains("reconcil")) {
            found.insert(format!("{parent}/**"));
        } else if source && parent.split('/').any(|c| c == "api" || c == "apis") {
            found.insert(format!("{}/**", top_dir(parent, &["api", "apis"])));
        } else if manifest && lower.contains("crd") {
            found.insert(format!("{parent}/**"));
        }
    }
    // keep the outermost of nested entries
    let all: Vec<String> = found.iter().cloned().collect();
    all.iter()
        .filter(|d| {
            !all.iter()
                .any(|o| o != *d && d.starts_with(o.trim_end_matches("**")) && o.len() < d.len())
        })
        .cloned()
        .collect()
}

fn top_dir(path: &str, names: &[&str]) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.iter().position(|c| names.contains(c)) {
        Some(i) => parts[..=i].join("/"),
        None => path.to_string(),
    }
}

fn render(dirs: &[String]) -> String {
    let include = if dirs.is_empty() {
        "# include = [\"internal/controller/**\", \"api/**\", \"config/crd/**\"]\n".to_string()
    } else {
        let list = dirs
            .iter()
            .map(|d| format!("    \"{d}\",\n"))
            .collect::<String>();
        format!("include = [\n{list}]\n")
    };
    format!(
        r#"# routeaudit policy. Reference: `routeaudit policy show pure-executor`.
#
# The builtin pack forbids routing functions (CheckCooldown, CheckResourceLock, MarkSkipped,
# FindMostRecentTerminalWFE), routing state (SkipDetails, PhaseSkipped, SkipReason, ...),
# v1_compat_stubs.go and skip fields in CRDs, and requires the execution functions.
extends = ["builtin:pure-executor"]

[policy]
name = "pure-executor"
# naming = "words"   # CheckCooldown == checkCooldown == check_cooldown (the pack's default)

[scope]
# Where the executor lives; guessed by `routeaudit init` from the directories that hold
# controllers, API types and CRD manifests. Globs are relative to this file's directory.
{include}exclude = ["vendor/**", "**/testdata/**"]
tests = "separate"   # test-code findings are listed apart and never fail the run

# Add rules of your own, or replace a pack rule by reusing its id:
#
# [[rule]]
# id = "pending-path-does-not-route"
# kind = "forbid-reach"
# from = ["reconcilePending"]
# to = ['(?i)cooldown', '(?i)resource_?lock', '(?i)backoff', '(?i)skip']
# owner = "RemediationOrchestrator"
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_policy_is_valid_toml_policy() {
        for dirs in [vec![], vec!["internal/controller/we/**".to_string()]] {
            let text = render(&dirs);
            let p = crate::policy::parse_policy(&text, "routeaudit.toml", None).unwrap();
            assert_eq!(p.rules.len(), 11, "the pack's rules are inherited");
            if !dirs.is_empty() {
                assert!(p.scope.contains("internal/controller/we/x.go"));
                assert!(!p.scope.contains("cmd/main.go"));
            }
        }
    }
}
