//! Whole directories: copying a tree, and making a new directory all at once (`init`,
//! `new-year --to`), so that a failure leaves nothing half made.

use std::path::Path;

use crate::error::{Context, Error, IoContext, Result};

/// Copies a directory tree (files and directories) into `to`, without vplan's lock files.
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        let rel = entry.path().strip_prefix(from).unwrap_or(Path::new(""));
        let target = to.join(rel);
        if entry.file_name() == super::LOCK_FILE {
            continue; // another command's lock, not content
        }
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).at("create", &target)?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target).at("write", &target)?;
        }
    }
    Ok(())
}

/// Fails unless `dir` is missing or empty (a command that writes a new directory); its lock
/// file ([`super::LOCK_FILE`]) does not count. What a killed run of such a command left in it
/// (see [`super::clean_stale`]) is removed first.
pub fn ensure_empty(dir: &Path, what: &str) -> Result<()> {
    if dir.is_dir() {
        super::clean_stale(dir);
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .at("read", dir)?
            .flatten()
            .any(|e| e.file_name() != super::LOCK_FILE)
    {
        crate::usage!("{} is not empty: {what}", dir.display());
    }
    Ok(())
}

/// Makes a new directory `dir` (missing or empty) with the files `fill` writes into it, so that
/// a failure leaves nothing half made and nothing can be planted in it while it is written:
///
/// - a missing `dir` is filled as a private temporary sibling that is renamed to `dir` when
///   complete;
/// - an existing empty `dir` (`vplan init .`, or the directory a shell stands in) is kept, never
///   replaced: the files are written into a private temporary directory inside it and moved up
///   when complete.
///
/// `dir` is resolved to an absolute path first, so a relative path through the working
/// directory (`../plan` from inside `plan`) names the same directory throughout.
pub fn make_dir(dir: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let dir = &resolved(dir);
    if dir.is_dir() {
        return fill_in_place(dir, fill);
    }
    if dir.exists() || dir.is_symlink() {
        crate::usage!("{} exists and is not a directory", dir.display());
    }
    let parent = dir.parent().unwrap_or(Path::new("/"));
    std::fs::create_dir_all(parent).at("create", parent)?;
    // What a killed run left here goes first (its name tells its pid: see `clean_stale`).
    super::clean_stale(parent);
    // Private (0700) while it is filled; at the end it gets the mode a new directory gets
    // (0777 & !umask), read from a directory made inside it.
    let mut prefix = String::new();
    let tmp = super::tmp_builder(&mut prefix)
        .tempdir_in(parent)
        .at("write in", parent)?;
    let probe = tmp.path().join("probe");
    std::fs::create_dir(&probe).at("write in", parent)?;
    let mode = std::fs::metadata(&probe).at("read", &probe)?.permissions();
    std::fs::remove_dir(&probe).at("remove", &probe)?;
    fill(tmp.path())?;
    std::fs::set_permissions(tmp.path(), mode).at("create", dir)?;
    let made = tmp.keep();
    if let Err(e) = std::fs::rename(&made, dir) {
        let _ = std::fs::remove_dir_all(&made);
        return Err(Error::io("create", dir, e));
    }
    Ok(())
}

/// [`make_dir`] for a directory that exists (and is empty): filled through a private
/// temporary directory inside it whose entries are moved up when complete; if a move fails,
/// those already moved are taken back, so the directory is left empty as it was.
fn fill_in_place(dir: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let mut prefix = String::new();
    let tmp = super::tmp_builder(&mut prefix)
        .tempdir_in(dir)
        .at("write in", dir)?;
    fill(tmp.path())?;
    let mut names = Vec::new();
    for entry in std::fs::read_dir(tmp.path()).at("read", tmp.path())? {
        names.push(entry.at("read", tmp.path())?.file_name());
    }
    for (k, name) in names.iter().enumerate() {
        let to = dir.join(name);
        if let Err(e) = std::fs::rename(tmp.path().join(name), &to) {
            for back in &names[..k] {
                let _ = std::fs::rename(dir.join(back), tmp.path().join(back));
            }
            return Err(Error::io("create", &to, e));
        }
    }
    // `tmp`, empty now, is removed as it goes out of scope.
    Ok(())
}

/// `path` made absolute with its directory resolved by the file system (as far as it exists)
/// and its own name kept: what a path will be once a command has made it, for asking
/// whether it lies inside another directory.
pub fn resolved(path: &Path) -> std::path::PathBuf {
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
