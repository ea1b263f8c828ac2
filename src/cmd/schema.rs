//! `vplan schema [--out DIR]`: writes the JSON Schema of every kind of content file.

use anyhow::{Context, Result};

use crate::cli::SchemaArgs;
use crate::content::schema;
use crate::progress::Progress;

pub fn run(args: &SchemaArgs, progress: &Progress) -> Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut files = Vec::new();
    for (kind, schema) in schema::all() {
        let path = args.out.join(format!("{kind}.schema.json"));
        let mut text = serde_json::to_string_pretty(&schema)?;
        text.push('\n');
        files.push((path, text));
    }
    crate::output::write_all(&files)?;
    for (path, _) in &files {
        progress.say(format_args!("wrote {}", path.display()));
    }
    Ok(())
}
