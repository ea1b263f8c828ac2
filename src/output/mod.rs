//! The one way vplan writes a file the user sees (PDFs, Typst source, spreadsheets, content
//! YAML, schemas, man pages, diff reports).
//!
//! - Each file is written to a temporary file in the target's own directory, created
//!   exclusively (`O_EXCL`) under an unpredictable name (`.vplan-tmp-<pid>-<random>.tmp`), then
//!   renamed over the target. A symlink planted in a shared output folder is never followed:
//!   the temporary name cannot be guessed, and the rename replaces a target that is a symlink
//!   by the new file instead of writing through it.
//! - [`write_all`] writes several files as one step: every file is staged (written and synced
//!   under its temporary name) before any target is replaced, so a failure (disk full, a
//!   directory in the way) leaves every earlier file as it was.
//! - Only a regular file or a symbolic link is replaced: a directory, a device, a FIFO or a
//!   socket at the target is refused before anything is written (as root, renaming over
//!   `/dev/null` would replace the device).
//! - A file that is replaced keeps its permissions; a new one gets the usual `0666 & !umask`.
//! - A temporary file (or a directory [`make_dir`] was filling) left by a run that was killed
//!   is removed by the next write into the same directory: when its process (the pid in its
//!   name) is gone and it is older than [`DEAD_AFTER`], or it is older than [`STALE_AFTER`].
//!   A command that writes into a content directory cleans the whole of it first
//!   ([`clean_stale_tree`]).

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::error::{IoContext, Result};

pub mod dirs;
pub mod lock;
pub use dirs::{copy_tree, ensure_empty, make_dir, resolved};
pub use lock::{ensure_unchanged, lock, lock_if_dir, Lock, LOCK_FILE};

/// Start of the name of every temporary file vplan makes next to a file it writes.
pub const TMP_PREFIX: &str = ".vplan-tmp-";
/// End of the name of every temporary file.
const TMP_SUFFIX: &str = ".tmp";
/// Age after which a temporary file is stale even when its pid is alive (pids are reused).
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);
/// Age after which a temporary file whose pid is not running here is stale. Not at once: a
/// folder shared with another machine or container holds files of processes this one cannot
/// see, and a run writes its files within seconds.
pub const DEAD_AFTER: Duration = Duration::from_secs(60);

/// Writes one file safely (see the module documentation).
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_all(&[(path, bytes)])
}

/// Replaces files of the content directory `content` that a command read and rewrote: each
/// `(path, the text read from it, the new bytes)`. Call it holding the directory's lock
/// ([`lock_if_dir`]). What killed runs left anywhere in `content` is removed first; every file
/// must still hold what was read from it ([`ensure_unchanged`]), else nothing is written; then
/// all are replaced at once ([`write_all`]).
pub fn rewrite_content(content: &Path, files: &[(&Path, &str, &[u8])]) -> Result<()> {
    clean_stale_tree(content);
    for (path, read, _) in files {
        ensure_unchanged(path, read)?;
    }
    let new: Vec<(&Path, &[u8])> = files
        .iter()
        .map(|(path, _, bytes)| (*path, *bytes))
        .collect();
    write_all(&new)
}

/// Writes several files: all are staged before any is replaced.
pub fn write_all<P: AsRef<Path>, B: AsRef<[u8]>>(files: &[(P, B)]) -> Result<()> {
    let mut cleaned = HashSet::new();
    let mut seen = HashSet::new();
    for (path, _) in files {
        let path = path.as_ref();
        if !seen.insert(path.to_path_buf()) {
            crate::usage!(
                "two of the files to write have the same name, {}: nothing written",
                path.display()
            );
        }
        check_target(path)?;
        let dir = dir_of(path);
        if cleaned.insert(dir.to_path_buf()) {
            clean_stale(dir);
        }
    }
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        staged.push(Staged::new(path.as_ref(), bytes.as_ref())?);
    }
    // Dropping the staged files that are not committed deletes them.
    for s in staged {
        s.commit()?;
    }
    Ok(())
}

