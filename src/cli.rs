//! Command-line interface (clap derive). Shared flags are flattened into each subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    /// Load, compute and typeset the plan into a PDF.
    #[command(after_help = EXIT_CODES)]
    Build(BuildArgs),
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
}
