//! `vplan bench`: how much vplan adds to Typst's own compile, how fast a rebuild after a small
//! edit is, and how vplan scales with the size of a plan. Benchmarks print figures; they are
//! run by hand, not by `cargo test`.
//!
//! - (a) the floor: compile + PDF export of the already generated Typst source, in a fresh
//!   world with Typst's memoization cache emptied;
//! - (b) a full build in-process (load, check, compute, render, compile, export, write), cold
//!   in the same sense;
//! - (c) a rebuild in a warm world after a one-word edit in one chapter;
//! - (d) the same after one changed amount;
//!
//! each the median of `--runs` runs, with the ratios b/a, c/b and d/b; and the memory after
//! many warm rebuilds.

pub mod long;
pub mod scale;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Context, IoContext, Result};
use crate::measure::{memory_kib, Toggle};

use crate::pipeline::build::{build, BuildOptions};
use crate::pipeline::{self, Typesetter};
use crate::progress::Progress;
use crate::typeset::{ExportOptions, Worlds};

const QUIET: crate::progress::Silent = crate::progress::Silent;

/// What to measure (the options of `vplan bench`).
#[derive(Debug, Clone)]
pub struct Options {
    /// The plan measured.
    pub content: PathBuf,
    pub templates: crate::render::Templates,
    /// Runs of each measurement (the median is reported).
    pub runs: usize,
    /// Synthetic plans of these many nämnder, one child process each.
    pub scale: Vec<usize>,
    /// Build this many copies of the plan with one thread and with all.
    pub parallel: Option<usize>,
    /// Internal: the child of a `--scale` run, building a plan of this many nämnder.
    pub scale_child: Option<usize>,
    /// The long plan (`--long`): about 2 MB of prose, with the house style and a plain preamble.
    pub long: bool,
    /// Internal: the child of a `--long` run, one of [`long::CHILDREN`].
    pub long_child: Option<String>,
}

/// Runs the benchmarks and writes the report to `out`.
pub fn run(args: &Options, report: &mut dyn Write, progress: &dyn Progress) -> Result<()> {
    if let Some(n) = args.scale_child {
        return scale_child(args, n, report);
    }
    if let Some(style) = &args.long_child {
        return long::child(&args.templates, &args.content, style, report);
    }
    if args.long {
        return long_parent(args, report, progress);
    }
    if !args.scale.is_empty() {
        return scale_parent(args, report, progress);
    }
    if let Some(plans) = args.parallel {
        return parallel(args, plans, report);
    }
    floor_and_rebuilds(args, report)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("n/a".into(), |k| format!("{:.0} MiB", k as f64 / 1024.0))
}

fn floor_and_rebuilds(args: &Options, report: &mut dyn Write) -> Result<()> {
    let runs = args.runs.max(1);
    let content = &args.content;
    let templates = &args.templates;
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let work = scratch.path().join("content");
    crate::output::copy_tree(content, &work)?;
    let out = scratch.path().join("output");
    let bargs = BuildOptions::new(&out);

    // Warm-up: fonts are parsed once per process, as in any long-lived use.
    let mut ts = Typesetter::new(templates)?;
    build(&work, &bargs, &mut ts, &QUIET)?;

    // (a) the floor, of the same source (b) renders.
    let checked = pipeline::load(&work, &Default::default(), &QUIET)?;
    let source = pipeline::documents::typst_source(
        checked.subject(),
        &Typesetter::new(templates)?,
        crate::render::view::Scope::Whole,
    )?;
    let date = pipeline::plan_date(&checked.plan, None)?;
    let ident = pipeline::document_stem(&checked.plan);
    let standard = pipeline::default_standard(&checked.plan);
    let logo = pipeline::content_files(&checked.plan)?;
    // (a) and (b) interleave, so that drift of the machine's speed hits both alike.
    let mut floor = Vec::new();
    let mut full = Vec::new();
    // b/a of each pair measured back to back: steadier than the ratio of the medians.
    let mut pair_ratios: Vec<f64> = Vec::new();
    // Within each full build: vplan's own stages, and Typst's (compile + export).
    let mut own = Vec::new();
    let mut typst_part = Vec::new();
    let mut pages = 0;
    let mut measure_floor = || -> Result<Duration> {
        Worlds::evict(0);
        let mut fresh = Typesetter::new(templates)?;
        let t = Instant::now();
        let pdf = fresh.typeset_with(
            source.clone(),
            ExportOptions {
                ident: ident.clone(),
                timestamp: date,
                standard,
            },
            &logo,
            &crate::typeset::no_positions,
        )?;
        let took = t.elapsed();
        pages = pdf.pages;
        Ok(took)
    };
    let measure_full = || -> Result<(Duration, Duration)> {
        Worlds::evict(0);
        let t = Instant::now();
        let mut fresh = Typesetter::new(templates)?;
        let built = build(&work, &bargs, &mut fresh, &QUIET)?;
        Ok((t.elapsed(), built.time_of(&["compile", "export"])))
    };
    for i in 0..runs {
        // Alternate which goes first, so neither always runs in the other's wake.
        let (f, (total, typst)) = if i % 2 == 0 {
            let f = measure_floor()?;
            (f, measure_full()?)
        } else {
            let b = measure_full()?;
            (measure_floor()?, b)
        };
        pair_ratios.push(total.as_secs_f64() / f.as_secs_f64());
        floor.push(f);
        full.push(total);
        own.push(total.saturating_sub(typst));
        typst_part.push(typst);
    }

    let (word, amount, (word_times, amount_times, rss)) =
        warm_rebuilds(&work, &bargs, templates, runs)?;
    let measured = Measured {
        pages,
        floor,
        full,
        pair_ratios,
        own,
        typst_part,
        word_times,
        amount_times,
        rss,
    };
    write_floor_and_rebuilds(args, report, measured, (&word, &amount))
}

