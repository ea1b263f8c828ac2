//! `vplan diff [OLD] [NEW]`: load both sides, compare, print the report. Exit 0 when there
//! are no differences, 1 when there are, 2 on any error.

use vplan::error::Result;
use vplan::progress::Progress;

use crate::cli::{ColorChoice, DiffArgs, DiffFormat};
use vplan::diff::{self, output, source};

use super::Terminal;

/// Runs the diff; `Ok(true)` when there are differences.
pub fn run(args: &DiffArgs, progress: &Terminal) -> Result<bool> {
    // Only the PDF report uses them, but a missing `--templates` directory is refused first.
    let templates = args.project.templates()?;
    refuse_output_in_content(args)?;
    let (old, new) = load_sides(args)?;
    let (report, new_subject) = compare(args, &old, new.as_ref())?;
    let differs = !report.is_empty();
    // `-q` prints nothing (the exit code tells); a file named with `-o` is still written.
    if progress.quiet && args.output.is_none() {
        return Ok(differs);
    }
    let text = match (args.format, args.stat) {
        (DiffFormat::Pdf, _) => {
            write_pdf(args, &report, new_subject, &templates, progress)?;
            return Ok(differs);
        }
        (_, true) => output::stat(&report),
        (DiffFormat::Text, false) => output::text(
            &report,
            output::Style {
                color: color(args, progress),
            },
        ),
        (DiffFormat::Markdown, false) => output::markdown(&report),
        (DiffFormat::Json, false) => output::json(&report),
    };
    match &args.output {
        Some(path) => vplan::output::write(path, text.as_bytes())?,
        None => progress.out(&text),
    }
    Ok(differs)
}

/// Refuses an `-o` file inside a directory that holds a side's content: the project's and
/// any given as a side.
fn refuse_output_in_content(args: &DiffArgs) -> Result<()> {
    if let Some(out) = &args.output {
        let dirs: Vec<&std::path::Path> = [args.old.as_deref(), args.new.as_deref()]
            .into_iter()
            .flatten()
            .map(std::path::Path::new)
            .chain([args.project.content.as_path()])
            .collect();
        super::refuse_content_target(out, &dirs, "-o")?;
    }
    Ok(())
}

/// Which versions are read: two sides, or (two reports) the one version both are in.
fn load_sides(args: &DiffArgs) -> Result<(source::Loaded, Option<source::Loaded>)> {
    let content = &args.project.content;
    Ok(match args.reports.as_slice() {
        [] | [_] => {
            let (old, new) = source::sides(content, args.old.as_deref(), args.new.as_deref())?;
            (source::load(&old, content)?, Some(source::load(&new, content)?))
        }
        [a, b] => {
            if a == b {
                vplan::usage!("--report {a} is given twice: give two reports to compare (e.g. `--report 2031-t1 --report 2031-delar`), or one report and two versions");
            }
            if args.new.is_some() {
                vplan::usage!(
                    "with two --report, give at most one version (both reports are read from it; default: the working tree)"
                );
            }
            let side = match args.old.as_deref() {
                Some(v) => source::sides(content, Some(v), None)?.0,
                None => source::Side::Dir(content.clone()),
            };
            (source::load(&side, content)?, None)
        }
        _ => vplan::usage!("--report: give one report (compared between two versions) or two (compared with each other)"),
    })
}

/// The report of the changes, and the new subject: the plans with their reports, or reports
/// as documents.
fn compare<'a>(
    args: &DiffArgs,
    old: &'a source::Loaded,
    new: Option<&'a source::Loaded>,
) -> Result<(diff::Report, vplan::pipeline::Subject<'a>)> {
    Ok(match (args.reports.as_slice(), new) {
        ([], Some(new)) => (
            diff::compare(&old.checked, &new.checked, &old.label, &new.label),
            new.checked.subject(),
        ),
        ([id], Some(new)) => {
            let (o, n) = (report_of(old, id)?, report_of(new, id)?);
            let (old_label, new_label) = (
                format!("{id} ({})", old.label),
                format!("{id} ({})", new.label),
            );
            (
                diff::compare_reports(o, n, &old_label, &new_label),
                n.subject(),
            )
        }
        ([a, b], _) => {
            let (o, n) = (report_of(old, a)?, report_of(old, b)?);
            (diff::compare_reports(o, n, a, b), n.subject())
        }
        _ => unreachable!("the versions match the reports"),
    })
}

/// `--format pdf`: the report typeset into the `-o` file.
fn write_pdf(
    args: &DiffArgs,
    report: &diff::Report,
    new_subject: vplan::pipeline::Subject<'_>,
    templates: &vplan::render::Templates,
    progress: &Terminal,
) -> Result<()> {
    let Some(path) = &args.output else {
        vplan::usage!("--format pdf needs -o FILE");
    };
    let date = args.source_date.date()?;
    // A template error is the report's, not a side's.
    let pdf = diff::pdf::render(report, new_subject, templates, date).map_err(|e| match e {
        vplan::Error::Content(diagnostics) => vplan::Error::Side {
            what: "the change report (its templates)".into(),
            diagnostics,
        },
        e => e,
    })?;
    vplan::output::write(path, &pdf)?;
    let n = report.changes.len();
    progress.say(format_args!(
        "wrote {} ({n} change{})",
        path.display(),
        if n == 1 { "" } else { "s" }
    ));
    Ok(())
}

/// Whether the text report is coloured: as `--color` says, by default only on a terminal
/// (not into a file, nor with `NO_COLOR`).
fn color(args: &DiffArgs, progress: &Terminal) -> bool {
    match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && progress.stdout_is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

/// Report `id` of a loaded version.
fn report_of<'a>(
    loaded: &'a source::Loaded,
    id: &str,
) -> Result<&'a vplan::pipeline::CheckedReport> {
    loaded.checked.report(id).map_err(|e| match e {
        // The report has errors (a draft): they are that version's.
        vplan::Error::Content(diagnostics) => vplan::Error::Side {
            what: format!("the report {id} in {}", loaded.label),
            diagnostics,
        },
        e => e.context(&loaded.label),
    })
}
