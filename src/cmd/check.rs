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
    progress.say(format_args!(
        "ok: {} chapters, {} appendices, {} tables, {} control figures checked; {} warnings",
        plan.chapters.len(),
        plan.appendices.len(),
        plan.tables.len(),
        checked.computed.controls_checked,
        checked.warnings.len()
    ));
    Ok(())
}
