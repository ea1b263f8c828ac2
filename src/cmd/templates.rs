//! `vplan templates [--out DIR]`: the built-in templates written out for customising.

use std::fs;

use vplan::error::{IoContext, Result};
use vplan::progress::Progress;
use vplan::render::templates::BUILT_IN;

use super::Terminal;
use crate::cli::TemplatesArgs;

/// Writes every built-in template into `--out` (missing or empty), all at once: an existing
/// file is never replaced, and a failure leaves no directory half made.
pub fn run(args: &TemplatesArgs, progress: &Terminal) -> Result<()> {
    let dir = &args.out;
    vplan::output::ensure_empty(
        dir,
        "vplan templates writes the built-in templates into a new or empty directory, never over files; give another --out and copy the files you want from there",
    )?;
    vplan::output::make_dir(dir, |tmp| {
        for (name, text) in BUILT_IN {
            let path = tmp.join(name);
            // (The house style's parts are in a directory of their own, `vplan/`.)
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).at("create", parent)?;
            }
            fs::write(&path, text).at("write", &path)?;
        }
        Ok(())
    })?;
    progress.say(format_args!(
        "wrote the {} built-in templates into {}: a file there replaces the built-in one of its name when you build from this directory (or with --templates {}); delete the files you do not change, so that they keep following new versions of vplan",
        BUILT_IN.len(),
        dir.display(),
        dir.display()
    ));
    Ok(())
}
