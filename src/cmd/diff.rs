//! `vplan diff [OLD] [NEW]`: load both sides, compare, print the report. Exit 0 when there
//! are no differences, 1 when there are, 2 on any error.

use std::io::IsTerminal;

use vplan::error::Result;

use crate::cli::{ColorChoice, DiffArgs, DiffFormat};
use vplan::diff::{self, output, source};

use super::Terminal;

/// Runs the diff; `Ok(true)` when there are differences.
pub fn run(args: &DiffArgs, progress: &Terminal) -> Result<bool> {
    // Only the PDF report uses them, but a missing `--templates` directory is refused first.
    let templates = args.project.templates()?;
    let content = &args.project.content;
    if let Some(out) = &args.output {
        // Every directory that holds a side's content: the project's and any given as a side.
        let dirs: Vec<&std::path::Path> = [args.old.as_deref(), args.new.as_deref()]
            .into_iter()
            .flatten()
            .map(std::path::Path::new)
            .chain([content.as_path()])
            .collect();
        super::refuse_content_target(out, &dirs, "-o")?;
    }
    let (old, new) = source::sides(content, args.old.as_deref(), args.new.as_deref())?;
    let old = source::load(&old, content)?;
    let new = source::load(&new, content)?;
    let report = diff::compare(&old.checked, &new.checked, &old.label, &new.label);
    let differs = !report.is_empty();
    if progress.quiet {
        return Ok(differs);
    }
    let to_file = args.output.is_some();
    let text = match (args.format, args.stat) {
        (DiffFormat::Pdf, _) => {
            let Some(path) = &args.output else {
                vplan::usage!("--format pdf needs -o FILE");
            };
            // A template error is the report's, not a side's.
            let pdf =
                diff::pdf::render(&report, &new.checked, &templates).map_err(|e| match e {
                    vplan::Error::Content(diagnostics) => vplan::Error::Side {
                        what: "the change report (its templates)".into(),
                        diagnostics,
                    },
                    e => e,
                })?;
            vplan::output::write(path, &pdf)?;
            let n = report.changes.len();
            eprintln!(
                "wrote {} ({n} change{})",
                path.display(),
                if n == 1 { "" } else { "s" }
            );
            return Ok(differs);
        }
        (_, true) => output::stat(&report),
        (DiffFormat::Text, false) => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    !to_file
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none()
                }
            };
            output::text(&report, output::Style { color })
        }
        (DiffFormat::Markdown, false) => output::markdown(&report),
        (DiffFormat::Json, false) => output::json(&report),
    };
    match &args.output {
        Some(path) => vplan::output::write(path, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(differs)
}
