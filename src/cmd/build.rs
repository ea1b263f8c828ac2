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
    refuse_clashes(args, dirs)?;
    let results = build_in_parallel(args, dirs, &templates, date, progress)?;
    let outcome = Outcome::gather(results);
    progress.say(format_args!(
        "built {} of {} plans in {:.2} s",
        outcome.built,
        dirs.len(),
        start.elapsed().as_secs_f64()
    ));
    outcome.into_result()
}

/// Two plans (or reports) that would write one file are refused before anything is built:
/// the second would replace the first.
fn refuse_clashes(args: &BuildArgs, dirs: &[PathBuf]) -> Result<()> {
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
    Ok(())
}

/// The files each content directory's build wrote, or its error, built on `--jobs` threads.
fn build_in_parallel(
    args: &BuildArgs,
    dirs: &[PathBuf],
    templates: &vplan::render::Templates,
    date: Option<vplan::typeset::Datetime>,
    progress: &Terminal,
) -> Result<Vec<(PathBuf, Result<Vec<PathBuf>>)>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("cannot start the build threads")?;
    Ok(pool.install(|| {
        use rayon::prelude::*;
        dirs.par_iter()
            .map(|dir| {
                let result = Typesetter::new(templates)
                    .map(|ts| ts.with_source_date(date))
                    .and_then(|mut ts| build_one(args, dir, &mut ts, progress))
                    .map(|b| b.written);
                (dir.clone(), result)
            })
            .collect()
    }))
}

/// What the parallel builds came to: how many built, their content errors, and every other
/// failure (including two builds that wrote one file).
#[derive(Default)]
struct Outcome {
    /// Plans that built.
    built: usize,
    /// The content errors of the plans that did not.
    diags: Vec<vplan::diag::Diagnostic>,
    /// The other failures, one line each.
    other: Vec<String>,
    /// Each file written, with the content directory that wrote it.
    written: std::collections::HashMap<PathBuf, PathBuf>,
}

impl Outcome {
    /// Sorts each build's result into the outcome.
    fn gather(results: Vec<(PathBuf, Result<Vec<PathBuf>>)>) -> Self {
        let mut outcome = Outcome::default();
        for (dir, result) in results {
            match result {
                Ok(paths) => outcome.built_one(dir, paths),
                Err(Error::Content(d)) => outcome.diags.extend(d),
                Err(e) => outcome.other.push(format!("{}: {e}", dir.display())),
            }
        }
        outcome
    }

    /// Counts a build that wrote `paths`; a file another build wrote too is a failure.
    fn built_one(&mut self, dir: PathBuf, paths: Vec<PathBuf>) {
        self.built += 1;
        for p in paths {
            if let Some(first) = self.written.insert(p.clone(), dir.clone()) {
                self.other.push(format!(
                    "{} and {} both write {}: give them different years or nämnder, or build them into different --output directories",
                    first.display(),
                    dir.display(),
                    p.display()
                ));
            }
        }
    }

    /// The failures together, else the content errors, else success.
    fn into_result(self) -> Result<()> {
        if !self.other.is_empty() {
            return Err(Error::Batch {
                diagnostics: self.diags,
                failures: self.other,
            });
        }
        if !self.diags.is_empty() {
            return Err(Error::Content(self.diags));
        }
        Ok(())
    }
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
