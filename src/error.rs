//! The library's error type. Every fallible function of vplan returns [`Result`]; the command
//! line maps an [`Error`] to its exit code in one place ([`Error::exit_code`]) and prints it
//! (diagnostics with file, line and column; anything else as one line).

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The content (or a template) has errors: every diagnostic found, warnings included.
    /// Exit code 1.
    #[error("{}", crate::diag::one_per_line(.0))]
    Content(Vec<Diagnostic>),
    /// A file or directory could not be read or written. Exit code 2.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done: "read", "write", "create", …
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The command was used wrongly (an unknown document id, conflicting options, a target
    /// that must not be written) or something outside the content failed (git, a child
    /// process). Exit code 2.
    #[error("{0}")]
    Usage(String),
    /// The other side of a comparison (`diff`, `build --redline`) has content errors, or
    /// the change report's templates have: for a comparison this is trouble, not a
    /// difference. Exit code 2. `what` names it: "the plan in HEAD".
    #[error("{what} has errors")]
    Side {
        what: String,
        diagnostics: Vec<Diagnostic>,
    },
    /// Several plans were built at once and some failed for reasons other than their
    /// content. Exit code 2.
    #[error("{}", .failures.join("\n"))]
    Batch {
        /// The content errors of the plans that had them.
        diagnostics: Vec<Diagnostic>,
        failures: Vec<String>,
    },
}

impl Error {
    /// An I/O error with what was being done and the path it was done to.
    pub fn io(action: &'static str, path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// 1 for content errors, 2 for everything else (usage, I/O).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Content(_) => 1,
            _ => 2,
        }
    }

    /// The error with `context` said first, unless it is a content error (whose diagnostics
    /// already name their files).
    pub fn context(self, context: impl std::fmt::Display) -> Self {
        match self {
            Error::Content(_) | Error::Side { .. } | Error::Batch { .. } => self,
            other => Error::Usage(format!("{context}: {other}")),
        }
    }
}

/// A file not read ([`crate::files`]): an I/O error of reading it, or a usage error.
impl From<crate::files::FileError> for Error {
    fn from(e: crate::files::FileError) -> Self {
        match e {
            crate::files::FileError::Io { path, source } => Error::Io {
                action: "read",
                path,
                source,
            },
            crate::files::FileError::Refused(message) => Error::Usage(message),
        }
    }
}

/// `io_result.at("read", &path)`: an I/O result with its action and path.
pub trait IoContext<T> {
    fn at(self, action: &'static str, path: impl AsRef<Path>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, action: &'static str, path: impl AsRef<Path>) -> Result<T> {
        self.map_err(|e| Error::io(action, path, e))
    }
}

/// Returns early with a usage error: `usage!("{} is not empty", dir.display())`.
#[macro_export]
macro_rules! usage {
    ($($arg:tt)*) => {
        return Err($crate::error::Error::Usage(format!($($arg)*)))
    };
}

/// A usage error with a formatted message (not returned): `usage_error!("no sheet `{s}`")`.
#[macro_export]
macro_rules! usage_error {
    ($($arg:tt)*) => {
        $crate::error::Error::Usage(format!($($arg)*))
    };
}

/// Returns early with a usage error unless `cond` holds.
#[macro_export]
macro_rules! ensure_usage {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            $crate::usage!($($arg)*);
        }
    };
}

pub use crate::usage_error;

/// `.context("…")` / `.with_context(|| …)` for what is not an I/O error of a path (a missing
/// table, a failed child process, an error of another library): a usage error saying the
/// context first, then the cause.
///
/// It is implemented for `Option` and for the results of other libraries' errors
/// ([`ForeignError`]), never for a `Result` of vplan's own [`Error`]: on a content error it
/// would flatten the diagnostics into one usage line (exit 1 → 2, `--format json` lost), so
/// `.context()` on a `Result<_, Error>` does not compile (the assertion below this trait
/// checks it). An `Error` is given context with [`Error::context`], which keeps content errors
/// as they are.
pub trait Context<T> {
    fn with_context<C: std::fmt::Display>(self, context: impl FnOnce() -> C) -> Result<T>;

    fn context(self, context: impl std::fmt::Display) -> Result<T>
    where
        Self: Sized,
    {
        self.with_context(|| context)
    }
}

impl<T> Context<T> for Option<T> {
    fn with_context<C: std::fmt::Display>(self, context: impl FnOnce() -> C) -> Result<T> {
        self.ok_or_else(|| Error::Usage(context().to_string()))
    }
}

/// The errors of other libraries (and of the standard library) that [`Context`] turns into
/// usage errors: a closed set (sealed), so that vplan's own [`Error`] is never one. An error
/// type of a new dependency is added here.
pub trait ForeignError: std::fmt::Display + sealed::Sealed {}

mod sealed {
    pub trait Sealed {}
}

macro_rules! foreign_errors {
    ($($ty:ty),* $(,)?) => {
        $(
            impl sealed::Sealed for $ty {}
            impl ForeignError for $ty {}
        )*
    };
}

foreign_errors!(
    std::io::Error,
    serde_json::Error,
    walkdir::Error,
    calamine::Error,
    calamine::OdsError,
    calamine::XlsxError,
    rust_xlsxwriter::XlsxError,
    // The command line's: its build threads and `watch`.
    rayon::ThreadPoolBuildError,
    notify::Error,
);

// `Result<_, Error>` does not implement `Context`: if it did, `NotContext::check` below would
// be ambiguous and this would not compile (the negative assertion of `static_assertions`).
const _: fn() = || {
    trait NotContext<A> {
        fn check() {}
    }
    impl<T: ?Sized> NotContext<()> for T {}
    struct IfContext;
    impl<T: ?Sized + Context<()>> NotContext<IfContext> for T {}
    let _ = <Result<(), Error> as NotContext<_>>::check;
};

impl<T, E: ForeignError> Context<T> for std::result::Result<T, E> {
    fn with_context<C: std::fmt::Display>(self, context: impl FnOnce() -> C) -> Result<T> {
        self.map_err(|e| Error::Usage(format!("{}: {e}", context())))
    }
}
