//! `vplan build` for one plan: load, check and compute the content, typeset every document
//! asked for, and write them all (or nothing) into the output directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::documents;
use super::load::{load, Checked, CheckedReport, LoadOptions};
pub use super::subject::Marked;
use super::subject::Subject;
use super::typesetter::{default_standard, Built, Typesetter};
use crate::check::prose::Judged;
use crate::error::{Error, IoContext, Result};
use crate::progress::Progress;
use crate::typeset::Standard;

/// What a build is asked to do (the options of `vplan build` that concern one plan).
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Directory the documents are written to.
    pub output: PathBuf,
    /// How the plan is loaded: warnings as errors, the status to build as.
    pub load: LoadOptions,
    /// PDF standards; by default those the plan's status calls for ([`default_standard`]).
    pub standard: Option<Standard>,
    /// Each appendix and the decision paper as documents of their own.
    pub split: bool,
    /// Only these documents (ids as [`documents::ids`] lists them).
    pub only: Vec<String>,
    /// Also write the generated Typst source.
    pub emit_typst: bool,
}

impl BuildOptions {
    /// The defaults of `vplan build`: into `output`, as the content says.
    pub fn new(output: impl Into<PathBuf>) -> Self {
        BuildOptions {
            output: output.into(),
            load: LoadOptions::default(),
            standard: None,
            split: false,
            only: Vec::new(),
            emit_typst: false,
        }
    }
}

/// Loads, checks and typesets the plan of one content directory and writes its documents.
/// Everything is typeset before anything is written, so an error leaves the output as it
/// was. `ts` may be long-lived (`vplan watch`): its worlds make a rebuild incremental.
pub fn build(
    content: &Path,
    options: &BuildOptions,
    ts: &mut Typesetter,
    progress: &dyn Progress,
) -> Result<DirBuild> {
    build_marked(content, options, ts, progress, &|_| Ok(None))
}

/// [`build`], with the changes since an earlier version marked when `mark` returns marks for
/// the checked plan (the documents are then written as `<name>-redline.pdf`).
pub fn build_marked(
    content: &Path,
    options: &BuildOptions,
    ts: &mut Typesetter,
    progress: &dyn Progress,
    mark: &dyn Fn(&Checked) -> Result<Option<Marked>>,
) -> Result<DirBuild> {
    let start = Instant::now();
    // Temporary files of a build that was killed are removed first.
    crate::output::clean_stale(&options.output);
    let checked = load(content, &options.load, progress)?;
    progress.warnings(&checked.warnings);
    let mut built = Vec::new();
    let mut suffix = "";
    for subject in subjects(&checked, options) {
        let subject = subject?;
        let (more, marked) = typeset_subject(subject, &checked, options, ts, mark)?;
        built.extend(more);
        if marked {
            suffix = "-redline";
        }
    }

    let t = Instant::now();
    let written = write_documents(&built, suffix, options, progress)?;
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
    progress.say(format_args!(
        "built {} document{} in {:.2} s",
        built.len(),
        if built.len() == 1 { "" } else { "s" },
        start.elapsed().as_secs_f64()
    ));
    Ok(DirBuild {
        written,
        phases,
        total: start.elapsed(),
        pages: built.iter().map(|(_, b)| b.pages).sum(),
    })
}

/// Writes the typeset documents (each by its file stem; `suffix` ends every name) into the
/// output directory, all or nothing, and says what it wrote. Returns the PDFs' paths.
fn write_documents(
    built: &[(String, Built)],
    suffix: &str,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(&options.output).at("create the output directory", &options.output)?;
    // Every document is typeset; now every file is staged, and only then are the targets
    // replaced, so a failure anywhere leaves all earlier files as they were.
    let mut files: Vec<(PathBuf, &[u8])> = Vec::new();
    let mut written = Vec::new();
    for (stem, built) in built {
        if options.emit_typst {
            let path = options.output.join(format!("{stem}{suffix}.typ"));
            files.push((path, built.typst_source.as_bytes()));
        }
        let path = options.output.join(format!("{stem}{suffix}.pdf"));
        files.push((path.clone(), &built.pdf));
        written.push(path);
    }
    crate::output::write_all(&files)?;
    for (stem, built) in built {
        if options.emit_typst {
            let path = options.output.join(format!("{stem}{suffix}.typ"));
            progress.say(format_args!("wrote {}", path.display()));
        }
        let path = options.output.join(format!("{stem}{suffix}.pdf"));
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
    Ok(written)
}

/// The subjects a build of `checked` makes documents of, chosen here once from the options:
/// the plan, or each report `--report` names (in order: one that is not there, or a draft, is
/// the error when its turn comes).
fn subjects<'c>(
    checked: &'c Checked,
    options: &'c BuildOptions,
) -> Box<dyn Iterator<Item = Result<Subject<'c>>> + 'c> {
    if options.load.reports.is_empty() {
        Box::new(std::iter::once(Ok(checked.subject())))
    } else {
        Box::new(
            options
                .load
                .reports
                .iter()
                .map(|id| checked.report(id).map(CheckedReport::subject)),
        )
    }
}

