//! No lost updates: the advisory lock every command that rewrites content takes, and the check
//! that a file is still as it was read.
//!
//! The lock is the file [`LOCK_FILE`] in the directory written (the content directory; for
//! `vplan init` into an existing directory, that directory), locked with the operating
//! system's advisory lock (`flock` on Unix, `LockFileEx` on Windows: `std::fs::File::lock`).
//! The lock file is never removed (removing it would let two processes lock two different
//! files), it is hidden so the loader does not read it, and `init`'s `.gitignore` ignores it.
//! The lock is released when the process ends, however it ends.
//!
//! A command takes the lock before it reads what it rewrites, so two vplan commands run one
//! after the other and both land. Editors take no lock: before writing, a command re-reads
//! each file it replaces ([`ensure_unchanged`]) and refuses if the file is not what it read.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{IoContext, Result};

/// The name of the lock file.
pub const LOCK_FILE: &str = ".vplan.lock";

/// How long a command waits for another that holds the lock before it gives up.
pub const LOCK_WAIT: Duration = Duration::from_secs(120);

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct Lock {
    _file: fs::File,
    path: PathBuf,
}

impl Lock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Locks directory `dir` (which must exist) for writing, waiting for another vplan command
/// that holds it (at most [`LOCK_WAIT`]).
pub fn lock(dir: &Path) -> Result<Lock> {
    let path = dir.join(LOCK_FILE);
    if let Ok(meta) = fs::symlink_metadata(&path) {
        if !meta.is_file() {
            crate::usage!(
                "{} is not a regular file (a lock file of vplan): remove it, then run the command again; nothing written",
                path.display()
            );
        }
    }
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .at("create the lock file", &path)?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_WAIT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(fs::TryLockError::WouldBlock) => crate::usage!(
                "{} is held by another vplan command that writes into {} (waited {} s): nothing written; run the command again when it has finished",
                path.display(),
                dir.display(),
                LOCK_WAIT.as_secs()
            ),
            Err(fs::TryLockError::Error(e)) => return Err(crate::Error::io("lock", &path, e)),
        }
    }
    Ok(Lock { _file: file, path })
}

/// [`lock`] when `dir` is a directory; `None` when it is not (the command's own reading then
/// says what is wrong with it).
pub fn lock_if_dir(dir: &Path) -> Result<Option<Lock>> {
    if dir.is_dir() {
        lock(dir).map(Some)
    } else {
        Ok(None)
    }
}

/// Fails unless `path` still holds `read`, the text the command read from it (a leading
/// byte-order mark aside, which the loader drops): another program (an editor) wrote it
/// since. Call it while holding the lock, just before the file is replaced.
pub fn ensure_unchanged(path: &Path, read: &str) -> Result<()> {
    let changed = || {
        Err(crate::error::usage_error!(
            "{} changed while vplan worked on it (another program wrote it after vplan read it): nothing written; run the command again",
            path.display()
        ))
    };
    let Ok(meta) = fs::metadata(path) else {
        return changed();
    };
    if !meta.is_file() || meta.len() > crate::diag::MAX_FILE_BYTES {
        return changed();
    }
    let bytes = fs::read(path).at("read", path)?;
    let now = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if now != read.as_bytes() {
        return changed();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path()).unwrap();
        let other = fs::File::open(first.path()).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        drop(first);
        other.try_lock().unwrap();
    }

    #[test]
    fn a_changed_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.yaml");
        fs::write(&f, "\u{feff}x: 1\n").unwrap();
        ensure_unchanged(&f, "x: 1\n").unwrap();
        fs::write(&f, "x: 2\n").unwrap();
        let err = ensure_unchanged(&f, "x: 1\n").unwrap_err().to_string();
        assert!(
            err.contains("a.yaml changed while vplan worked on it"),
            "{err}"
        );
        fs::remove_file(&f).unwrap();
        assert!(ensure_unchanged(&f, "x: 1\n").is_err());
    }
}
