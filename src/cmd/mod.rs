//! One module per subcommand, each a short orchestration of the pipeline.

pub mod bench;
pub mod build;
pub mod check;
pub mod diff;
pub mod init;
pub mod report;
pub mod schema;
pub mod sheet;
pub mod shell;
pub mod templates;
pub mod textconv;
pub mod watch;

use std::fmt;

use vplan::diag::{self, Code, Diagnostic};
use vplan::error::Error;
use vplan::progress::Progress;

use crate::cli::Format;

/// The terminal: progress and warnings on stderr (silenced by `-q`), diagnostics for machines
/// on stdout with `--format json|sarif|github|gitlab`. The one place that prints what the
/// library reports.
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
) -> vplan::error::Result<()> {
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    if yaml && std::fs::symlink_metadata(path).is_ok() {
        vplan::usage!(
            "{flag} {} is an existing YAML file: vplan never writes over one (it may be the plan's content); choose another file name",
            path.display()
        );
    }
    let target = vplan::output::resolved(path);
    for content in contents {
        if !content.is_dir() {
            continue;
        }
        let content_real = vplan::output::resolved(content);
        if target.starts_with(&content_real) {
            vplan::usage!(
                "{flag} {} is inside the content directory {}: vplan writes nothing there, so that the plan's files are never replaced; choose a file outside it (e.g. in output/)",
                path.display(),
                content.display()
            );
        }
    }
    Ok(())
}
