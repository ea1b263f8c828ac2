//! Whole directories: copying a tree, and making a new directory all at once (`init`,
//! `new-year --to`), so that a failure leaves nothing half made.

use std::path::Path;

use crate::error::{Context, Error, IoContext, Result};

/// Copies a directory tree (files and directories) into `to`.
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        let rel = entry.path().strip_prefix(from).unwrap_or(Path::new(""));
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).at("create", &target)?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target).at("write", &target)?;
        }
    }
    Ok(())
}

/// Fails unless `dir` is missing or empty (a command that writes a new directory).
pub fn ensure_empty(dir: &Path, what: &str) -> Result<()> {
    if dir.exists() && std::fs::read_dir(dir).at("read", dir)?.next().is_some() {
        crate::usage!("{} is not empty: {what}", dir.display());
    }
    Ok(())
}

/// Makes a new directory `dir` (missing or empty) with the files `fill` writes into it: they
/// are written into a private temporary sibling that is renamed to `dir` when complete, so a
/// failure leaves nothing half made and nothing can be planted in it while it is written.
pub fn make_dir(dir: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).at("create", parent)?;
    // Private (0700) while it is filled; at the end it gets the mode a new directory gets
    // (0777 & !umask), read from a directory made inside it.
    let tmp = tempfile::Builder::new()
        .prefix(super::TMP_PREFIX)
        .tempdir_in(parent)
        .at("write in", parent)?;
    let probe = tmp.path().join("probe");
    std::fs::create_dir(&probe).at("write in", parent)?;
    let mode = std::fs::metadata(&probe).at("read", &probe)?.permissions();
    std::fs::remove_dir(&probe).at("remove", &probe)?;
    fill(tmp.path())?;
    std::fs::set_permissions(tmp.path(), mode).at("create", dir)?;
    if dir.exists() {
        std::fs::remove_dir(dir).at("replace", dir)?;
    }
    let made = tmp.keep();
    if let Err(e) = std::fs::rename(&made, dir) {
        let _ = std::fs::remove_dir_all(&made);
        return Err(Error::io("create", dir, e));
    }
    Ok(())
}
