//! `--format json`: the Audit as DESIGN.md's schema (schema_version 1), pretty-printed.

use std::io::{self, Write};

use crate::audit::Audit;

pub fn render(audit: &Audit, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, audit)?;
    out.write_all(b"\n")
}