/// The directory a file is written in.
fn dir_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A target that cannot be replaced by a file is refused before anything is written.
fn check_target(path: &Path) -> Result<()> {
    if path.file_name().is_none() {
        crate::usage!("{} is not a file name", path.display());
    }
    if let Ok(meta) = fs::symlink_metadata(path) {
        let kind = meta.file_type();
        if kind.is_dir() {
            crate::usage!(
                "cannot write {}: a directory of that name is in the way",
                path.display()
            );
        }
        if !kind.is_file() && !kind.is_symlink() {
            crate::usage!(
                "cannot write {}: it is {}, not a file; vplan replaces only regular files and symbolic links (nothing written)",
                path.display(),
                crate::files::kind(&meta)
            );
        }
    }
    Ok(())
}

/// A file written under its temporary name, not yet renamed over its target.
struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    fn new(path: &Path, bytes: &[u8]) -> Result<Staged> {
        let dir = dir_of(path);
        let mut prefix = String::new();
        let mut builder = tmp_builder(&mut prefix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let mut tmp = builder
            .tempfile_in(dir)
            .at("create a temporary file in", dir)?;
        keep_mode(&tmp, path);
        let file = tmp.as_file_mut();
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .at("write", path)?;
        Ok(Staged {
            tmp,
            path: path.to_path_buf(),
        })
    }

    fn commit(self) -> Result<()> {
        let path = self.path;
        self.tmp
            .persist(&path)
            .map_err(|e| e.error)
            .at("write", &path)?;
        sync_dir(dir_of(&path));
        Ok(())
    }
}

/// A file that is replaced keeps its permission bits, when it is our own file: never a
/// symlink's target's (not followed), nor those of a file someone else planted (a
/// world-writable one would make our file writable by them).
fn keep_mode(tmp: &tempfile::NamedTempFile, path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let (Ok(old), Ok(new)) = (fs::symlink_metadata(path), tmp.as_file().metadata()) else {
            return;
        };
        if old.is_file() && old.uid() == new.uid() {
            let mode = fs::Permissions::from_mode(old.mode() & 0o777);
            let _ = tmp.as_file().set_permissions(mode);
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (tmp, path);
    }
}

/// Makes a rename durable (best effort: not every system can sync a directory).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Removes the temporary files of runs that were killed from `dir`; returns how many. Only
/// names vplan makes are touched, never followed, and a file whose process still runs is
/// kept until it is [`STALE_AFTER`] old.
pub fn clean_stale(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name.strip_prefix(TMP_PREFIX) else {
            continue;
        };
        if !name.ends_with(TMP_SUFFIX) {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or_default();
        let old = age > STALE_AFTER;
        let dead = age > DEAD_AFTER
            && rest
                .split('-')
                .next()
                .and_then(|p| p.parse::<u32>().ok())
                .is_some_and(|pid| !alive(pid));
        if !(old || dead) {
            continue;
        }
        // A directory is one `make_dir` was filling (`init`, `new-year --to`); never
        // followed, only its own entries removed.
        let gone = if meta.is_dir() {
            fs::remove_dir_all(entry.path())
        } else {
            fs::remove_file(entry.path())
        };
        if gone.is_ok() {
            removed += 1;
        }
    }
    removed
}

/// [`clean_stale`] in `dir` and in every directory below it (not through symbolic links):
/// for a command that writes into a content directory (`import`, `report init`,
/// `new-year`), whose earlier runs may have been killed while writing into any folder of it.
/// Returns how many were removed.
pub fn clean_stale_tree(dir: &Path) -> usize {
    let mut removed = 0;
    let walk = walkdir::WalkDir::new(dir)
        .max_depth(MAX_CLEAN_DEPTH)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e
                    .file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with(TMP_PREFIX))
        });
    for entry in walk.flatten() {
        if entry.file_type().is_dir() {
            removed += clean_stale(entry.path());
        }
    }
    removed
}

/// How deep [`clean_stale_tree`] looks (a content directory is two or three levels deep).
const MAX_CLEAN_DEPTH: usize = 8;