/// (c) and (d): warm rebuilds after an edit, one long-lived typesetter as in `vplan watch`,
/// and the memory over many rebuilds. Returns the two edits, each one's times, and the memory
/// after 20 and after 200 rebuilds.
#[allow(clippy::type_complexity)]
fn warm_rebuilds(
    work: &Path,
    bargs: &BuildOptions,
    templates: &crate::render::Templates,
    runs: usize,
) -> Result<(
    Toggle,
    Toggle,
    (Vec<Duration>, Vec<Duration>, Vec<Option<u64>>),
)> {
    let word = Toggle::word(work)?;
    let amount = Toggle::amount(work)?;
    let mut ts = Typesetter::new(templates)?;
    build(work, bargs, &mut ts, &QUIET)?;
    let mut warm = |edit: &dyn Fn(bool) -> Result<()>| -> Result<Vec<Duration>> {
        let mut times = Vec::new();
        for i in 0..runs * 2 {
            edit(i % 2 == 0)?;
            let t = Instant::now();
            build(work, bargs, &mut ts, &QUIET)?;
            times.push(t.elapsed());
            Worlds::evict(10);
        }
        Ok(times)
    };
    let word_times = warm(&|on| word.apply(on))?;
    let amount_times = warm(&|on| amount.apply(on))?;

    // Memory over many rebuilds.
    let mut rss = Vec::new();
    for i in 1..=200 {
        word.apply(i % 2 == 1)?;
        build(work, bargs, &mut ts, &QUIET)?;
        Worlds::evict(10);
        if i == 20 || i == 200 {
            rss.push(memory_kib().0);
        }
    }

    Ok((word, amount, (word_times, amount_times, rss)))
}

/// What `floor_and_rebuilds` measured, each run's time.
struct Measured {
    pages: usize,
    /// (a), (b), and (b) over (a) pair by pair.
    floor: Vec<Duration>,
    full: Vec<Duration>,
    pair_ratios: Vec<f64>,
    /// Within (b): vplan's own stages, and Typst's.
    own: Vec<Duration>,
    typst_part: Vec<Duration>,
    /// (c) and (d).
    word_times: Vec<Duration>,
    amount_times: Vec<Duration>,
    /// Memory after 20 and after 200 warm rebuilds.
    rss: Vec<Option<u64>>,
}

