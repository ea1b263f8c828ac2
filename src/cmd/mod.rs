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

/// Refuses a file the user asked a command to write (`export --out`, `diff -o`) where it
/// would replace or add to a plan's content: inside one of the `content` directories, or an
/// existing `.yaml`/`.yml` file anywhere (a plan's file named by mistake). `flag` names the
/// option in the message. Paths are compared as the file system resolves them (`..`,
/// symbolic links to directories); the file itself is replaced, never followed.
pub fn refuse_content_target(
    path: &std::path::Path,
    contents: &[&std::path::Path],
    flag: &str,
) -> anyhow::Result<()> {
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    if yaml && std::fs::symlink_metadata(path).is_ok() {
        anyhow::bail!(
            "{flag} {} is an existing YAML file: vplan never writes over one (it may be the plan's content); choose another file name",
            path.display()
        );
    }
    let target = resolved(path);
    for content in contents {
        if !content.is_dir() {
            continue;
        }
        let content_real = resolved(content);
        if target.starts_with(&content_real) {
            anyhow::bail!(
                "{flag} {} is inside the content directory {}: vplan writes nothing there, so that the plan's files are never replaced; choose a file outside it (e.g. in output/)",
                path.display(),
                content.display()
            );
        }
    }
    Ok(())
}

/// `path` made absolute with its directory resolved by the file system (as far as it exists)
/// and its own name kept.
fn resolved(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<Component> = absolute.components().collect();
    // The last part is never resolved (a symbolic link there is replaced, not followed),
    // unless it is a directory (a content directory given as a link).
    let most = if absolute.is_dir() {
        parts.len()
    } else {
        parts.len().saturating_sub(1)
    };
    for k in (1..=most).rev() {
        let Ok(mut out) = std::fs::canonicalize(parts[..k].iter().collect::<std::path::PathBuf>())
        else {
            continue;
        };
        // The parts that do not exist yet are made by `create_dir_all`, which takes `..` as
        // it comes: so is it taken here.
        for part in &parts[k..] {
            match part {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                other => out.push(other),
            }
        }
        return out;
    }
    absolute
}
