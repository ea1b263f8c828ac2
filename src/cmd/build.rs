//! `vplan build`: content → PDF in the output directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::cli::BuildArgs;
use crate::diag::ContentError;
use crate::diff::{redline, source};
use crate::pipeline;
use crate::pipeline::documents;
use crate::progress::Progress;
use crate::render::view::Redline;

pub fn run(args: &BuildArgs, progress: &Progress) -> Result<()> {
    let dirs = args.content_dirs();
    if dirs.len() == 1 {
        let mut ts = pipeline::Typesetter::new(&args.project.templates)?;
        build_dir(args, &dirs[0], &mut ts, progress)?;
        return Ok(());
    }
    build_many(args, &dirs, progress)
}

/// Builds several plans (one content directory per nämnd) in parallel. Every plan that builds
/// is written; the errors of the others are reported together.
fn build_many(args: &BuildArgs, dirs: &[PathBuf], progress: &Progress) -> Result<()> {
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("cannot start the build threads")?;
    let results: Vec<(PathBuf, Result<Vec<PathBuf>>)> = pool.install(|| {
        use rayon::prelude::*;
        dirs.par_iter()
            .map(|dir| {
                let result = pipeline::Typesetter::new(&args.project.templates)
                    .and_then(|mut ts| build_dir(args, dir, &mut ts, progress))
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
            Err(e) => match e.downcast::<ContentError>() {
                Ok(ContentError(d)) => diags.extend(d),
                Err(e) => other.push(format!("{}: {e:#}", dir.display())),
            },
        }
    }
    progress.say(format_args!(
        "built {built} of {} plans in {:.2} s",
        dirs.len(),
        start.elapsed().as_secs_f64()
    ));
    if !other.is_empty() {
        if !diags.is_empty() {
            eprint!("{}", crate::diag::render_human(&diags));
        }
        anyhow::bail!("{}", other.join("\n"));
    }
    if !diags.is_empty() {
        return Err(ContentError(diags).into());
    }
    Ok(())
}

/// Loads, checks and typesets the plan of one content directory and writes its documents;
/// returns the paths written. Everything is typeset before anything is written, so an error
/// leaves the output as it was. `ts` may be long-lived (`vplan watch`): its worlds make a
/// rebuild incremental.
pub fn build_dir(
    args: &BuildArgs,
    content: &Path,
    ts: &mut pipeline::Typesetter,
    progress: &Progress,
) -> Result<DirBuild> {
    let start = Instant::now();
    // Temporary files of a build that was killed are removed first.
    crate::output::clean_stale(&args.output);
    let checked =
        pipeline::load_checked_as(content, progress, args.report.deny_warnings, args.status)?;
    let standard = args
        .standard
        .unwrap_or_else(|| pipeline::default_standard(&checked.plan));
    let judged = pipeline::default_standard(&checked.plan);
    if (standard.accessible() && !judged.accessible())
        || (standard.archival() && !judged.archival())
    {
        // `--standard` asks more than `check` did: what PDF/A or PDF/UA refuses (headings
        // that skip a level, characters no font has) is an error now.
        let strict: Vec<_> =
            crate::check::prose::check(&checked.plan, standard.accessible(), standard.archival())
                .into_iter()
                .filter(|d| d.is_error())
                .collect();
        if !strict.is_empty() {
            return Err(ContentError(strict).into());
        }
    }
    super::report_warnings(&checked.warnings, args.report.format, progress);
    let docs = documents::select(&checked.plan, args.split, &args.only)?;
    let (built, suffix) = match &args.redline {
        None => (
            documents::typeset_all(&checked, ts, &docs, None, standard)?,
            "",
        ),
        Some(rev) => {
            let (side, _) = source::sides(content, Some(rev), None)?;
            progress.say(format_args!(
                "loading {} for the redline",
                side.label(content)
            ));
            let old = source::load(&side, content)?;
            let (plan, old_cells) = redline::redline(&old.checked, &checked);
            let marked = pipeline::Checked {
                plan,
                computed: checked.computed.clone(),
                warnings: Vec::new(),
                timings: Vec::new(),
            };
            let marks = Redline {
                since: &old.label,
                old_cells: &old_cells,
            };
            let built = documents::typeset_all(&marked, ts, &docs, Some(&marks), standard)?;
            (built, "-redline")
        }
    };

    let t = Instant::now();
    fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create output directory {}", args.output.display()))?;
    // Every document is typeset; now every file is staged, and only then are the targets
    // replaced, so a failure anywhere leaves all earlier files as they were.
    let mut files: Vec<(PathBuf, &[u8])> = Vec::new();
    let mut written = Vec::new();
    for (doc, built) in &built {
        let stem = documents::file_stem(&checked.plan, doc);
        if args.emit_typst {
            let path = args.output.join(format!("{stem}{suffix}.typ"));
            files.push((path, built.typst_source.as_bytes()));
        }
        let path = args.output.join(format!("{stem}{suffix}.pdf"));
        files.push((path.clone(), &built.pdf));
        written.push(path);
    }
    crate::output::write_all(&files)?;
    for (doc, built) in &built {
        let stem = documents::file_stem(&checked.plan, doc);
        if args.emit_typst {
            let path = args.output.join(format!("{stem}{suffix}.typ"));
            progress.say(format_args!("wrote {}", path.display()));
        }
        let path = args.output.join(format!("{stem}{suffix}.pdf"));
        let compile = built
            .timings
            .iter()
            .filter(|(p, _)| *p == "compile")
            .map(|(_, d)| *d)
            .sum::<Duration>();
        progress.say(format_args!(
            "wrote {} ({} page{}, {} KiB; typst compile {:.0} ms)",
            path.display(),
            built.pages,
            if built.pages == 1 { "" } else { "s" },
            built.pdf.len() / 1024,
            compile.as_secs_f64() * 1000.0,
        ));
    }
    let write = t.elapsed();
    let mut phases: Vec<(&'static str, Duration)> = checked.timings.clone();
    for (_, b) in &built {
        for &(phase, took) in &b.timings {
            match phases.iter_mut().find(|(p, _)| *p == phase) {
                Some((_, sum)) => *sum += took,
                None => phases.push((phase, took)),
            }
        }
    }
    phases.push(("write", write));
    if args.timings {
        eprintln!("{}", timings_line(content, &phases, start.elapsed()));
    }
    progress.say(format_args!(
        "built {} document{} in {:.2} s",
        built.len(),
        if built.len() == 1 { "" } else { "s" },
        start.elapsed().as_secs_f64()
    ));
    Ok(DirBuild {
        written,
        phases,
        pages: built.iter().map(|(_, b)| b.pages).sum(),
    })
}

/// What [`build_dir`] did: the files written and the time of each phase.
pub struct DirBuild {
    pub written: Vec<PathBuf>,
    pub phases: Vec<(&'static str, Duration)>,
    /// Pages of all documents written.
    pub pages: usize,
}

impl DirBuild {
    /// The time of the phases named.
    pub fn time_of(&self, names: &[&str]) -> Duration {
        self.phases
            .iter()
            .filter(|(p, _)| names.contains(p))
            .map(|(_, d)| *d)
            .sum()
    }
}

/// `timings content: load 9.1 ms · check 0.4 ms · … · total 131.0 ms`
pub fn timings_line(content: &Path, phases: &[(&str, Duration)], total: Duration) -> String {
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let mut parts: Vec<String> = phases
        .iter()
        .map(|(p, d)| format!("{p} {}", ms(*d)))
        .collect();
    parts.push(format!("total {}", ms(total)));
    format!("timings {}: {}", content.display(), parts.join(" · "))
}
