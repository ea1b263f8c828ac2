//! How the library tells its caller what it is doing: progress lines ("loading …", "wrote …")
//! and the warnings of a step that succeeded. The library never prints; the command line
//! implements this trait (on stderr, silenced by `-q`), tests and benchmarks use [`Silent`].

use std::fmt;

use crate::diag::Diagnostic;

pub trait Progress: Sync {
    /// One line of progress.
    fn say(&self, msg: fmt::Arguments<'_>);
    /// The warnings of a plan that was checked and is being built or written.
    fn warnings(&self, _warnings: &[Diagnostic]) {}
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn say(&self, _msg: fmt::Arguments<'_>) {}
}
