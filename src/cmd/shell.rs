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

/// Writes `vplan.1` and `vplan-<subcommand>.1` into the output directory.
pub fn man(args: &ManArgs, progress: &Terminal) -> Result<()> {
    fs::create_dir_all(&args.out).at("create", &args.out)?;
    let cmd = Cli::command();
    let mut pages = vec![("vplan".to_string(), cmd.clone())];
    for sub in cmd.get_subcommands() {
        let name = format!("vplan-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().name(name)));
    }
    let mut files = Vec::new();
    for (name, page) in pages {
        let mut out = Vec::new();
        clap_mangen::Man::new(page)
            .render(&mut out)
            .with_context(|| format!("cannot render the man page {name}"))?;
        files.push((args.out.join(format!("{name}.1")), out));
    }
    vplan::output::write_all(&files)?;
    for (path, _) in &files {
        progress.say(format_args!("wrote {}", path.display()));
    }
    Ok(())
}
