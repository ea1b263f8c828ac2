//! One module per subcommand, each a short orchestration of the pipeline.

pub mod build;
