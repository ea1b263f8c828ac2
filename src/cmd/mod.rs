//! One module per subcommand, each a short orchestration of the pipeline.

pub mod build;
pub mod check;
pub mod diff;
pub mod init;
pub mod schema;
pub mod sheet;
pub mod shell;
pub mod textconv;
pub mod watch;

use crate::diag::{self, Diagnostic, Format};
use crate::progress::Progress;

/// Prints the warnings of a successful run: for people on stderr (unless quiet), as JSON on
/// stdout (always, so that tools get a result).
pub fn report_warnings(warnings: &[Diagnostic], format: Format, progress: &Progress) {
    match format {
        Format::Json => print!("{}", diag::render_json(warnings)),
        Format::Human if !warnings.is_empty() && !progress.quiet => {
            eprint!("{}", diag::render_human(warnings));
        }
        Format::Human => {}
    }
}

/// Prints an error the way its kind calls for and returns the exit code: content errors (1)
/// as diagnostics (JSON on stdout with `--format json`), anything else (2) as one line.
pub fn report_error(err: &anyhow::Error, format: Format) -> u8 {
    match err.downcast_ref::<diag::ContentError>() {
        Some(diag::ContentError(diags)) => {
            match format {
                Format::Json => print!("{}", diag::render_json(diags)),
                Format::Human => eprint!("{}", diag::render_human(diags)),
            }
            1
        }
        None => {
            eprintln!("error: {err:#}");
            2
        }
    }
}

/// Copies a directory tree (files and directories) into `to`.
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> anyhow::Result<()> {
    use anyhow::Context;
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let rel = entry.path().strip_prefix(from)?;
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)
                .with_context(|| format!("cannot create {}", target.display()))?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot write {}", target.display()))?;
        }
    }
    Ok(())
}

/// Fails unless `dir` is missing or empty (a command that writes a new directory).
pub fn ensure_empty(dir: &std::path::Path, what: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    if dir.exists()
        && std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some()
    {
        anyhow::bail!("{} is not empty: {what}", dir.display());
    }
    Ok(())
}

/// Makes a new directory `dir` (missing or empty) with the files `fill` writes into it: they
/// are written into a private temporary sibling that is renamed to `dir` when complete, so a
/// failure leaves nothing half made and nothing can be planted in it while it is written.
pub fn make_dir(
    dir: &std::path::Path,
    fill: impl FnOnce(&std::path::Path) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    use anyhow::Context;
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    // Private (0700) while it is filled; at the end it gets the mode a new directory gets
    // (0777 & !umask), read from a directory made inside it.
    let tmp = tempfile::Builder::new()
        .prefix(crate::output::TMP_PREFIX)
        .tempdir_in(parent)
        .with_context(|| format!("cannot write in {}", parent.display()))?;
    let probe = tmp.path().join("probe");
    std::fs::create_dir(&probe).with_context(|| format!("cannot write in {}", parent.display()))?;
    let mode = std::fs::metadata(&probe)?.permissions();
    std::fs::remove_dir(&probe)?;
    fill(tmp.path())?;
    std::fs::set_permissions(tmp.path(), mode)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    if dir.exists() {
        std::fs::remove_dir(dir).with_context(|| format!("cannot replace {}", dir.display()))?;
    }
    let made = tmp.keep();
    if let Err(e) = std::fs::rename(&made, dir) {
        let _ = std::fs::remove_dir_all(&made);
        return Err(e).with_context(|| format!("cannot create {}", dir.display()));
    }
    Ok(())
}
