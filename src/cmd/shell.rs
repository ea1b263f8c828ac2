//! `vplan completions SHELL` and `vplan man`: shell completion scripts and man pages, generated
//! from the same clap definitions the parser uses (`clap_complete`, `clap_mangen`).

use std::fs;

use clap::CommandFactory;
use vplan::error::{Context, IoContext, Result};

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use vplan::progress::Progress;

use super::Terminal;

pub fn completions(args: &CompletionsArgs) -> Result<()> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "vplan", &mut std::io::stdout());
    Ok(())
}

/// Writes `vplan.1` and a page for every subcommand at every depth (`vplan-report.1`,
/// `vplan-report-init.1`, …) into the output directory. Each page's SUBCOMMANDS section names
/// its subcommands' pages, and its SEE ALSO section its parent's and `vplan(1)`: every
/// `vplan-…(1)` a page names is a page written here.
pub fn man(args: &ManArgs, progress: &Terminal) -> Result<()> {
    fs::create_dir_all(&args.out).at("create", &args.out)?;
    let mut files = Vec::new();
    for (name, page, parents) in man_pages() {
        let mut out = Vec::new();
        clap_mangen::Man::new(page)
            .render(&mut out)
            .with_context(|| format!("cannot render the man page {name}"))?;
        if !parents.is_empty() {
            // Hyphens as roff writes them (`\-`), as clap_mangen writes the SUBCOMMANDS names.
            let links: Vec<String> = parents
                .iter()
                .rev()
                .map(|p| format!("{}(1)", p.replace('-', "\\-")))
                .collect();
            out.extend_from_slice(format!(".SH \"SEE ALSO\"\n{}\n", links.join(", ")).as_bytes());
        }
        files.push((args.out.join(format!("{name}.1")), out));
    }
    vplan::output::write_all(&files)?;
    for (path, _) in &files {
        progress.say(format_args!("wrote {}", path.display()));
    }
    Ok(())
}

/// Every page: its name (`vplan-report-init`), the command (built, so that its display name is
/// that name and its usage line `vplan report init …`), and the pages above it, nearest last.
/// Hidden subcommands have no page (clap_mangen does not list them either), nor has `help`.
pub(crate) fn man_pages() -> Vec<(String, clap::Command, Vec<String>)> {
    fn walk(
        cmd: &clap::Command,
        parents: &[String],
        pages: &mut Vec<(String, clap::Command, Vec<String>)>,
    ) {
        let name = cmd
            .get_display_name()
            .unwrap_or_else(|| cmd.get_name())
            .to_string();
        pages.push((name.clone(), cmd.clone(), parents.to_vec()));
        let mut above = parents.to_vec();
        above.push(name);
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, &above, pages);
        }
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    walk(&cmd, &[], &mut pages);
    pages
}
