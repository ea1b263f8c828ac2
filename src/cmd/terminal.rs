//! [`Terminal`], the one place in vplan that prints: every line a command writes to stdout or
//! stderr goes through it (`tests/it/architecture.rs` refuses a print anywhere else), so `-q`
//! is honoured everywhere.

use std::fmt;

use vplan::diag::{self, Code, Diagnostic};
use vplan::error::Error;
use vplan::progress::Progress;

use crate::cli::Format;

/// The terminal: progress, notes and warnings on stderr (silenced by `-q`: then only errors are
/// printed), diagnostics for machines on stdout with `--format json|sarif|github|gitlab`, and
/// what a command makes for stdout (`textconv`, `diff`'s report, `completions`, …). The one
/// place that prints.
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    pub quiet: bool,
    pub format: Format,
}

impl Progress for Terminal {
    fn say(&self, msg: fmt::Arguments<'_>) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }

    /// The warnings of a successful run: for people on stderr (unless quiet), for machines on
    /// stdout (always, so that tools get a result).
    fn warnings(&self, warnings: &[Diagnostic]) {
        if let Some(out) = self.format.machine(warnings) {
            print!("{out}");
        } else if !warnings.is_empty() && !self.quiet {
            eprint!("{}", diag::render_human(warnings));
        }
    }
}

impl Terminal {
    /// Prints an error the way its kind calls for: diagnostics with their source lines, anything
    /// else as one line. For machines (`--format json` and the others) stdout gets a whole
    /// document whatever failed: the content's diagnostics, or one diagnostic for a usage or
    /// I/O error (code `usage` or `io`), which is also said on stderr.
    pub fn error(&self, err: &Error) {
        if self.format != Format::Human {
            let diags = match err {
                Error::Content(diags) => diags.clone(),
                Error::Side { diagnostics, .. } | Error::Batch { diagnostics, .. } => {
                    let mut all = diagnostics.clone();
                    all.push(Diagnostic::general(Code::Usage, err.to_string()));
                    all
                }
                Error::Io { .. } => vec![Diagnostic::general(Code::Io, err.to_string())],
                _ => vec![Diagnostic::general(Code::Usage, err.to_string())],
            };
            if let Some(out) = self.format.machine(&diags) {
                print!("{out}");
            }
            if matches!(err, Error::Content(_)) {
                return;
            }
        }
        match err {
            Error::Content(diags) => eprint!("{}", diag::render_human(diags)),
            Error::Side { what, diagnostics } => {
                eprint!("{}", diag::render_human(diagnostics));
                eprintln!("error: {what} has errors (listed above)");
            }
            Error::Batch {
                diagnostics,
                failures,
            } => {
                if !diagnostics.is_empty() {
                    eprint!("{}", diag::render_human(diagnostics));
                }
                eprintln!("error: {}", failures.join("\n"));
            }
            other => eprintln!("error: {other}"),
        }
    }

    /// A warning that is not a diagnostic (a cell written as text, a file the viewer could not
    /// open): `warning: …` on stderr, unless quiet.
    pub fn warn(&self, msg: fmt::Arguments<'_>) {
        if !self.quiet {
            eprintln!("warning: {msg}");
        }
    }

    /// A line a flag asked for (`--timings`): on stderr, also when quiet, since it was asked
    /// for by name.
    pub fn asked(&self, msg: fmt::Arguments<'_>) {
        eprintln!("{msg}");
    }

    /// What the command makes, on stdout (`textconv`'s text, `diff`'s report, `report init
    /// --stdout`): printed whatever `-q` says, as it is the result asked for (`diff` prints
    /// nothing when quiet: it decides so itself).
    pub fn out(&self, text: &str) {
        print!("{text}");
    }

    /// Stdout as a writer, for what a library writes into one (`bench`'s report, a shell's
    /// completion script).
    pub fn writer(&self) -> std::io::StdoutLock<'static> {
        std::io::stdout().lock()
    }

    /// Whether stdout is a terminal (colours by default only then).
    pub fn stdout_is_terminal(&self) -> bool {
        std::io::IsTerminal::is_terminal(&std::io::stdout())
    }
}
