//! `vplan build`: content → PDF in the output directory; several content directories are
//! built in parallel.

use std::path::{Path, PathBuf};
use std::time::Instant;

use vplan::diff::{redline, source};
use vplan::error::{Context, Error, Result};
use vplan::pipeline::build::{self as pipeline_build, timings_line, DirBuild, Marked};
use vplan::pipeline::Typesetter;
use vplan::progress::Progress;

use super::Terminal;
use crate::cli::BuildArgs;

pub fn run(args: &BuildArgs, progress: &Terminal) -> Result<()> {
    let dirs = args.content_dirs();
    if dirs.len() == 1 {
        let templates = args.project.templates()?;
        let mut ts = Typesetter::new(&templates)?.with_source_date(args.source_date.date()?);
        if args.trace.is_some() {
            vplan::typeset::Worlds::start_trace();
        }
        build_one(args, &dirs[0], &mut ts, progress)?;
        if let Some(file) = &args.trace {
            let mut out = Vec::new();
            ts.write_trace(&mut out)?;
            vplan::output::write(file, &out)?;
        }
        return Ok(());
    }
    vplan::ensure_usage!(
        args.trace.is_none(),
        "--trace traces the build of one plan: give one content directory"
    );
    build_many(args, &dirs, progress)
}

/// Builds several plans (one content directory per nämnd) in parallel. Every plan that builds
/// is written; the errors of the others are reported together.
fn build_many(args: &BuildArgs, dirs: &[PathBuf], progress: &Terminal) -> Result<()> {
    let start = Instant::now();
    let templates = args.project.templates()?;
    let date = args.source_date.date()?;
    // Two plans (or reports) that would write one file are refused before anything is built:
    // the second would replace the first.
    let options = args.options();
    let suffix = if args.redline.is_some() {
        "-redline"
    } else {
        ""
    };
    let mut planned = std::collections::HashMap::<PathBuf, &PathBuf>::new();
    let mut clashes = Vec::new();
    for dir in dirs {
        for p in pipeline_build::planned_files(dir, &options, suffix).unwrap_or_default() {
            if let Some(first) = planned.insert(p.clone(), dir) {
                clashes.push(format!(
                    "{} and {} would both write {}: give them different years or nämnder, or build them into different --output directories (nothing was built)",
                    first.display(),
                    dir.display(),
                    p.display()
                ));
            }
        }
    }
    if !clashes.is_empty() {
        return Err(Error::Batch {
            diagnostics: Vec::new(),
            failures: clashes,
        });
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("cannot start the build threads")?;
    let results: Vec<(PathBuf, Result<Vec<PathBuf>>)> = pool.install(|| {
        use rayon::prelude::*;
        dirs.par_iter()
            .map(|dir| {
                let result = Typesetter::new(&templates)
                    .map(|ts| ts.with_source_date(date))
                    .and_then(|mut ts| build_one(args, dir, &mut ts, progress))
                    .map(|b| b.written);
                (dir.clone(), result)
            })
            .collect()
    });
    let mut diags = Vec::new();
    let mut other = Vec::new();
    let mut written = std::collections::HashMap::<PathBuf, PathBuf>::new();
    let mut built = 0;
    for (dir, result) in results {
        match result {
            Ok(paths) => {
                built += 1;
                for p in paths {
                    if let Some(first) = written.insert(p.clone(), dir.clone()) {
                        other.push(format!(
                            "{} and {} both write {}: give them different years or nämnder, or build them into different --output directories",
                            first.display(),
                            dir.display(),
                            p.display()
                        ));
                    }
                }
            }
            Err(Error::Content(d)) => diags.extend(d),
            Err(e) => other.push(format!("{}: {e}", dir.display())),
        }
    }
    progress.say(format_args!(
        "built {built} of {} plans in {:.2} s",
        dirs.len(),
        start.elapsed().as_secs_f64()
    ));
    if !other.is_empty() {
        return Err(Error::Batch {
            diagnostics: diags,
            failures: other,
        });
    }
    if !diags.is_empty() {
        return Err(Error::Content(diags));
    }
    Ok(())
}

/// Builds the plan of one content directory (with the changes since `--redline REV` marked
/// when asked) and prints the time of each phase with `--timings`.
pub fn build_one(
    args: &BuildArgs,
    content: &Path,
    ts: &mut Typesetter,
    progress: &Terminal,
) -> Result<DirBuild> {
    let options = args.options();
    let built = match &args.redline {
        None => pipeline_build::build(content, &options, ts, progress)?,
        Some(rev) => {
            let mark = |checked: &vplan::pipeline::Checked| -> Result<Option<Marked>> {
                let (side, _) = source::sides(content, Some(rev), None)?;
                progress.say(format_args!(
                    "loading {} for the redline",
                    side.label(content)
                ));
                let old = source::load(&side, content)?;
                let (plan, old_cells) = redline::redline(&old.checked, checked);
                Ok(Some(Marked {
                    plan,
                    old_cells,
                    since: old.label.clone(),
                }))
            };
            pipeline_build::build_marked(content, &options, ts, progress, &mark)?
        }
    };
    if args.timings {
        progress.asked(format_args!(
            "{}",
            timings_line(content, &built.phases, built.total)
        ));
    }
    Ok(built)
}