/// The report of `floor_and_rebuilds`: the medians, the ratios against their targets, memory.
fn write_floor_and_rebuilds(
    args: &Options,
    report: &mut dyn Write,
    m: Measured,
    (word, amount): (&Toggle, &Toggle),
) -> Result<()> {
    let (pages, rss, mut pair_ratios) = (m.pages, m.rss, m.pair_ratios);
    let (runs, content) = (args.runs.max(1), &args.content);
    let (a, b, c, d) = (
        median(m.floor),
        median(m.full),
        median(m.word_times),
        median(m.amount_times),
    );
    let ratio = |x: Duration, y: Duration| x.as_secs_f64() / y.as_secs_f64();
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    writeln!(
        report,
        "vplan bench: {} ({pages} pages), median of {runs} runs",
        content.display()
    )
    .at("write", "the report")?;
    let rows = [
        (
            "(a) floor: Typst compile + export of the generated source".to_string(),
            a,
        ),
        ("(b) full vplan build in-process, cold".to_string(), b),
        (
            format!(
                "(c) warm rebuild after a one-word edit ({})",
                word.describe()
            ),
            c,
        ),
        (
            format!(
                "(d) warm rebuild after one changed amount ({})",
                amount.describe()
            ),
            d,
        ),
    ];
    write_aligned(report, &rows)?;
    let (own, typst_part) = (median(m.own), median(m.typst_part));
    writeln!(report,
        "  within (b): vplan's own stages {} (load, check, compute, render, write), Typst {} → {:.1} %",
        ms(own),
        ms(typst_part),
        100.0 * ratio(own, typst_part)
    ).at("write", "the report")?;
    pair_ratios.sort_by(f64::total_cmp);
    let ba = pair_ratios[pair_ratios.len() / 2];
    writeln!(report,
        "  b/a = {ba:.3}  (median of the {runs} back-to-back pairs; ratio of the medians {:.3}; target ≤ 1.10: {})",
        ratio(b, a),
        verdict(ba <= 1.10)
    ).at("write", "the report")?;
    writeln!(
        report,
        "  c/b = {:.3}  (target ≤ 0.30: {})",
        ratio(c, b),
        verdict(ratio(c, b) <= 0.30)
    )
    .at("write", "the report")?;
    writeln!(
        report,
        "  d/b = {:.3}  (target ≤ 0.30: {})",
        ratio(d, b),
        verdict(ratio(d, b) <= 0.30)
    )
    .at("write", "the report")?;
    writeln!(
        report,
        "  memory: {} after 20 warm rebuilds, {} after 200",
        mib(rss[0]),
        mib(rss[1])
    )
    .at("write", "the report")?;
    Ok(())
}

/// Labelled times, one a line, the times aligned.
fn write_aligned(report: &mut dyn Write, rows: &[(String, Duration)]) -> Result<()> {
    let width = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    for (label, time) in rows {
        let pad = width - label.chars().count();
        writeln!(report, "  {label}{} {:>9}", " ".repeat(pad), ms(*time))
            .at("write", "the report")?;
    }
    Ok(())
}

/// One synthetic plan of `n` nämnder, built in this process; prints one line of figures.
fn scale_child(args: &Options, n: usize, report: &mut dyn Write) -> Result<()> {
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let content = scratch.path().join("content");
    scale::generate(&content, n)?;
    let (built, total, peak) = timed_build(&content, &args.templates, scratch.path(), true)?;
    let (pages, phases) = (built.pages, built.phases);
    write!(
        report,
        "n={n} pages={pages} total_ms={:.1} peak_kib={peak}",
        total.as_secs_f64() * 1000.0
    )
    .at("write", "the report")?;
    for (p, d) in phases {
        write!(report, " {p}_ms={:.1}", d.as_secs_f64() * 1000.0).at("write", "the report")?;
    }
    writeln!(report).at("write", "the report")?;
    Ok(())
}

/// Builds `content` with `templates` in this process into `scratch/output`: the build, its
/// wall time, and this process's peak memory (KiB) after it. What a benchmark child reports.
fn timed_build(
    content: &Path,
    templates: &crate::render::Templates,
    scratch: &Path,
    whole_words: bool,
) -> Result<(crate::pipeline::build::DirBuild, Duration, u64)> {
    let out = scratch.join("output");
    let t = Instant::now();
    let mut ts = Typesetter::new(templates)?;
    ts.keep_words_whole(whole_words);
    let built = build(content, &BuildOptions::new(&out), &mut ts, &QUIET)?;
    let total = t.elapsed();
    Ok((built, total, memory_kib().1.unwrap_or(0)))
}

/// The line of figures a benchmark child prints: `key=value` pairs.
struct Row(Vec<(String, String)>);

impl Row {
    fn parse(line: &str) -> Row {
        Row(line
            .split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect())
    }

    /// A figure of the line; NaN when it is missing.
    fn get(&self, key: &str) -> f64 {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(f64::NAN)
    }
}

