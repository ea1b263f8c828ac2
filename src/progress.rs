//! Progress messages on stderr, silenced by `-q`.

use std::fmt;

#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub quiet: bool,
}

impl Progress {
    pub fn say(&self, msg: fmt::Arguments<'_>) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }
}
