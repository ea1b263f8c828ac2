//! One module per subcommand, each a short orchestration of the pipeline.

pub mod build;
pub mod check;
pub mod diff;
pub mod textconv;

use crate::diag::{self, Diagnostic, Format};
use crate::progress::Progress;

/// Prints the warnings of a successful run: for people on stderr (unless quiet), as JSON on
/// stdout (always, so that tools get a result).
pub fn report_warnings(warnings: &[Diagnostic], format: Format, progress: &Progress) {
    match format {
        Format::Json => print!("{}", diag::render_json(warnings)),
        Format::Human if !warnings.is_empty() && !progress.quiet => {
            eprint!("{}", diag::render_human(warnings));
        }
        Format::Human => {}
    }
}
