//! Reading a file the user names (a content file, `textconv FILE`, an imported workbook, a
//! project template, a file a diagnostic quotes): only a regular file is read, and no more of
//! it than a bound. Anything else (a FIFO, a device, a socket, a directory) is refused before
//! a byte is read: a FIFO would wait for a writer forever, `/dev/zero` never ends.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file was not read. It becomes a [`crate::Error`] with `?`: an I/O error naming the
/// path (`Error::Io`, action "read"), or a refusal (`Error::Usage`). This module stands on
/// nothing of vplan's, so that reading a file is a foundation below the library's error.
#[derive(Debug)]
pub enum FileError {
    /// Reading failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not read: not a regular file, larger than its bound, or not UTF-8 text.
    Refused(String),
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Io { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            FileError::Refused(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for FileError {}

/// A file read, or why not.
pub type Result<T> = std::result::Result<T, FileError>;

/// An I/O error of reading `path`.
trait ReadAt<T> {
    fn at(self, path: &Path) -> Result<T>;
}

impl<T> ReadAt<T> for std::io::Result<T> {
    fn at(self, path: &Path) -> Result<T> {
        self.map_err(|source| FileError::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Reads the whole of the regular file `path` (a symbolic link is followed), refusing what
/// is not a regular file or is larger than `max` bytes (`what` names such a file for the
/// message: "a content file"). Every error names the path.
///
/// The file is opened without blocking (so that opening a FIFO cannot wait for a writer) and
/// judged by the opened handle's own metadata, so nothing can be swapped in between.
pub fn read(path: &Path, max: u64, what: &str) -> Result<Vec<u8>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    {
        // Elsewhere the path is judged before it is opened.
        let meta = std::fs::metadata(path).at(path)?;
        if !meta.is_file() {
            return Err(not_a_file(path, &meta));
        }
    }
    let file = options.open(path).at(path)?;
    let meta = file.metadata().at(path)?;
    if !meta.is_file() {
        return Err(not_a_file(path, &meta));
    }
    if meta.len() > max {
        return Err(too_large(path, meta.len(), max, what));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Read one byte more than allowed: a file that grows while it is read is caught too.
    file.take(max + 1).read_to_end(&mut bytes).at(path)?;
    if bytes.len() as u64 > max {
        return Err(too_large(path, bytes.len() as u64, max, what));
    }
    Ok(bytes)
}

/// [`read`] as UTF-8 text.
pub fn read_to_string(path: &Path, max: u64, what: &str) -> Result<String> {
    let bytes = read(path, max, what)?;
    String::from_utf8(bytes).map_err(|e| {
        FileError::Refused(format!(
            "cannot read {}: not valid UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Fails unless `path` is a regular file (a symbolic link is followed), without opening it:
/// for a reader that opens the file itself.
pub fn ensure_regular(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).at(path)?;
    if !meta.is_file() {
        return Err(not_a_file(path, &meta));
    }
    Ok(())
}

fn not_a_file(path: &Path, meta: &std::fs::Metadata) -> FileError {
    FileError::Refused(format!(
        "cannot read {}: it is {}, not a regular file",
        path.display(),
        kind(meta)
    ))
}

fn too_large(path: &Path, len: u64, max: u64, what: &str) -> FileError {
    FileError::Refused(format!(
        "cannot read {}: it is {len} bytes, larger than the {max} bytes {what} may have",
        path.display()
    ))
}

/// What a path that is not a regular file is, for a message: "a directory", "a device",
/// "a FIFO (named pipe)", "a socket".
pub fn kind(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.file_type().is_symlink() {
        return "a symbolic link";
    }
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_read_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.yaml");
        std::fs::write(&f, b"12345").unwrap();
        assert_eq!(read(&f, 5, "a file").unwrap(), b"12345");
        let err = read(&f, 4, "a file").unwrap_err().to_string();
        assert!(err.contains("a.yaml") && err.contains("5 bytes"), "{err}");
        let err = read(dir.path(), 4, "a file").unwrap_err().to_string();
        assert!(err.contains("a directory"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_before_reading() {
        let err = read(Path::new("/dev/zero"), 1 << 20, "a file")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("/dev/zero") && err.contains("a device"),
            "{err}"
        );
    }
}