/// Runs `vplan bench ARGS` (a benchmark child) and reads its line of figures; `what` names
/// the run in an error.
fn run_child(
    exe: &Path,
    args: &[&std::ffi::OsStr],
    templates: &crate::render::Templates,
    what: &str,
) -> Result<Row> {
    let out = std::process::Command::new(exe)
        .arg("bench")
        .args(args)
        .args(templates_arg(templates))
        .output()
        .context("cannot run the benchmark child")?;
    if !out.status.success() {
        crate::usage!("{what} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(Row::parse(&String::from_utf8_lossy(&out.stdout)))
}

/// `--templates DIR` for a child process, when the templates have a directory.
fn templates_arg(templates: &crate::render::Templates) -> Vec<&std::ffi::OsStr> {
    match templates.dir() {
        Some(dir) => vec!["--templates".as_ref(), dir.as_os_str()],
        None => Vec::new(),
    }
}

/// Builds the synthetic plans in child processes (so each has its own peak memory) and
/// prints a table.
fn scale_parent(args: &Options, report: &mut dyn Write, progress: &dyn Progress) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the vplan executable")?;
    let mut rows: Vec<Row> = Vec::new();
    for &n in &args.scale {
        progress.say(format_args!("building a synthetic plan of {n} nämnder …"));
        let n_arg = n.to_string();
        rows.push(run_child(
            &exe,
            &["--scale-child".as_ref(), n_arg.as_ref()],
            &args.templates,
            &format!("the synthetic plan of {n} nämnder"),
        )?);
    }
    let get = |row: &Row, key: &str| row.get(key);
    let phases = [
        "load", "check", "compute", "render", "compile", "export", "write",
    ];
    writeln!(
        report,
        "vplan bench --scale: synthetic plans of N nämnder (one process each)"
    )
    .at("write", "the report")?;
    write!(
        report,
        "{:>4} {:>6} {:>10} {:>9} {:>9}",
        "N", "pages", "total", "×N=1", "peak"
    )
    .at("write", "the report")?;
    for p in phases {
        write!(report, " {:>9}", format!("{p}/N")).at("write", "the report")?;
    }
    writeln!(report).at("write", "the report")?;
    let base = rows.first().map(|r| get(r, "total_ms")).unwrap_or(f64::NAN);
    let base_n = rows.first().map(|r| get(r, "n")).unwrap_or(1.0);
    for row in &rows {
        let n = get(row, "n");
        write!(
            report,
            "{:>4} {:>6} {:>8.0}ms {:>8.1}× {:>6.0}MiB",
            n,
            get(row, "pages"),
            get(row, "total_ms"),
            get(row, "total_ms") / base,
            get(row, "peak_kib") / 1024.0
        )
        .at("write", "the report")?;
        for p in phases {
            write!(report, " {:>7.2}ms", get(row, &format!("{p}_ms")) / n)
                .at("write", "the report")?;
        }
        writeln!(report).at("write", "the report")?;
    }
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        let ratio = get(last, "total_ms") / get(first, "total_ms");
        let size = get(last, "n") / base_n;
        writeln!(
            report,
            "  N={} takes {:.1}× N={} for {:.0}× the plan (target ≤ {:.0}×: {})",
            get(last, "n"),
            ratio,
            base_n,
            size,
            size * 45.0 / 40.0,
            if ratio <= size * 45.0 / 40.0 {
                "met"
            } else {
                "NOT met"
            }
        )
        .at("write", "the report")?;
        let peak = get(last, "peak_kib") / 1024.0;
        writeln!(
            report,
            "  peak memory at N={}: {:.0} MiB (target < 1024 MiB: {})",
            get(last, "n"),
            peak,
            if peak < 1024.0 { "met" } else { "NOT met" }
        )
        .at("write", "the report")?;
    }
    Ok(())
}

