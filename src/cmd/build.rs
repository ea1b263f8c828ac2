//! `vplan build`: content → PDF in the output directory.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::cli::BuildArgs;
use crate::diff::{redline, source};
use crate::documents;
use crate::pipeline;
use crate::progress::Progress;
use crate::render::view::Redline;

pub fn run(args: &BuildArgs, progress: &Progress) -> Result<()> {
    let start = Instant::now();
    let checked = pipeline::load_checked_as(
        &args.project.content,
        progress,
        args.report.deny_warnings,
        args.status,
    )?;
    let standard = args
        .standard
        .unwrap_or_else(|| pipeline::default_standard(&checked.plan));
    super::report_warnings(&checked.warnings, args.report.format, progress);
    let docs = documents::select(&checked.plan, args.split, &args.only)?;
    let templates = &args.project.templates;
    let (built, suffix) = match &args.redline {
        None => (
            documents::typeset_all(&checked, templates, &docs, None, standard)?,
            "",
        ),
        Some(rev) => {
            let content = &args.project.content;
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
            };
            let marks = Redline {
                since: &old.label,
                old_cells: &old_cells,
            };
            let built = documents::typeset_all(&marked, templates, &docs, Some(&marks), standard)?;
            (built, "-redline")
        }
    };

    // Everything is typeset before anything is written: an error leaves the output as it was.
    fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create output directory {}", args.output.display()))?;
    for (doc, built) in &built {
        for (phase, took) in &built.timings {
            progress.say(format_args!(
                "{phase}: {:.0} ms",
                took.as_secs_f64() * 1000.0
            ));
        }
        let stem = documents::file_stem(&checked.plan, doc);
        if args.emit_typst {
            let path = args.output.join(format!("{stem}{suffix}.typ"));
            write_atomically(&path, built.typst_source.as_bytes())?;
            progress.say(format_args!("wrote {}", path.display()));
        }
        let path = args.output.join(format!("{stem}{suffix}.pdf"));
        write_atomically(&path, &built.pdf)?;
        progress.say(format_args!(
            "wrote {} ({} page{}, {} KiB)",
            path.display(),
            built.pages,
            if built.pages == 1 { "" } else { "s" },
            built.pdf.len() / 1024,
        ));
    }
    progress.say(format_args!(
        "built {} document{} in {:.2} s",
        built.len(),
        if built.len() == 1 { "" } else { "s" },
        start.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// Writes to a temporary file in the same directory and renames it over the target, so a
/// failed or interrupted build never leaves a half-written file behind.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> Result<()> {
        let mut f =
            fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.sync_all()
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        fs::rename(&tmp, path)
            .with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
