//! vplan: a Swedish public-sector *verksamhetsplan med budget* as a PDF from YAML.
//!
//! The pipeline, one module per stage:
//! [`content`] (load) → [`check`] → [`figures`] → [`render`] (minijinja → Typst source) →
//! [`typeset`] (in-process Typst → PDF), orchestrated by [`pipeline`] and the commands in
//! [`cmd`].

pub mod bench;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod content;
pub mod diag;
pub mod diff;
pub mod figures;
pub mod newyear;
pub mod numfmt;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod refs;
pub mod render;
pub mod sheets;
pub mod suggest;
pub mod typeset;
pub mod yaml_text;
