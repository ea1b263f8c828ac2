//! The `vplan` binary: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use vplan::cli::{Cli, Command};
use vplan::diag::{self, ContentError, Format};
use vplan::progress::Progress;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let progress = Progress { quiet: cli.quiet };
    let (result, format) = match &cli.command {
        Command::Build(args) => (vplan::cmd::build::run(args, &progress), args.report.format),
        Command::Check(args) => (vplan::cmd::check::run(args, &progress), args.report.format),
        // diff exits like diff(1): 0 same, 1 different, 2 trouble.
        Command::Diff(args) => {
            return match vplan::cmd::diff::run(args, &progress) {
                Ok(false) => ExitCode::SUCCESS,
                Ok(true) => ExitCode::from(1),
                Err(err) => {
                    match err.downcast_ref::<ContentError>() {
                        Some(ContentError(diags)) => eprint!("{}", diag::render_human(diags)),
                        None => eprintln!("error: {err:#}"),
                    }
                    ExitCode::from(2)
                }
            };
        }
        Command::Textconv(args) => (vplan::cmd::textconv::run(args), Format::Human),
        Command::Watch(args) => (
            vplan::cmd::watch::run(args, &progress),
            args.build.report.format,
        ),
        Command::Bench(args) => (vplan::bench::run(args, &progress), Format::Human),
        Command::Export(args) => (vplan::cmd::sheet::export(args, &progress), Format::Human),
        Command::Import(args) => (vplan::cmd::sheet::import(args, &progress), Format::Human),
        Command::NewYear(args) => (vplan::cmd::init::new_year(args, &progress), Format::Human),
        Command::Init(args) => (vplan::cmd::init::run(args, &progress), Format::Human),
        Command::Schema(args) => (vplan::cmd::schema::run(args, &progress), Format::Human),
        Command::Completions(args) => (vplan::cmd::shell::completions(args), Format::Human),
        Command::Man(args) => (vplan::cmd::shell::man(args, &progress), Format::Human),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => ExitCode::from(vplan::cmd::report_error(&err, format)),
    }
}
