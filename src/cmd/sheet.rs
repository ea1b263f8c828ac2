//! `vplan export` and `vplan import`: the plan's tables in and out of spreadsheets.

use std::path::{Path, PathBuf};

use vplan::error::{Context, IoContext, Result};

use crate::cli::{ExportArgs, ImportArgs, SheetFormat};
use vplan::diag::{Code, Diagnostic};
use vplan::numfmt::format_amount;
use vplan::pipeline;
use vplan::progress::Progress;

use super::Terminal;
use vplan::sheets;

pub fn export(args: &ExportArgs, progress: &Terminal) -> Result<()> {
    if args.csv.is_some() && args.format != SheetFormat::Csv {
        vplan::usage!("--csv gives the form of a CSV file: use it with --format csv");
    }
    // Unused here, but a `--templates` directory that does not exist is refused everywhere.
    args.project.templates()?;
    let loaded = pipeline::load(&args.project.content, &Default::default(), progress)?;
    // A report is exported as its projection: every table with budget, utfall, avvikelse
    // (and prognos), the sums and deviations as formulas.
    let subject = match &args.report {
        None => loaded.subject(),
        Some(id) => loaded.report(id)?.subject(),
    };
    let (plan, figures) = (subject.model(), subject.figures());
    let ext = match args.format {
        SheetFormat::Xlsx => "xlsx",
        SheetFormat::Csv => "csv",
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}.{ext}", subject.stem())));
    super::refuse_content_target(&out, &[&args.project.content], "--out")?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).at("create", dir)?;
    }
    match args.format {
        SheetFormat::Xlsx => {
            let (bytes, as_text) = sheets::workbook(plan, figures)?;
            for cell in &as_text {
                progress.warn(format_args!(
                    "written as text (more digits than Excel holds exactly): {cell}"
                ));
            }
            vplan::output::write(&out, &bytes)?;
            let sheets = sheets::sheet_names(plan);
            progress.say(format_args!(
                "wrote {} ({} sheets: {})",
                out.display(),
                sheets.len(),
                sheets.values().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        SheetFormat::Csv => {
            let dialect = args.csv.map(Into::into).unwrap_or_default();
            vplan::output::write(&out, sheets::csv(plan, figures, dialect).as_bytes())?;
            progress.say(format_args!("wrote {}", out.display()));
        }
    }
    Ok(())
}

pub fn import(args: &ImportArgs, progress: &Terminal) -> Result<()> {
    args.project.templates()?;
    let content = &args.project.content;
    // Held until the file is written: another vplan command that rewrites this content
    // waits, so both land (see `vplan::output::lock`).
    let _lock = vplan::output::lock_if_dir(content)?;
    let checked = pipeline::load(content, &Default::default(), progress)?;
    if let Some(id) = &args.report {
        return import_outcomes(args, &checked, id, progress);
    }
    let plan = &checked.plan;
    let result = sheets::import(
        plan,
        &checked.computed,
        &args.table,
        &args.file,
        args.sheet.as_deref(),
    )?;
    let table = &plan.tables[&args.table];
    say_amounts(args, &table.value, &result, progress);
    let file = table.file.clone();
    let problems = problems(args, &file, &result.bad, &result.refused, &result.unknown);
    if !problems.is_empty() {
        return Err(vplan::Error::Content(problems));
    }
    if result.changed.is_empty() {
        progress.say(format_args!(
            "no changes: {} is as the sheet says",
            file.display()
        ));
        return Ok(());
    }
    // The new amounts must give a plan that checks before the file is replaced.
    let after = load_staged(content, &file, &result.yaml, "amounts", None)?;
    let now = after.plan.tables.get(&args.table).map(|t| &t.value);
    refuse_other_rows(plan, &file, &table.value, now, &result)?;
    vplan::output::rewrite_content(
        content,
        &[(
            &file,
            plan.source(&file).unwrap_or_default(),
            result.yaml.as_bytes(),
        )],
    )?;
    progress.say(format_args!(
        "wrote {} ({} amount{} changed)",
        file.display(),
        result.changed.len(),
        if result.changed.len() == 1 { "" } else { "s" }
    ));
    Ok(())
}

/// Says what the sheet changes in `table`, the rows it lacks and the rows it has that match
/// none.
fn say_amounts(
    args: &ImportArgs,
    table: &vplan::content::Table,
    result: &sheets::Import,
    progress: &Terminal,
) {
    let precision = |cid: &str| {
        table
            .columns
            .iter()
            .find(|c| c.id == cid)
            .map_or(0, |c| c.precision)
    };
    for (row, col, old, new) in &result.changed {
        let p = precision(col);
        progress.say(format_args!(
            "changed: {row} › {col}: {} → {}",
            show(*old, p),
            show(*new, p)
        ));
    }
    for row in &result.missing {
        progress.say(format_args!(
            "missing: row `{row}` is not in the sheet; its amounts are kept"
        ));
    }
    say_unknown(args, &result.unknown, progress);
}

/// An amount as the import shows it, `(tom)` for an empty cell.
fn show(v: Option<rust_decimal::Decimal>, precision: u32) -> String {
    v.map(|v| format_amount(v, precision))
        .unwrap_or_else(|| "(tom)".into())
}

/// Says each row of the sheet that matches no row of the table.
fn say_unknown(args: &ImportArgs, unknown: &[(String, String)], progress: &Terminal) {
    for (row, cell) in unknown {
        progress.say(format_args!(
            "unknown: `{row}` in the sheet ({cell}) matches no row of `{}`",
            args.table
        ));
    }
}

/// The file gives exactly the amounts meant: the changed cells' new ones, every other cell
/// its old one (a rewrite that reached another row, through an anchor or otherwise, is
/// refused). `before` is the table as it was, `now` as the staged file gives it.
fn refuse_other_rows(
    plan: &vplan::content::Plan,
    file: &Path,
    before: &vplan::content::Table,
    now: Option<&vplan::content::Table>,
    result: &sheets::Import,
) -> Result<()> {
    for (r, row) in before.rows.iter().enumerate() {
        let meant = meant_values(before, row, &result.changed);
        let got = now.and_then(|t| t.rows.get(r)).filter(|g| g.id == row.id);
        let same = got.is_some_and(|g| normalized(&g.values) == normalized(&meant));
        if !same {
            return Err(vplan::Error::Content(vec![Diagnostic::error(
                Code::SheetImport,
                file,
                format!(
                    "rewriting the changed rows would also change row `{}` (its values are shared through a YAML anchor or alias): nothing written",
                    row.id
                ),
            )
            // Shared through a merge key (`<<: *row`), the row writes no `values` of its own.
            .at_pos(plan.pos_or_ancestor(file, &vplan::content::ValuePath::of("rows").index(r).key("values")))
            .with_hint("write each row's amounts out as a plain list, `values: [...]`, then import again")]));
        }
    }
    Ok(())
}

/// The values row `row` of `table` is meant to have: its old ones with the `changed` cells'
/// new ones.
fn meant_values(
    table: &vplan::content::Table,
    row: &vplan::content::Row,
    changed: &[(
        String,
        String,
        Option<rust_decimal::Decimal>,
        Option<rust_decimal::Decimal>,
    )],
) -> Option<Vec<Option<rust_decimal::Decimal>>> {
    let mut meant = row.values.clone();
    let Some(vals) = meant.as_mut() else {
        return meant;
    };
    for (rid, cid, _, new) in changed {
        if *rid != row.id {
            continue;
        }
        if let Some(c) = table.columns.iter().position(|c| c.id == *cid) {
            if let Some(v) = vals.get_mut(c) {
                *v = *new;
            }
        }
    }
    meant
}

/// Values with each amount normalized (`1.50` and `1.5` are the same amount).
fn normalized(
    values: &Option<Vec<Option<rust_decimal::Decimal>>>,
) -> Option<Vec<Option<rust_decimal::Decimal>>> {
    values.as_ref().map(|v| {
        v.iter()
            .map(|x| x.map(|x| x.normalize()))
            .collect::<Vec<_>>()
    })
}

/// `vplan import FILE --report ID --table T`: a table's outcomes into the report's YAML.
fn import_outcomes(
    args: &ImportArgs,
    checked: &pipeline::Checked,
    id: &str,
    progress: &Terminal,
) -> Result<()> {
    let content = &args.project.content;
    let report = checked.report(id)?;
    require_table(args, checked)?;
    let result = sheets::import_outcomes(
        (&report.projection.plan, &report.projection.figures),
        &report.source,
        &args.table,
        &args.file,
        args.sheet.as_deref(),
    )?;
    let file = result.file.clone();
    say_outcomes(args, report, &result, progress);
    let problems = problems(args, &file, &result.bad, &result.refused, &result.unknown);
    if !problems.is_empty() {
        return Err(vplan::Error::Content(problems));
    }
    if result.changed.is_empty() {
        for note in result.notes(&args.table, &report.projection.figures) {
            progress.say(format_args!("{note}"));
        }
        progress.say(format_args!(
            "no changes: {} is as the sheet says",
            file.display()
        ));
        return Ok(());
    }
    // The new figures must give a report that checks before the file is replaced.
    let after = load_staged(content, &file, &result.yaml, "outcomes", Some(id))?;
    let now = after.reports.iter().find(|r| r.id == id);
    refuse_other_changes(&file, now, &result)?;
    if let Some(now) = now {
        for note in result.notes(&args.table, &now.projection.figures) {
            progress.say(format_args!("{note}"));
        }
    }
    vplan::output::rewrite_content(
        content,
        &[(
            &file,
            report.projection.plan.source(&file).unwrap_or_default(),
            result.yaml.as_bytes(),
        )],
    )?;
    progress.say(format_args!(
        "wrote {} ({} figure{} changed)",
        file.display(),
        result.changed.len(),
        if result.changed.len() == 1 { "" } else { "s" }
    ));
    Ok(())
}

/// Refuses a `--table` the plan does not have, naming the tables it has.
fn require_table(args: &ImportArgs, checked: &pipeline::Checked) -> Result<()> {
    if !checked.plan.tables.contains_key(&args.table) {
        vplan::usage!(
            "--table {}: the plan has no such table; its tables are: {}",
            args.table,
            checked
                .plan
                .tables
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}

/// Says what the sheet changes in the report's table, the rows it lacks and the rows it has
/// that match none.
fn say_outcomes(
    args: &ImportArgs,
    report: &pipeline::CheckedReport,
    result: &sheets::Outcomes,
    progress: &Terminal,
) {
    let precision = report
        .projection
        .plan
        .tables
        .get(&args.table)
        .and_then(|t| t.value.columns.first())
        .map_or(0, |c| c.precision);
    for (row, key, old, new) in &result.changed {
        progress.say(format_args!(
            "changed: {row} › {key}: {} → {}",
            show(*old, precision),
            show(*new, precision)
        ));
    }
    for row in &result.missing {
        progress.say(format_args!(
            "missing: row `{row}` is not in the sheet; the report's figures are kept"
        ));
    }
    say_unknown(args, &result.unknown, progress);
}

/// The file gives exactly the figures meant, and nothing else of the report changed: `now`
/// is the report as the staged file gives it.
fn refuse_other_changes(
    file: &Path,
    now: Option<&pipeline::CheckedReport>,
    result: &sheets::Outcomes,
) -> Result<()> {
    let meant = result.meant.as_ref().map(normal);
    if now.map(|r| normal(&r.source.value)) != meant {
        return Err(vplan::Error::Content(vec![Diagnostic::error(
            Code::SheetImport,
            file,
            "rewriting the report would change more than the imported figures: nothing written",
        )
        .with_hint("write the table's row entries as one-line flow maps, `- {id: rad, utfall: 100}`, then import again")]));
    }
    Ok(())
}

/// A report as compared after an import: its outcomes and forecasts normalized, written out.
fn normal(f: &vplan::content::FollowUp) -> String {
    let mut f = f.clone();
    for t in &mut f.tables {
        for r in &mut t.rows {
            r.utfall = r.utfall.map(|v| v.normalize());
            r.prognos = r.prognos.map(|v| v.normalize());
        }
    }
    format!("{f:?}")
}

/// The content loaded with `yaml` in place of `file`, from a scratch copy, before the file is
/// replaced: the errors it then has (not its warnings: those were the content's before) are
/// reported at the real files, each saying that nothing was written. `what` names the imported
/// figures ("amounts"); `report` is the report they go into (judged with the plan's errors, as
/// `build --report` judges it), else they go into the plan (judged alone: another report's
/// draft does not stop them).
fn load_staged(
    content: &Path,
    file: &Path,
    yaml: &str,
    what: &str,
    report: Option<&str>,
) -> Result<pipeline::Checked> {
    let gives = match report {
        Some(_) => "a report",
        None => "a plan",
    };
    let options = pipeline::LoadOptions {
        reports: report.into_iter().map(str::to_string).collect(),
        ..Default::default()
    };
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let copy = scratch.path().join("content");
    vplan::output::copy_tree(content, &copy)?;
    let staged = copy.join(file.strip_prefix(content).unwrap_or(file));
    std::fs::write(&staged, yaml).at("write", &staged)?;
    // Errors are shown at the real files (the copy is gone when they are read).
    let real = |p: &Path| match p.strip_prefix(&copy) {
        Ok(rel) => content.join(rel),
        Err(_) => p.to_path_buf(),
    };
    let copy_text = copy.display().to_string();
    let content_text = content.display().to_string();
    let nothing = format!("nothing written: {} is unchanged", file.display());
    match pipeline::load(&copy, &options, &vplan::progress::Silent) {
        Ok(after) => Ok(after),
        Err(vplan::Error::Content(diags)) => Err(vplan::Error::Content(
            diags
                .into_iter()
                .filter(Diagnostic::is_error)
                .map(|mut d| {
                    d.file = d.file.as_deref().map(real);
                    d.message = format!(
                        "with the {what} of the sheet: {}",
                        d.message.replace(&copy_text, &content_text)
                    );
                    d.hint = Some(match d.hint.take() {
                        Some(h) => format!("{}; {nothing}", h.replace(&copy_text, &content_text)),
                        None => nothing.clone(),
                    });
                    d
                })
                .collect(),
        )),
        Err(other) => Err(vplan::usage_error!(
            "the imported {what} give {gives} with errors: {}; nothing written",
            other.to_string().replace(&copy_text, &content_text)
        )),
    }
}

/// What stops an import before anything is written: cells that are not amounts (`bad`), rows
/// refused where they stand (`refused`), and rows of the sheet that match nothing (`unknown`,
/// unless `--force`). `file` is the YAML file left unchanged.
fn problems(
    args: &ImportArgs,
    file: &Path,
    bad: &[String],
    refused: &[Diagnostic],
    unknown: &[(String, String)],
) -> Vec<Diagnostic> {
    let nothing = format!("nothing written: {} is unchanged", file.display());
    let mut problems: Vec<Diagnostic> = bad
        .iter()
        .map(|b| {
            Diagnostic::error(Code::SheetImport, &args.file, b.clone()).with_hint(nothing.clone())
        })
        .collect();
    problems.extend(refused.iter().cloned());
    if !unknown.is_empty() && !args.force {
        problems.push(
            Diagnostic::error(
                Code::SheetImport,
                &args.file,
                format!(
                    "{} row(s) of the sheet match no row of table `{}` ({}): nothing written",
                    unknown.len(),
                    args.table,
                    unknown
                        .iter()
                        .map(|(row, cell)| format!("{cell} `{row}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with_hint(
                "fix the ids or labels in the sheet, or use --force to import the rows that match",
            ),
        );
    }
    problems
}