/// A [`tempfile::Builder`] for a temporary file or directory of this process in a folder:
/// named `.vplan-tmp-<pid>-<random>.tmp`, so that [`clean_stale`] knows it when a killed run
/// leaves it behind.
pub(crate) fn tmp_builder(prefix: &mut String) -> tempfile::Builder<'_, '_> {
    *prefix = format!("{TMP_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(prefix.as_str())
        .suffix(TMP_SUFFIX)
        .rand_bytes(10);
    builder
}

/// Whether a process runs. Known on Linux (`/proc`); elsewhere every process is taken as
/// alive, and only age makes a temporary file stale.
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_and_leave_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.pdf");
        write(&a, b"one").unwrap();
        write(&a, b"two").unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.pdf")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_target_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        let a = dir.path().join("a.pdf");
        std::os::unix::fs::symlink(&victim, &a).unwrap();
        write(&a, b"pdf").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert!(fs::symlink_metadata(&a).unwrap().is_file());
        assert_eq!(fs::read(&a).unwrap(), b"pdf");
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.yaml");
        fs::write(&a, b"x").unwrap();
        fs::set_permissions(&a, fs::Permissions::from_mode(0o640)).unwrap();
        write(&a, b"y").unwrap();
        assert_eq!(
            fs::metadata(&a).unwrap().permissions().mode() & 0o777,
            0o640
        );
        let b = dir.path().join("b.yaml");
        write(&b, b"y").unwrap();
        let mode = fs::metadata(&b).unwrap().permissions().mode() & 0o777;
        assert_ne!(mode & 0o600, 0, "readable and writable by its owner");
        assert_ne!(mode, 0o600, "not a private temporary file's mode: {mode:o}");
    }

    #[test]
    fn nothing_is_replaced_when_one_file_cannot_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.pdf");
        fs::write(&a, b"old").unwrap();
        let b = dir.path().join("b.pdf");
        fs::create_dir(&b).unwrap();
        let err = write_all(&[(&a, &b"new"[..]), (&b, &b"new"[..])]).unwrap_err();
        assert!(format!("{err:#}").contains("a directory of that name is in the way"));
        assert_eq!(fs::read(&a).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_socket_at_the_target_is_refused_and_kept() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("s.pdf");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let a = dir.path().join("a.pdf");
        let err = write_all(&[(&a, &b"new"[..]), (&sock, &b"new"[..])]).unwrap_err();
        assert!(format!("{err:#}").contains("a socket"), "{err:#}");
        assert_eq!(err.exit_code(), 2);
        assert!(!a.exists(), "nothing written");
        assert!(fs::symlink_metadata(&sock).unwrap().file_type().is_socket());
    }

    #[test]
    fn stale_temporary_files_are_removed_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // pid 4294967295 never runs (above any pid_max).
        let dead = dir
            .path()
            .join(format!("{TMP_PREFIX}4294967295-abc{TMP_SUFFIX}"));
        let just_dead = dir
            .path()
            .join(format!("{TMP_PREFIX}4294967295-new{TMP_SUFFIX}"));
        let live = dir.path().join(format!(
            "{TMP_PREFIX}{}-abc{TMP_SUFFIX}",
            std::process::id()
        ));
        let old = dir.path().join(format!(
            "{TMP_PREFIX}{}-old{TMP_SUFFIX}",
            std::process::id()
        ));
        let other = dir.path().join(".vplan-tmp-notes.txt");
        for f in [&dead, &just_dead, &live, &old, &other] {
            fs::write(f, b"x").unwrap();
        }
        let age = |f: &Path, age: Duration| {
            fs::File::options()
                .write(true)
                .open(f)
                .unwrap()
                .set_modified(SystemTime::now() - age)
                .unwrap();
        };
        age(&old, STALE_AFTER + Duration::from_secs(60));
        age(&dead, DEAD_AFTER + Duration::from_secs(60));
        let removed = clean_stale(dir.path());
        assert!(live.exists() && other.exists());
        assert!(just_dead.exists(), "a process elsewhere may still write it");
        assert!(!old.exists());
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists());
            assert_eq!(removed, 2);
        }
    }
}
