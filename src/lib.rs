//! vplan: a Swedish public-sector *verksamhetsplan med budget* as a PDF from YAML.
//!
//! The pipeline, one module per stage:
//! [`content`] (load) → [`check`] → [`figures`] → [`render`] (minijinja → Typst source) →
//! [`typeset`] (in-process Typst → PDF) → [`output`], orchestrated by [`pipeline`]; beside it
//! the features [`diff`], [`sheets`], [`roll`], [`skeleton`] and [`bench`]. The command line
//! is the `vplan` binary (`src/main.rs`); the library returns [`Error`]s and never prints.
//! ARCHITECTURE.md describes the layers and their rules.

pub mod bench;
pub mod check;
pub mod content;
pub mod diag;
pub mod diff;
pub mod error;
pub mod figures;
pub mod files;
pub mod measure;
pub mod numfmt;
pub mod output;
pub mod pipeline;
pub mod preview;
pub mod progress;
pub mod render;
pub mod roll;
pub mod sheets;
pub mod skeleton;
pub mod suggest;
pub mod typeset;
pub mod yaml_text;

pub use error::{Error, Result};
