//! The whole pipeline, stage by stage: load → check → compute → render → compile → export.
//! Commands are thin orchestrations over this.

pub mod build;
pub mod documents;
pub mod typesetter;

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

use crate::check;
use crate::content::{self, Plan, Status};
use crate::diag::{Diagnostic, Severity};
use crate::figures::{self, Figures};
use crate::progress::Progress;

pub use documents::document_stem;
pub use typesetter::{
    content_files, default_standard, plan_date, typeset_rendered, Layout, Pdf, Typesetter,
};

/// A loaded, checked and computed plan.
pub struct Checked {
    pub plan: Plan,
    pub computed: Figures,
    /// Problems that do not stop a build.
    pub warnings: Vec<Diagnostic>,
    /// Time taken by loading, checking and computing.
    pub timings: Vec<(&'static str, Duration)>,
}

/// How a plan is loaded and checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Warnings are errors.
    pub deny_warnings: bool,
    /// The plan's status for this run (`build --status`), checked like a status in the
    /// content.
    pub status: Option<Status>,
}

/// Loads a content directory, checks it and computes every figure: the first half of every
/// command. Any error (warnings included when `deny_warnings`) fails with
/// [`Error::Content`](crate::Error::Content) holding every diagnostic found.
pub fn load(content_dir: &Path, options: &LoadOptions, progress: &dyn Progress) -> Result<Checked> {
    let LoadOptions {
        deny_warnings,
        status,
    } = *options;
    let t = Instant::now();
    let mut plan = content::load(content_dir, progress)?;
    let mut timings = vec![("load", t.elapsed())];
    if let Some(status) = status {
        plan.meta
            .value
            .decision
            .get_or_insert_with(Default::default)
            .status = status;
    }
    let t = Instant::now();
    let mut diags = check::check(&plan);
    timings.push(("check", t.elapsed()));
    let t = Instant::now();
    let computed = match figures::compute(&plan) {
        Ok(computed) => Some(computed),
        Err(more) => {
            diags.extend(more);
            None
        }
    };
    diags.extend(crate::figures::refs::check(&plan, computed.as_ref()));
    let standard = default_standard(&plan);
    diags.extend(crate::check::prose::check(
        &plan,
        standard.accessible(),
        standard.archival(),
    ));
    diags.extend(documents::check_file_names(&plan));
    diags.extend(crate::check::charts::check(&plan, computed.as_ref()));
    diags.extend(crate::check::followup::check(&plan, computed.as_ref()));
    timings.push(("compute", t.elapsed()));
    if deny_warnings {
        for d in &mut diags {
            d.severity = Severity::Error;
        }
    }
    let (errors, warnings): (Vec<_>, Vec<_>) = diags.into_iter().partition(|d| d.is_error());
    match computed {
        Some(computed) if errors.is_empty() => Ok(Checked {
            plan,
            computed,
            warnings,
            timings,
        }),
        _ => {
            let mut all = errors;
            all.extend(warnings);
            Err(Error::Content(all))
        }
    }
}

/// A typeset document.
pub struct Built {
    pub typst_source: String,
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub timings: Vec<(&'static str, Duration)>,
}
