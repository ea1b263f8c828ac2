//! The `vplan` binary: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use vplan::cli::{Cli, Command};
use vplan::diag::ContentError;
use vplan::progress::Progress;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let progress = Progress { quiet: cli.quiet };
    let result = match &cli.command {
        Command::Build(args) => vplan::cmd::build::run(args, &progress),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match err.downcast_ref::<ContentError>() {
            Some(content) => {
                eprintln!("{content}");
                ExitCode::from(1)
            }
            None => {
                eprintln!("error: {err:#}");
                ExitCode::from(2)
            }
        },
    }
}
