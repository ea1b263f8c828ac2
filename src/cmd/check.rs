//! `vplan check`: load, compute and check without writing anything.

use anyhow::Result;

use crate::cli::CheckArgs;
use crate::pipeline;
use crate::progress::Progress;

pub fn run(args: &CheckArgs, progress: &Progress) -> Result<()> {
    let checked =
        pipeline::load_checked(&args.project.content, progress, args.report.deny_warnings)?;
    super::report_warnings(&checked.warnings, args.report.format, progress);
    let plan = &checked.plan;
    let n = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    progress.say(format_args!(
        "ok: {}, {}, {}, {} checked, {} figure references; {}",
        n(plan.chapters.len(), "chapter", "chapters"),
        n(plan.appendices.len(), "appendix", "appendices"),
        n(plan.tables.len(), "table", "tables"),
        n(
            checked.computed.controls_checked,
            "control figure",
            "control figures"
        ),
        crate::refs::prose(plan)
            .iter()
            .map(|p| crate::refs::find(p.text).len())
            .sum::<usize>(),
        n(checked.warnings.len(), "warning", "warnings"),
    ));
    Ok(())
}
