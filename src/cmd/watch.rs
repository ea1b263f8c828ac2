//! `vplan watch`: build, then rebuild on every change of the content or the project's
//! templates directory.
//!
//! One long-lived [`Typesetter`] keeps a Typst world per document, so a rebuild after a small
//! edit is incremental (Typst's memoization reuses what the edit did not touch). A content or
//! template error is printed with its diagnostic and watching goes on; nothing is written, so
//! the last good PDF stays in place. Memoized results unused for a while are evicted after
//! every rebuild, so memory stays bounded however long it runs.
//!
//! A file-system event only wakes the watcher: what changed is found by comparing the size and
//! modification time of every watched file with the last build's. Reading the files for a
//! build raises events of its own (access), and an editor's save raises several; neither
//! causes a rebuild unless a file really changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{new_debouncer, DebounceEventResult};
use vplan::error::{Context, Result};

use crate::cli::WatchArgs;
use vplan::pipeline::Typesetter;
use vplan::progress::Progress;

use super::Terminal;
use vplan::typeset::Worlds;

/// Compiles a memoized result may go unused before it is evicted.
const EVICT_AFTER: usize = 10;
/// Quiet time after the last change before rebuilding (editors write in several steps).
const DEBOUNCE: Duration = Duration::from_millis(150);

pub fn run(args: &WatchArgs, progress: &Terminal) -> Result<()> {
    let build = &args.build;
    let dirs = build.content_dirs();
    let [content] = &dirs[..] else {
        vplan::usage!("vplan watch watches one content directory; give it with --content");
    };
    if !content.is_dir() {
        vplan::usage!("{} is not a directory", content.display());
    }
    let templates = build.project.templates()?;
    let mut session = Session::start(args, content, &templates, progress)?;
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let _debouncer = watch(content, &templates, tx, progress)?;
    for events in rx {
        if let Err(e) = events {
            progress.warn(format_args!("watching: {e}"));
            continue;
        }
        if session.on_change() {
            break;
        }
    }
    Ok(())
}

/// Starts watching the content directory and the project's templates directory, events sent
/// to `tx`, and says so.
fn watch(
    content: &Path,
    templates: &vplan::render::Templates,
    tx: mpsc::Sender<DebounceEventResult>,
    progress: &Terminal,
) -> Result<notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>> {
    let mut debouncer = new_debouncer(DEBOUNCE, tx).context("cannot watch for changes")?;
    for dir in std::iter::once(content).chain(templates.dir()) {
        debouncer
            .watcher()
            .watch(dir, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {}", dir.display()))?;
    }
    match templates.dir() {
        Some(dir) => progress.say(format_args!(
            "watching {} and {} for changes (Ctrl-C to stop)",
            content.display(),
            dir.display()
        )),
        None => progress.say(format_args!(
            "watching {} for changes, with the built-in templates (Ctrl-C to stop)",
            content.display()
        )),
    }
    Ok(debouncer)
}

/// A watch between rebuilds: the long-lived typesetter and what the last build saw.
struct Session<'a> {
    args: &'a WatchArgs,
    content: &'a Path,
    progress: &'a Terminal,
    ts: Typesetter,
    /// Templates are read again only after one of them changed (or a reload failed).
    templates_stale: bool,
    /// The project's templates directory, absolute; the built-in templates never change.
    templates_abs: Option<PathBuf>,
    /// The directories watched, absolute.
    watched: Vec<PathBuf>,
    /// The output directory, absolute (its files are not watched).
    output: PathBuf,
    /// The watched files as the last build saw them.
    seen: Snapshot,
    /// Whether a PDF was opened (`--open` opens the first one written).
    opened: bool,
    /// Rebuilds so far (for `--max-rebuilds`).
    rebuilds: usize,
}

impl<'a> Session<'a> {
    /// The first build, its PDF opened with `--open`.
    fn start(
        args: &'a WatchArgs,
        content: &'a Path,
        templates: &vplan::render::Templates,
        progress: &'a Terminal,
    ) -> Result<Self> {
        let build = &args.build;
        let output = absolute(&build.output);
        let ts = Typesetter::new(templates)?.with_source_date(build.source_date.date()?);
        let templates_abs = templates.dir().map(absolute);
        let watched: Vec<PathBuf> = std::iter::once(absolute(content))
            .chain(templates_abs.clone())
            .collect();
        let seen = snapshot(&watched, &output);
        let mut session = Session {
            args,
            content,
            progress,
            ts,
            templates_stale: false,
            templates_abs,
            watched,
            output,
            seen,
            opened: false,
            rebuilds: 0,
        };
        let first = session.rebuild();
        if let (Some(pdf), true) = (first.first(), args.open) {
            open(pdf, progress);
            session.opened = true;
        }
        Ok(session)
    }

