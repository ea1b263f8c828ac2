//! `vplan check`: load, compute and check without writing anything.

use vplan::error::Result;

use crate::cli::CheckArgs;
use vplan::pipeline;
use vplan::progress::Progress;

use super::Terminal;

pub fn run(args: &CheckArgs, progress: &Terminal) -> Result<()> {
    // A `--templates` directory that does not exist is refused here as `build` refuses it.
    let templates = args.project.templates()?;
    // So is a `SOURCE_DATE_EPOCH` that is not a timestamp, which `build` refuses.
    let source_date = args.source_date.date()?;
    // Without --report: the plan and every report; with it, what `build --report` judges.
    let checked = pipeline::load(
        &args.project.content,
        &pipeline::LoadOptions {
            deny_warnings: args.report.deny_warnings,
            reports: args.reports.clone(),
            every_report: args.reports.is_empty(),
            ..Default::default()
        },
        progress,
    )?;
    // A report named that the content does not have is refused as `build --report` refuses it.
    for id in &args.reports {
        checked.report(id)?;
    }
    progress.warnings(&checked.warnings);
    judge_templates(args, &checked, &templates, source_date, progress)?;
    if !args.reports.is_empty() {
        return say_reports_ok(args, &checked, progress);
    }
    say_plan_ok(&checked, progress);
    Ok(())
}

/// The built-in templates are tested with the program; a project's own are judged here by
/// typesetting every document with them, as `build` would.
fn judge_templates(
    args: &CheckArgs,
    checked: &pipeline::Checked,
    templates: &vplan::render::Templates,
    source_date: Option<vplan::typeset::Datetime>,
    progress: &Terminal,
) -> Result<()> {
    let files = templates.read()?;
    let changed: Vec<String> = files
        .changed()
        .map(|f| f.shown.display().to_string())
        .collect();
    if args.reports.is_empty() && files.changed().any(|f| f.name == "diff.typ.j2") {
        // The change report's template, typeset as `diff --format pdf` would with a report of
        // no changes (the parts for each kind of change show only with real changes).
        let report = vplan::diff::compare(checked, checked, "", "");
        vplan::diff::pdf::render(&report, checked.subject(), templates, source_date)?;
        progress.say(format_args!(
            "typeset the change report with the project's diff.typ.j2 (with no changes; `vplan diff --format pdf` tries it on real ones)"
        ));
    }
    if !changed.is_empty() {
        let mut ts = pipeline::Typesetter::new(templates)?.with_source_date(source_date);
        let typeset =
            pipeline::documents::typeset_to_check(&checked.subjects(&args.reports)?, &mut ts)?;
        progress.say(format_args!(
            "typeset {typeset} document{} with the project's templates ({})",
            if typeset == 1 { "" } else { "s" },
            changed.join(", ")
        ));
    }
    Ok(())
}

/// `count` with the noun for one or for many: `1 table`, `3 tables`.
fn n(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// The summary of `check --report`: the reports judged and their figure references.
fn say_reports_ok(
    args: &CheckArgs,
    checked: &pipeline::Checked,
    progress: &Terminal,
) -> Result<()> {
    let mut references = 0;
    for id in &args.reports {
        let report = checked.report(id)?;
        references += vplan::figures::refs::report_prose(&report.source)
            .into_iter()
            .map(|p| vplan::figures::refs::find_in_prose(p.text).len())
            .sum::<usize>();
    }
    progress.say(format_args!(
        "ok: {} {}, on a plan without errors; {}; {}",
        if args.reports.len() == 1 {
            "follow-up report"
        } else {
            "follow-up reports"
        },
        args.reports.join(", "),
        n(references, "figure reference", "figure references"),
        n(checked.warnings.len(), "warning", "warnings"),
    ));
    Ok(())
}

/// The summary of `check`: what the plan holds and how much of it was checked.
fn say_plan_ok(checked: &pipeline::Checked, progress: &Terminal) {
    let plan = &checked.plan;
    progress.say(format_args!(
        "ok: {}, {}, {}{}, {} checked, {} figure references; {}",
        n(plan.chapters.len(), "chapter", "chapters"),
        n(plan.appendices.len(), "appendix", "appendices"),
        n(plan.tables.len(), "table", "tables"),
        match plan.reports.len() {
            0 => String::new(),
            count => format!(", {}", n(count, "follow-up report", "follow-up reports")),
        },
        n(
            checked.computed.controls_checked,
            "control figure",
            "control figures"
        ),
        vplan::figures::refs::prose(plan)
            .into_iter()
            .chain(
                plan.reports
                    .iter()
                    .flat_map(vplan::figures::refs::report_prose)
            )
            .map(|p| vplan::figures::refs::find_in_prose(p.text).len())
            .sum::<usize>(),
        n(checked.warnings.len(), "warning", "warnings"),
    ));
}