/// The documents a subject's build makes: `--only` chooses among the plan's; a report's are
/// all of them.
fn documents_of(subject: Subject<'_>, options: &BuildOptions) -> Result<Vec<documents::Document>> {
    let only: &[String] = match subject {
        Subject::Plan { .. } | Subject::Redline { .. } => &options.only,
        Subject::Report { .. } => &[],
    };
    documents::select_for(subject, options.split, only)
}

/// A subject's documents, typeset, each with its file stem; the plan's marked when `mark`
/// says so (then `true`: the file names end in `-redline`).
fn typeset_subject(
    subject: Subject<'_>,
    checked: &Checked,
    options: &BuildOptions,
    ts: &mut Typesetter,
    mark: &dyn Fn(&Checked) -> Result<Option<Marked>>,
) -> Result<(Vec<(String, Built)>, bool)> {
    let standard = standard_for(subject, options.standard)?;
    let docs = documents_of(subject, options)?;
    let marked = match subject {
        Subject::Plan { figures, .. } => mark(checked)?.map(|m| (m, figures)),
        Subject::Redline { .. } | Subject::Report { .. } => None,
    };
    let built = match &marked {
        None => documents::typeset_all(subject, ts, &docs, standard)?,
        Some((marked, figures)) => {
            let redline = Subject::Redline { marked, figures };
            documents::typeset_all(redline, ts, &docs, standard)?
        }
    };
    // Named as the subject's documents (a marked plan's texts, its labels too, carry marks).
    let built = built
        .into_iter()
        .map(|(doc, b)| (documents::file_stem(subject, &doc), b))
        .collect();
    Ok((built, marked.is_some()))
}

/// The PDF standards of a build: `--standard`, else those the status calls for. When
/// `--standard` asks more than `check` did, what PDF/A or PDF/UA refuses (headings that skip a
/// level, characters no font has) is an error now.
fn standard_for(subject: Subject<'_>, asked: Option<Standard>) -> Result<Standard> {
    let plan = subject.model();
    let judged = default_standard(plan);
    let standard = asked.unwrap_or(judged);
    if (standard.accessible() && !judged.accessible())
        || (standard.archival() && !judged.archival())
    {
        let judged = match subject {
            Subject::Plan { .. } | Subject::Redline { .. } => Judged::Plan,
            Subject::Report { .. } => Judged::Report,
        };
        let strict: Vec<_> =
            crate::check::prose::check(plan, judged, standard.accessible(), standard.archival())
                .into_iter()
                .filter(|d| d.is_error())
                .collect();
        if !strict.is_empty() {
            return Err(Error::Content(strict));
        }
    }
    Ok(standard)
}

/// The files a build of `content` would write (its PDFs, and the Typst sources with
/// `emit_typst`; `suffix` is `-redline` for a redline build), named as [`build`] names them,
/// without typesetting anything. `None` when the content does not load: the build itself
/// reports why. Several content directories built into one output directory are compared by
/// these names before any is built.
pub fn planned_files(content: &Path, options: &BuildOptions, suffix: &str) -> Option<Vec<PathBuf>> {
    let checked = load(content, &options.load, &crate::progress::Silent).ok()?;
    let mut stems = Vec::new();
    for subject in subjects(&checked, options) {
        let subject = subject.ok()?;
        let docs = documents_of(subject, options).ok()?;
        stems.extend(docs.iter().map(|d| documents::file_stem(subject, d)));
    }
    let mut out = Vec::new();
    for stem in stems {
        if options.emit_typst {
            out.push(options.output.join(format!("{stem}{suffix}.typ")));
        }
        out.push(options.output.join(format!("{stem}{suffix}.pdf")));
    }
    Some(out)
}

/// What [`build`] did: the files written and the time of each phase.
pub struct DirBuild {
    pub written: Vec<PathBuf>,
    pub phases: Vec<(&'static str, Duration)>,
    /// Pages of all documents written.
    pub pages: usize,
    /// Wall time of the whole build.
    pub total: Duration,
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
