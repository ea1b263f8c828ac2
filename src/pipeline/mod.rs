//! The whole pipeline, stage by stage: load → check → compute → render → compile → export.
//! Commands are thin orchestrations over this.

pub mod build;
pub mod documents;
pub mod typesetter;

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::Result;

use crate::check;
use crate::content::{self, Plan, Status};
use crate::diag::{ContentError, Diagnostic, Severity};
use crate::figures::{self, Figures};
use crate::progress::Progress;
use crate::render::{self, Renderer};

pub use documents::document_stem;
pub use typesetter::{
    content_files, default_standard, plan_date, typeset_rendered, Pdf, Typesetter,
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

/// Loads a content directory, checks it and computes every figure. Any error (warnings
/// included when `deny_warnings`) fails with a [`ContentError`] holding every diagnostic.
pub fn load_and_compute(content_dir: &Path, progress: &dyn Progress) -> Result<Checked> {
    load_checked(content_dir, progress, false)
}

/// [`load_and_compute`], with warnings turned into errors when `deny_warnings`.
pub fn load_checked(
    content_dir: &Path,
    progress: &dyn Progress,
    deny_warnings: bool,
) -> Result<Checked> {
    load_checked_as(content_dir, progress, deny_warnings, None)
}

/// [`load_checked`] with the plan's status overridden for this run (`build --status`); the
/// override is checked like a status in the content.
pub fn load_checked_as(
    content_dir: &Path,
    progress: &dyn Progress,
    deny_warnings: bool,
    status: Option<Status>,
) -> Result<Checked> {
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
        Err(ContentError(more)) => {
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
            Err(ContentError(all).into())
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

/// Renders a checked plan into Typst source with the templates of a directory.
pub fn render_typst(checked: &Checked, templates_dir: &Path) -> Result<String> {
    let view = render::view::build(&checked.plan, &checked.computed);
    Renderer::new(templates_dir)?.render(&view)
}
