//! `vplan schema [--out DIR]`: writes the JSON Schema of every kind of content file.

use vplan::error::{Context, IoContext, Result};

use crate::cli::SchemaArgs;
use vplan::content::schema;
use vplan::progress::Progress;

use super::Terminal;

pub fn run(args: &SchemaArgs, progress: &Terminal) -> Result<()> {
    std::fs::create_dir_all(&args.out).at("create", &args.out)?;
    let mut files = Vec::new();
    for (kind, schema) in schema::all() {
        let path = args.out.join(format!("{kind}.schema.json"));
        let mut text = serde_json::to_string_pretty(&schema).context("cannot write a schema")?;
        text.push('\n');
        files.push((path, text));
    }
    vplan::output::write_all(&files)?;
    for (path, _) in &files {
        progress.say(format_args!("wrote {}", path.display()));
    }
    Ok(())
}
