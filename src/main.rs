//! The `vplan` binary: the command line over the `vplan` library. Parses the arguments, runs
//! the command, and maps its outcome to an exit code in one place: 0 success, 1 the content
//! has errors (or `diff` found differences), 2 usage or I/O trouble.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;
use vplan::error::Result;

use cli::{Cli, Command, Format};
use cmd::Terminal;

fn main() -> ExitCode {
    // `VPLAN_COMPLETE=bash vplan -- vplan …`: the shell asks for completions (exits after them).
    cmd::shell::complete_if_asked();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => refuse_arguments(e),
    };
    let term = Terminal {
        quiet: cli.quiet,
        format: format_of(&cli.command),
    };
    match run(&cli.command, &term) {
        Ok(code) => code,
        Err(err) => {
            term.error(&err);
            ExitCode::from(err.exit_code())
        }
    }
}

/// Arguments clap refuses: when `--format` asks for a machine format, stdout still gets a
/// document (one `usage` diagnostic) before clap prints its message and exits 2.
fn refuse_arguments(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if !matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let args: Vec<String> = std::env::args().collect();
        let asked = args.iter().enumerate().find_map(|(i, a)| {
            a.strip_prefix("--format=").or_else(|| {
                (a == "--format")
                    .then(|| args.get(i + 1).map(String::as_str))
                    .flatten()
            })
        });
        let format = asked.and_then(|f| <Format as clap::ValueEnum>::from_str(f, false).ok());
        let rendered = e.render().to_string();
        let first = rendered.lines().next().unwrap_or_default();
        let message = first.strip_prefix("error: ").unwrap_or(first).to_string();
        let diag = vplan::diag::Diagnostic::general(vplan::diag::Code::Usage, message);
        if let Some(format) = format {
            let term = Terminal {
                quiet: false,
                format,
            };
            if let Some(out) = format.machine(&[diag]) {
                term.out(&out);
            }
        }
    }
    e.exit()
}

/// How the command's diagnostics are printed.
fn format_of(command: &Command) -> Format {
    match command {
        Command::Build(args) => args.report.format,
        Command::Check(args) => args.report.format,
        Command::Watch(args) => args.build.report.format,
        _ => Format::Human,
    }
}

fn run(command: &Command, term: &Terminal) -> Result<ExitCode> {
    match command {
        Command::Build(args) => cmd::build::run(args, term)?,
        Command::Check(args) => cmd::check::run(args, term)?,
        // diff exits like diff(1): 0 same, 1 different, 2 trouble.
        Command::Diff(args) => {
            let differs = cmd::diff::run(args, term).map_err(|e| match e {
                // Trouble, not a difference: exit 2.
                vplan::Error::Content(diagnostics) => vplan::Error::Side {
                    what: format!("the plan in {}", args.project.content.display()),
                    diagnostics,
                },
                e => e,
            })?;
            return Ok(ExitCode::from(u8::from(differs)));
        }
        Command::Textconv(args) => cmd::textconv::run(args, term)?,
        Command::Watch(args) => cmd::watch::run(args, term)?,
        Command::Preview(args) => cmd::preview::run(args, term)?,
        Command::Bench(args) => cmd::bench::run(args, term)?,
        Command::Export(args) => cmd::sheet::export(args, term)?,
        Command::Import(args) => cmd::sheet::import(args, term)?,
        Command::NewYear(args) => cmd::init::new_year(args, term)?,
        Command::Init(args) => cmd::init::run(args, term)?,
        Command::Report(cmd) => cmd::report::run(cmd, term)?,
        Command::Schema(args) => cmd::schema::run(args, term)?,
        Command::Templates(args) => cmd::templates::run(args, term)?,
        Command::Completions(args) => cmd::shell::completions(args, term)?,
        Command::Man(args) => cmd::shell::man(args, term)?,
    }
    Ok(ExitCode::SUCCESS)
}