    /// One build with this session's typesetter.
    fn rebuild(&mut self) -> Vec<PathBuf> {
        rebuild(
            self.args,
            self.content,
            &mut self.ts,
            &mut self.templates_stale,
            self.progress,
        )
    }

    /// After a file-system event: a rebuild when a watched file really changed; `true` when
    /// `--max-rebuilds` is reached.
    fn on_change(&mut self) -> bool {
        let now = snapshot(&self.watched, &self.output);
        let paths = changed(&self.seen, &now);
        if paths.is_empty() {
            return false;
        }
        self.seen = now;
        self.templates_stale |= self
            .templates_abs
            .as_ref()
            .is_some_and(|dir| paths.iter().any(|p| p.starts_with(dir)));
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        self.progress
            .say(format_args!("changed: {}", names.join(", ")));
        let t = Instant::now();
        let written = self.rebuild();
        Worlds::evict(EVICT_AFTER);
        self.rebuilds += 1;
        self.say_rebuilt(&written, t);
        self.args
            .max_rebuilds
            .is_some_and(|max| self.rebuilds >= max)
    }

    /// Says how the rebuild begun at `t` went, and opens its PDF with `--open` if none was yet.
    fn say_rebuilt(&mut self, written: &[PathBuf], t: Instant) {
        if written.is_empty() {
            self.progress.say(format_args!(
                "still watching; the last good PDF is unchanged"
            ));
        } else {
            self.progress.say(format_args!(
                "rebuilt in {:.0} ms",
                t.elapsed().as_secs_f64() * 1000.0
            ));
            if self.args.open && !self.opened {
                open(&written[0], self.progress);
                self.opened = true;
            }
        }
    }
}

/// One build, reading the templates again first when they are stale; errors are printed and
/// yield no paths.
fn rebuild(
    args: &WatchArgs,
    content: &Path,
    ts: &mut Typesetter,
    templates_stale: &mut bool,
    progress: &Terminal,
) -> Vec<PathBuf> {
    let reloaded = if *templates_stale {
        ts.reload()
    } else {
        Ok(())
    };
    if reloaded.is_ok() {
        *templates_stale = false;
    }
    let result =
        reloaded.and_then(|()| super::build::build_one(&args.build, content, ts, progress));
    match result {
        Ok(built) => built.written,
        Err(err) => {
            progress.error(&err);
            Vec::new()
        }
    }
}

/// Size and modification time of each watched file.
type Snapshot = BTreeMap<PathBuf, (u64, Option<std::time::SystemTime>)>;

/// Size and modification time of every relevant file under the watched directories.
fn snapshot(dirs: &[PathBuf], output: &Path) -> Snapshot {
    let mut files = BTreeMap::new();
    for dir in dirs {
        for entry in walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(|e| e.ok())
        {
            let path = entry.path();
            if !entry.file_type().is_file() || !relevant(path, output) {
                continue;
            }
            if let Ok(meta) = entry.metadata() {
                files.insert(path.to_path_buf(), (meta.len(), meta.modified().ok()));
            }
        }
    }
    files
}

/// The files added, removed or changed between two snapshots.
fn changed(old: &Snapshot, new: &Snapshot) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = new
        .iter()
        .filter(|(p, stamp)| old.get(*p) != Some(stamp))
        .map(|(p, _)| p.clone())
        .collect();
    paths.extend(old.keys().filter(|p| !new.contains_key(*p)).cloned());
    paths
}

/// Whether a changed path should trigger a rebuild: not in the output directory, not an
/// editor's swap or backup file, not a hidden file.
fn relevant(path: &Path, output: &Path) -> bool {
    if absolute(path).starts_with(output) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !(name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp"))
}

fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    })
}

/// Opens a PDF in the system viewer.
fn open(pdf: &Path, progress: &Terminal) {
    match super::open::open(pdf.as_os_str()) {
        Ok(()) => progress.say(format_args!("opened {}", pdf.display())),
        Err(e) => progress.warn(format_args!("cannot open {}: {e}", pdf.display())),
    }
}
