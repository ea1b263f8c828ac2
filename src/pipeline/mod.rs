//! The whole pipeline, stage by stage: load → check → compute → render → compile → export.
//! Commands are thin orchestrations over this. This file only names the parts: `load` (a
//! content directory loaded, checked and computed), `subject` (what a document is about),
//! `documents` (which documents a subject makes, rendered and typeset), `typesetter` (the
//! templates made ready for Typst), `build` (one plan from content to files), `ids` and
//! `explain` (how a figure is computed, for the preview).

pub mod build;
pub mod documents;
pub mod explain;
pub mod ids;
mod load;
pub mod subject;
pub mod typesetter;

pub use load::{load, Checked, CheckedReport, DraftReport, LoadOptions};
pub use subject::{document_stem, Subject};
pub use typesetter::{
    content_files, default_standard, plan_date, source_date, typeset_rendered, Built, Layout, Pdf,
    Typesetter,
};
