//! The integration tests, one module per area, linked into one test binary (`it`): linking
//! the typst stack once instead of once per file is most of the cold build time.
//! Shared helpers are in `common`; fixtures, reference texts and snapshots are data under
//! `tests/`.

mod common;

mod amounts;
mod architecture;
mod bad_input;
mod charts;
mod check;
mod cli;
mod columns;
mod decision;
mod default_plan;
mod details;
mod diagnostics;
mod diff;
mod docs;
mod documents;
mod drafts;
mod edges;
mod excel;
mod explain;
mod families;
mod followup;
mod function_size;
mod guide;
mod house_style;
mod init;
mod injection;
mod keep_with_next;
mod mistakes;
mod newyear;
mod preview;
mod properties;
mod prose;
mod schema;
mod snapshot;
mod special_files;
mod table_breaks;
mod template_reference;
mod toolbelt;
mod typed_totals;
mod value_paths;
mod visual;
mod watch;
