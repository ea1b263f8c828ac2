//! What a document is about, its *subject*: the plan, the plan with its changes marked (the
//! redline), or one follow-up report. A command chooses the subject once, where it decides
//! what it builds or compares ([`super::Checked::subject`],
//! [`super::CheckedReport::subject`], [`Subject::Redline`] for `build --redline`); the code
//! that names, renders, typesets or compares documents then asks the subject by its kind, and
//! never the model whether it is a report in disguise.
//!
//! The change report of `diff --format pdf` (the Ändringsförteckning) is a feature's
//! document *about* a subject: `diff::pdf` names it after the new side's subject.

use crate::content::{FollowUp, Plan, PlanMeta, Sourced};
use crate::figures::followup::Projection;
use crate::figures::Figures;
use crate::render::view::{OldCells, Redline};

/// The subject of a document.
#[derive(Clone, Copy)]
pub enum Subject<'a> {
    /// The plan as loaded and computed.
    Plan {
        plan: &'a Plan,
        figures: &'a Figures,
    },
    /// The plan with the changes since an earlier version marked (`build --redline`), with
    /// the loaded plan's figures.
    Redline {
        marked: &'a Marked,
        figures: &'a Figures,
    },
    /// A follow-up report: the report, and the plan projected onto its period with the
    /// report's figures (the model its document is made of).
    Report {
        report: &'a Sourced<FollowUp>,
        projection: &'a Projection,
    },
}

/// A build's marks of the changes since an earlier version (`build --redline`): the new plan
/// with its texts marked, and what its changed cells showed before. A feature (`diff`) makes
/// them; the pipeline only prints them.
pub struct Marked {
    pub plan: Plan,
    pub old_cells: OldCells,
    /// What the changes are marked against (a revision or directory).
    pub since: String,
}

impl<'a> Subject<'a> {
    /// The model the subject's documents are made of: the plan, the marked plan, or the
    /// report's projection of the plan.
    pub fn model(self) -> &'a Plan {
        match self {
            Subject::Plan { plan, .. } => plan,
            Subject::Redline { marked, .. } => &marked.plan,
            Subject::Report { projection, .. } => &projection.plan,
        }
    }

    /// The figures of [`Subject::model`]: the plan's, or the report's.
    pub fn figures(self) -> &'a Figures {
        match self {
            Subject::Plan { figures, .. } | Subject::Redline { figures, .. } => figures,
            Subject::Report { projection, .. } => &projection.figures,
        }
    }

    /// The redline's marks, for the templates.
    pub fn marks(self) -> Option<Redline<'a>> {
        match self {
            Subject::Redline { marked, .. } => Some(Redline {
                since: &marked.since,
                old_cells: &marked.old_cells,
            }),
            Subject::Plan { .. } | Subject::Report { .. } => None,
        }
    }

    /// File stem of the subject's main document, e.g. `2031-kulturnamnden-verksamhetsplan`, or
    /// `2031-kulturnamnden-tertialrapport-1` for a report.
    pub fn stem(self) -> String {
        match self {
            Subject::Plan { plan, .. } => document_stem(plan),
            Subject::Redline { marked, .. } => document_stem(&marked.plan),
            Subject::Report { report, projection } => {
                stem_with(&projection.plan.meta.value, &report.value.file_word())
            }
        }
    }
}

/// Longest slug of a nämnd's name in a file name.
pub const MAX_NAMND_SLUG: usize = 60;

/// File stem of the plan's PDF, e.g. `2031-kulturnamnden-verksamhetsplan`. A very long nämnd
/// name is shortened ([`crate::content::slug::short_slug`]), so every file name stays far
/// below the 255 bytes a file system allows. (A report's is its subject's,
/// [`Subject::stem`].)
pub fn document_stem(plan: &Plan) -> String {
    stem_with(&plan.meta.value, "verksamhetsplan")
}

/// `YEAR-NAMND-WORD`.
fn stem_with(meta: &PlanMeta, word: &str) -> String {
    format!(
        "{}-{}-{word}",
        meta.year,
        crate::content::slug::short_slug(&meta.namnd, MAX_NAMND_SLUG)
    )
}
