//! `routeaudit policy list | show | validate`: the builtin packs and policy files.

use std::io::Write;
use std::path::Path;

use crate::cli::PolicyCommand;
use crate::error::{EXIT_ERROR, EXIT_OK, Error, Result};
use crate::policy;

pub(crate) fn run(cmd: PolicyCommand, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    match cmd {
        PolicyCommand::List => {
            for (name, _) in policy::BUILTINS {
                let p = policy::load_builtin(name).map_err(Error::Policy)?;
                writeln!(
                    out,
                    "builtin:{name}\t{}\t({} rules)",
                    p.title,
                    p.rules.len()
                )?;
            }
            Ok(EXIT_OK)
        }
        PolicyCommand::Show { name } => {
            let bare = name.strip_prefix("builtin:").unwrap_or(&name);
            if let Some((_, src)) = policy::BUILTINS.iter().find(|(n, _)| *n == bare) {
                out.write_all(src.as_bytes())?;
                return Ok(EXIT_OK);
            }
            let path = Path::new(&name);
            if path.symlink_metadata().is_ok() {
                let text = crate::fsread::read_regular(path, crate::fsread::POLICY_LIMIT)
                    .map_err(|e| Error::Input(e.to_string()))?;
                out.write_all(&text)?;
                return Ok(EXIT_OK);
            }
            writeln!(
                err,
                "error: no builtin policy or file named `{name}` (see `routeaudit policy list`)"
            )?;
            Ok(EXIT_ERROR)
        }
        PolicyCommand::Validate { file } => {
            let p = policy::load_file(&file).map_err(Error::Policy)?;
            writeln!(
                out,
                "{}: valid policy `{}` with {} rule{} and {} evidence pattern{}",
                file.display(),
                p.name,
                p.rules.len(),
                if p.rules.len() == 1 { "" } else { "s" },
                p.evidence.len(),
                if p.evidence.len() == 1 { "" } else { "s" },
            )?;
            Ok(EXIT_OK)
        }
    }
}
