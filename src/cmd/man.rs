//! `routeaudit man`: one man page (roff) for the whole tool. The top-level page lists the
//! subcommands; a section per subcommand (and per nested subcommand, such as `policy show`)
//! follows with its synopsis, description and every option, so `man` documents every flag.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{EXIT_OK, Result};

pub(crate) fn run(out: &mut dyn Write) -> Result<u8> {
    let mut top = Cli::command();
    top.build();
    clap_mangen::Man::new(top.clone()).render(out)?;
    for sub in top.get_subcommands() {
        section(sub, out)?;
    }
    Ok(EXIT_OK)
}

/// The section of one subcommand, then those of its own subcommands.
fn section(cmd: &clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    if cmd.is_hide_set() || cmd.get_name() == "help" {
        return Ok(());
    }
    let name = cmd
        .get_bin_name()
        .map(str::to_string)
        .unwrap_or_else(|| format!("routeaudit {}", cmd.get_name()));
    writeln!(out, ".SH \"{}\"", name.to_uppercase().replace('-', "\\-"))?;
    let man = clap_mangen::Man::new(cmd.clone());
    let mut body = Vec::new();
    man.render_synopsis_section(&mut body)?;
    man.render_description_section(&mut body)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut body)?;
    }
    // the subcommand's sections become subsections of its own section
    for line in String::from_utf8_lossy(&body).lines() {
        match line.strip_prefix(".SH ") {
            Some(title) => writeln!(out, ".SS {title}")?,
            None => writeln!(out, "{line}")?,
        }
    }
    for nested in cmd.get_subcommands() {
        section(nested, out)?;
    }
    Ok(())
}
