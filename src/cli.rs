//! Command-line interface (clap derive). Shared flags are flattened into each subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::diag::Format;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the content or a template has errors (every error is printed)
  2  usage error, or a file or directory could not be read or written";

/// Builds a Swedish verksamhetsplan med budget as a PDF from YAML content.
#[derive(Debug, Parser)]
#[command(name = "vplan", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, check, compute and typeset the plan into a PDF. Refuses to write a PDF when the
    /// content has errors.
    #[command(after_help = EXIT_CODES)]
    Build(BuildArgs),
    /// Load, compute and check the plan without writing anything: every error with its file,
    /// line and column, every control figure verified.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
}

/// How problems are reported.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,

    /// Output format of errors and warnings: `human` (stderr) or `json` (stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

/// Where the plan comes from and where it goes.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// Directory with the plan's YAML content.
    #[arg(long, default_value = "content", value_name = "DIR")]
    pub content: PathBuf,

    /// Directory with the minijinja templates and static Typst files.
    #[arg(long, default_value = "templates", value_name = "DIR")]
    pub templates: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Directory the PDF is written to.
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub output: PathBuf,

    /// Also write the generated Typst source next to the PDF (for debugging templates).
    #[arg(long)]
    pub emit_typst: bool,

    #[command(flatten)]
    pub report: ReportArgs,
}
