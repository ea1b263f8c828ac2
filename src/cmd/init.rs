//! `vplan init DIR` (a plan project for a new nämnd) and `vplan new-year YYYY` (the plan
//! rolled forward a year): the command-line side of [`vplan::skeleton`] and [`vplan::roll`].

use vplan::error::Result;
use vplan::progress::Progress;

use super::Terminal;
use crate::cli::InitArgs;

pub fn run(args: &InitArgs, progress: &Terminal) -> Result<()> {
    let dir = &args.dir;
    let namnd = args
        .namnd
        .as_deref()
        .unwrap_or(vplan::skeleton::NAMND_PLACEHOLDER);
    let organisation = args
        .organisation
        .as_deref()
        .unwrap_or(vplan::skeleton::ORGANISATION_PLACEHOLDER);
    let year = args.year.unwrap_or_else(vplan::skeleton::next_year);
    let files = vplan::skeleton::write(dir, namnd, organisation, year)?;
    progress.say(format_args!(
        "wrote a plan project for {} {} into {}: the skeleton plan in {} ({} files), .gitattributes, .gitignore and LÄSMIG.md; in {} run `vplan check` (lists what is left to fill in) and `vplan build`",
        namnd,
        year,
        dir.display(),
        dir.join(vplan::skeleton::CONTENT_DIR).display(),
        files,
        dir.display()
    ));
    Ok(())
}

/// `vplan new-year YYYY [--content DIR] [--to DIR]`.
pub fn new_year(args: &crate::cli::NewYearArgs, progress: &Terminal) -> Result<()> {
    let (target, files) = vplan::roll::roll_into(&args.content, args.year, args.to.as_deref())?;
    progress.say(format_args!(
        "rolled the plan forward to {} in {} ({} files); `vplan check --content {}` lists what to confirm",
        args.year,
        target.display(),
        files,
        target.display()
    ));
    Ok(())
}
