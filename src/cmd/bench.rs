//! `vplan bench`: the benchmarks of [`vplan::bench`] (and, with `--preview`, of
//! [`vplan::preview::bench`]), reported on stdout.

use vplan::error::Result;

use super::Terminal;
use crate::cli::BenchArgs;

pub fn run(args: &BenchArgs, progress: &Terminal) -> Result<()> {
    if let Some(edits) = args.preview {
        let options = vplan::preview::bench::Options {
            content: args.project.content.clone(),
            templates: args.project.templates()?,
            edits,
            memory_edits: edits * 5,
        };
        return vplan::preview::bench::run(&options, &mut progress.writer());
    }
    let options = vplan::bench::Options {
        content: args.project.content.clone(),
        templates: args.project.templates()?,
        runs: args.runs,
        scale: args.scale.clone(),
        parallel: args.parallel,
        scale_child: args.scale_child,
        long: args.long,
        long_child: args.long_child.clone(),
    };
    vplan::bench::run(&options, &mut progress.writer(), progress)
}
