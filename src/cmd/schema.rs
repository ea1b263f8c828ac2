//! `vplan schema [--out DIR]`: writes the JSON Schema of every kind of content file.

use vplan::error::{IoContext, Result};

use crate::cli::SchemaArgs;
use vplan::content::schema;
use vplan::progress::Progress;

use super::Terminal;

pub fn run(args: &SchemaArgs, progress: &Terminal) -> Result<()> {
    std::fs::create_dir_all(&args.out).at("create", &args.out)?;
    let files: Vec<_> = schema::files()?
        .into_iter()
        .map(|(name, text)| (args.out.join(name), text))
        .collect();
    vplan::output::write_all(&files)?;
    for (path, _) in &files {
        progress.say(format_args!("wrote {}", path.display()));
    }
    Ok(())
}