/// Builds the long plans ([`long::CHILDREN`]: the plan with the long chapter, and the long
/// chapter alone with the house style and with the plain preamble), alternately, in child
/// processes (so each has its own peak memory), and prints the medians and the ratios to the
/// plain preamble. At most three runs of each: one takes seconds.
fn long_parent(args: &Options, report: &mut dyn Write, progress: &dyn Progress) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the vplan executable")?;
    let runs = args.runs.clamp(1, 3);
    let mut figures: Vec<Vec<Row>> = long::CHILDREN.iter().map(|_| Vec::new()).collect();
    for run in 0..runs {
        for (i, child) in long::CHILDREN.iter().enumerate() {
            progress.say(format_args!(
                "building {} ({}/{runs}) …",
                child.what,
                run + 1
            ));
            figures[i].push(run_child(
                &exe,
                &[
                    "--long-child".as_ref(),
                    child.name.as_ref(),
                    "--content".as_ref(),
                    args.content.as_os_str(),
                ],
                &args.templates,
                child.what,
            )?);
        }
    }
    // The median of a figure over the runs; peak memory in MiB.
    let med = |xs: &[Row], key: &str| -> f64 {
        let scale = if key == "peak_kib" { 1024.0 } else { 1.0 };
        let mut v: Vec<f64> = xs.iter().map(|r| r.get(key) / scale).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let write =
        |report: &mut dyn Write, line: String| writeln!(report, "{line}").at("write", "the report");
    write(
        report,
        format!(
            "vplan bench --long: {} with one more chapter of {:.1} MB of prose, median of {runs} runs each (one process each)",
            args.content.display(),
            long::PROSE_BYTES as f64 / 1e6
        ),
    )?;
    for (i, child) in long::CHILDREN.iter().enumerate() {
        write(
            report,
            format!(
                "  {:<40} {:>5.0} pages {:>9.0} ms {:>6.0} MiB peak",
                child.what,
                med(&figures[i], "pages"),
                med(&figures[i], "total_ms"),
                med(&figures[i], "peak_kib")
            ),
        )?;
    }
    let plain = figures.len() - 1;
    let verdict = |r: f64| if r <= 1.5 { "met" } else { "NOT met" };
    for (i, what) in [(1, "plan + long / plain"), (2, "long alone / plain")] {
        let time = med(&figures[i], "total_ms") / med(&figures[plain], "total_ms");
        let memory = med(&figures[i], "peak_kib") / med(&figures[plain], "peak_kib");
        write(
            report,
            format!(
                "  {what:<20} time {time:.2}×, peak memory {memory:.2}× (target ≤ 1.5×: {}, {})",
                verdict(time),
                verdict(memory)
            ),
        )?;
    }
    write(
        report,
        format!(
            "  words kept whole at page breaks: time {:.2}×, peak memory {:.2}× the one compile",
            med(&figures[0], "total_ms") / med(&figures[1], "total_ms"),
            med(&figures[0], "peak_kib") / med(&figures[1], "peak_kib")
        ),
    )?;
    Ok(())
}

/// Builds `plans` different synthetic plans (three nämnder each, no two alike, so that no plan
/// profits from another's memoized layout) with one thread and with one per core, by running
/// `vplan build -j N` on all of them.
fn parallel(args: &Options, plans: usize, report: &mut dyn Write) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the vplan executable")?;
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let mut dirs = Vec::new();
    for i in 1..=plans.max(1) {
        let dir = scratch.path().join(format!("namnd-{i}"));
        scale::generate_from(&dir, i * 100, 3, &format!("Nämnd {i}"))?;
        dirs.push(dir);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let time = |jobs: usize| -> Result<Vec<Duration>> {
        let mut times = Vec::new();
        for _ in 0..args.runs.clamp(1, 5) {
            let out_dir = scratch.path().join(format!("out-{jobs}"));
            let t = Instant::now();
            let status = std::process::Command::new(&exe)
                .args(["build", "-q", "-j", &jobs.to_string()])
                .args(templates_arg(&args.templates))
                .arg("--output")
                .arg(&out_dir)
                .args(&dirs)
                .status()
                .context("cannot run vplan build")?;
            times.push(t.elapsed());
            crate::ensure_usage!(status.success(), "vplan build failed");
        }
        Ok(times)
    };
    let one = median(time(1)?);
    let all = median(time(cores)?);
    writeln!(
        report,
        "vplan bench --parallel: {} different plans of 3 nämnder, `vplan build -j N dir…`, median",
        dirs.len()
    )
    .at("write", "the report")?;
    writeln!(report, "  1 thread:    {}", ms(one)).at("write", "the report")?;
    writeln!(report, "  {cores} threads:   {}", ms(all)).at("write", "the report")?;
    writeln!(
        report,
        "  speed-up {:.2}× on {cores} cores",
        one.as_secs_f64() / all.as_secs_f64()
    )
    .at("write", "the report")?;
    Ok(())
}

/// A generated plan loaded with warnings as errors; panics with the diagnostics otherwise.
#[cfg(test)]
fn load_clean(dir: &Path) -> pipeline::Checked {
    pipeline::load(
        dir,
        &pipeline::LoadOptions {
            deny_warnings: true,
            ..Default::default()
        },
        &crate::progress::Silent,
    )
    .unwrap_or_else(|e| match e {
        crate::Error::Content(d) => panic!("{}", crate::diag::render_human(&d)),
        e => panic!("{e}"),
    })
}
