//! `vplan report init ID --kind K`: the command-line side of [`vplan::skeleton::report`].

use vplan::error::Result;
use vplan::progress::Progress;

use super::Terminal;
use crate::cli::ReportCommand;

pub fn run(cmd: &ReportCommand, progress: &Terminal) -> Result<()> {
    match cmd {
        ReportCommand::Init(args) => {
            let kind = args.kind.into();
            if args.stdout {
                let checked = vplan::pipeline::load(
                    &args.content,
                    &Default::default(),
                    &vplan::progress::Silent,
                )?;
                let text =
                    vplan::skeleton::report::follow_up(&checked, &args.content, &args.id, kind)?;
                progress.out(&text);
                return Ok(());
            }
            let path = vplan::skeleton::report::write_follow_up(&args.content, &args.id, kind)?;
            progress.say(format_args!(
                "wrote {}: fill in the assessments, statuses and outcomes (`vplan check` lists what is left), then `vplan build --report {}`",
                path.display(),
                args.id
            ));
            Ok(())
        }
    }
}
