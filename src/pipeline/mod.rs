//! The whole pipeline, stage by stage: load → check → compute → render → compile → export.
//! Commands are thin orchestrations over this.

pub mod build;
pub mod documents;
pub mod ids;
pub mod typesetter;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

use crate::check;
use crate::content::{self, Plan, Status, ValuePath};
use crate::diag::{Code, Diagnostic, Severity};
use crate::figures::{self, Figures};
use crate::progress::Progress;

pub use documents::document_stem;
pub use typesetter::{
    content_files, default_standard, plan_date, source_date_epoch, typeset_rendered, Layout, Pdf,
    Typesetter,
};

/// A loaded, checked and computed plan.
pub struct Checked {
    pub plan: Plan,
    pub computed: Figures,
    /// Problems that do not stop a build: those of the documents this run judges (the plan's
    /// for a plan, a report's own for `--report`; see [`LoadOptions`]).
    pub warnings: Vec<Diagnostic>,
    /// Time taken by loading, checking and computing.
    pub timings: Vec<(&'static str, Duration)>,
    /// The plan's follow-up reports that are sound, each projected (`uppfoljning/`), each
    /// with its own warnings.
    pub reports: Vec<CheckedReport>,
    /// The plan's follow-up reports that have errors (or whose file gives no report): drafts
    /// that stop only what judges them ([`Checked::report`] answers with their problems).
    pub drafts: Vec<DraftReport>,
}

/// A follow-up report, checked and projected: `checked` is the report as a document (its
/// `plan` the projection, with `projection_of` set; its `computed` the report's figures; its
/// `warnings` the report's own), which the documents, `diff` and the spreadsheets take as they
/// take a plan.
pub struct CheckedReport {
    pub id: String,
    pub source: content::Sourced<content::FollowUp>,
    pub checked: Checked,
}

/// A follow-up report that has errors: it is not projected, and nothing is built from it; its
/// problems are its own (they stop neither the plan nor another report).
#[derive(Debug, Clone)]
pub struct DraftReport {
    /// Its id, when its file gives one.
    pub id: Option<String>,
    pub file: PathBuf,
    /// Its errors and warnings, errors first.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// The follow-up report `id` (`--report ID`): its problems when it has errors; a usage
    /// error with the id probably meant, or the reports there are, when the content has no
    /// such report (and with the problems of the report files that give no id, one of which
    /// may be the report meant).
    pub fn report(&self, id: &str) -> Result<&CheckedReport> {
        if let Some(r) = self.reports.iter().find(|r| r.id == id) {
            return Ok(r);
        }
        if let Some(d) = self.drafts.iter().find(|d| d.id.as_deref() == Some(id)) {
            return Err(Error::Content(d.diagnostics.clone()));
        }
        let mut known: Vec<&str> = self.reports.iter().map(|r| r.id.as_str()).collect();
        known.extend(self.drafts.iter().filter_map(|d| d.id.as_deref()));
        let message = format!(
            "--report {id}: there is no such report; {}",
            if known.is_empty() {
                "this content has none (a report is a file in content/uppfoljning/; `vplan report init` writes one)".to_string()
            } else {
                crate::suggest::did_you_mean(id, &known)
                    .unwrap_or_else(|| format!("this content has: {}", known.join(", ")))
            }
        );
        let unnamed: Vec<&DraftReport> = self.drafts.iter().filter(|d| d.id.is_none()).collect();
        if unnamed.is_empty() {
            return Err(Error::Usage(message));
        }
        // A report file vplan cannot read may be the report meant: its problems are shown.
        let mut diags: Vec<Diagnostic> = unnamed
            .iter()
            .flat_map(|d| d.diagnostics.iter().cloned())
            .collect();
        diags.push(Diagnostic {
            code: Code::Usage,
            severity: Severity::Error,
            file: None,
            line: None,
            column: None,
            message,
            label: None,
            hint: Some(format!(
                "{} did not load, so no report id could be read (the problems are listed above): if `{id}` is there, fix it",
                unnamed
                    .iter()
                    .map(|d| d.file.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        });
        Err(Error::Content(diags))
    }
}

/// How a plan is loaded and checked, and which documents it is judged as: the plan (by
/// default), the reports of `reports`, or everything (`every_report`). A follow-up report is a
/// draft of its own: its errors and warnings stop only what judges it; the plan's errors stop
/// every report (a report stands on the plan).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Warnings of the documents judged are errors.
    pub deny_warnings: bool,
    /// The plan's status for this run (`build --status`), checked like a status in the
    /// content; with `reports`, theirs instead.
    pub status: Option<Status>,
    /// The reports this run builds (`build --report`): they are judged (with the plan's
    /// errors, not its warnings), not the plan; `status` applies to them.
    pub reports: Vec<String>,
    /// The plan and every report are judged (`check` without `--report`).
    pub every_report: bool,
}

/// Whose problem a diagnostic is: the plan's, or the report of that index of
/// `plan.reports`, or of that index of the files that give no report.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    Plan,
    Report(usize),
    Unloaded(usize),
}

/// Loads a content directory, checks it and computes every figure: the first half of every
/// command. Any error of the documents judged (their warnings too when `deny_warnings`; see
/// [`LoadOptions`]) fails with [`Error::Content`](crate::Error::Content) holding every
/// diagnostic of them; a report that is not judged and has errors is kept in
/// [`Checked::drafts`].
pub fn load(content_dir: &Path, options: &LoadOptions, progress: &dyn Progress) -> Result<Checked> {
    let LoadOptions {
        deny_warnings,
        status,
        ref reports,
        every_report,
    } = *options;
    let judges_plan = reports.is_empty() || every_report;
    let judges =
        |id: Option<&str>| every_report || id.is_some_and(|id| reports.iter().any(|r| r == id));
    let t = Instant::now();
    let loaded = content::load(content_dir, progress)?;
    let unloaded = loaded.unloaded;
    let load_errors = loaded.errors;
    let mut plan = match loaded.plan {
        Ok(plan) => plan,
        Err(mut diags) => {
            // The plan does not load: nothing can be judged against it.
            for u in unloaded.iter().filter(|u| judges(u.id.as_deref())) {
                diags.extend(u.diagnostics.iter().cloned());
            }
            return Err(Error::Content(diags));
        }
    };
    let mut timings = vec![("load", t.elapsed())];
    if let Some(status) = status {
        let decisions: Vec<&mut Option<content::Decision>> = if reports.is_empty() {
            vec![&mut plan.meta.value.decision]
        } else {
            plan.reports
                .iter_mut()
                .filter(|r| reports.contains(&r.value.id))
                .map(|r| &mut r.value.decision)
                .collect()
        };
        for d in decisions {
            d.get_or_insert_with(Default::default).status = status;
        }
    }
    let t = Instant::now();
    // The mistakes of files that loaded all the same come first, then what the later checks
    // find in everything that loaded.
    let mut diags = check::check(&plan);
    timings.push(("check", t.elapsed()));
    let t = Instant::now();
    let computed = match figures::compute(&plan) {
        Ok(computed) => Some(computed),
        Err(more) => {
            diags.extend(more);
            None
        }
    };
    diags.extend(crate::figures::refs::check(&plan, computed.as_ref()));
    let standard = default_standard(&plan);
    diags.extend(crate::check::prose::check(
        &plan,
        standard.accessible(),
        standard.archival(),
    ));
    diags.extend(documents::check_file_names(&plan));
    diags.extend(crate::check::charts::check(&plan, computed.as_ref()));
    diags.extend(crate::check::followup::check(&plan, computed.as_ref()));
    timings.push(("compute", t.elapsed()));
    // A file with mistakes was read without them; what the later checks only warn of in it
    // (a value not given yet) may be the mistake read as absent, and waits for its fix.
    // So is an error on the line of a mistake: the mistake is what that line needs fixed.
    let mistaken: Vec<&Path> = load_errors
        .iter()
        .filter_map(|d| d.file.as_deref())
        .collect();
    let on_mistaken_line = |d: &Diagnostic| {
        load_errors
            .iter()
            .any(|e| e.file == d.file && e.line.is_some() && e.line == d.line)
    };
    diags.retain(|d| {
        let in_mistaken_file = d.file.as_deref().is_some_and(|f| mistaken.contains(&f));
        !in_mistaken_file || (d.is_error() && !on_mistaken_line(d))
    });
    let diags: Vec<Diagnostic> = load_errors.iter().cloned().chain(diags).collect();
    // Each problem is the document's whose file it is in: a report's file is the report's.
    let owner = |d: &Diagnostic| -> Owner {
        let Some(file) = d.file.as_deref() else {
            return Owner::Plan;
        };
        if let Some(i) = plan.reports.iter().position(|r| r.file == file) {
            return Owner::Report(i);
        }
        match unloaded.iter().position(|u| u.file == file) {
            Some(i) => Owner::Unloaded(i),
            None => Owner::Plan,
        }
    };
    let mut owned: Vec<(Owner, Diagnostic)> = diags.into_iter().map(|d| (owner(&d), d)).collect();
    for (i, u) in unloaded.iter().enumerate() {
        owned.extend(
            u.diagnostics
                .iter()
                .map(|d| (Owner::Unloaded(i), d.clone())),
        );
    }
    let has_errors = |o: Owner, owned: &[(Owner, Diagnostic)]| {
        owned.iter().any(|(w, d)| *w == o && d.is_error())
    };
    let t = Instant::now();
    let mut projected = Vec::new();
    if let Some(computed) = computed
        .as_ref()
        .filter(|_| !has_errors(Owner::Plan, &owned))
    {
        for (i, report) in plan.reports.iter().enumerate() {
            if has_errors(Owner::Report(i), &owned) {
                continue;
            }
            match project_report(&plan, computed, report) {
                Ok((p, mut more)) => {
                    more.extend(printed_by_report(&plan, &p, report));
                    let sound = !more.iter().any(Diagnostic::is_error);
                    owned.extend(more.into_iter().map(|d| (Owner::Report(i), d)));
                    if sound {
                        projected.push((i, p));
                    }
                }
                Err(more) => owned.extend(more.into_iter().map(|d| (Owner::Report(i), d))),
            }
        }
    }
    if !plan.reports.is_empty() {
        timings.push(("reports", t.elapsed()));
    }
    let id_of = |o: Owner| -> Option<&str> {
        match o {
            Owner::Plan => None,
            Owner::Report(i) => Some(plan.reports[i].value.id.as_str()),
            Owner::Unloaded(i) => unloaded[i].id.as_deref(),
        }
    };
    // What this run judges: the plan's errors always (every report stands on the plan), its
    // warnings when the plan is built or everything is checked; a report's problems when it is
    // built or everything is checked.
    let judged = |o: Owner, d: &Diagnostic| match o {
        Owner::Plan => judges_plan || d.is_error(),
        _ => judges(id_of(o)),
    };
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut own: Vec<Vec<Diagnostic>> = vec![Vec::new(); plan.reports.len()];
    let mut unloaded_own: Vec<Vec<Diagnostic>> = vec![Vec::new(); unloaded.len()];
    for (o, mut d) in owned {
        if judged(o, &d) {
            if deny_warnings {
                d.severity = Severity::Error;
            }
            if d.is_error() {
                errors.push(d.clone());
            } else {
                warnings.push(d.clone());
            }
        }
        match o {
            Owner::Plan => {}
            Owner::Report(i) => own[i].push(d),
            Owner::Unloaded(i) => unloaded_own[i].push(d),
        }
    }
    let mut drafts = Vec::new();
    let mut sound = Vec::new();
    let mut projected = projected.into_iter().peekable();
    for (i, (report, diags)) in plan.reports.iter().zip(own).enumerate() {
        match projected.next_if(|(j, _)| *j == i) {
            Some((_, p)) => sound.push(CheckedReport {
                id: report.value.id.clone(),
                source: report.clone(),
                checked: Checked {
                    plan: p.plan,
                    computed: p.figures,
                    warnings: diags,
                    timings: Vec::new(),
                    reports: Vec::new(),
                    drafts: Vec::new(),
                },
            }),
            None => drafts.push(DraftReport {
                id: Some(report.value.id.clone()),
                file: report.file.clone(),
                diagnostics: errors_first(diags),
            }),
        }
    }
    for (u, diags) in unloaded.iter().zip(unloaded_own) {
        drafts.push(DraftReport {
            id: u.id.clone(),
            file: u.file.clone(),
            diagnostics: errors_first(diags),
        });
    }
    match computed {
        Some(computed) if errors.is_empty() => Ok(Checked {
            plan,
            computed,
            warnings,
            timings,
            reports: sound,
            drafts,
        }),
        _ => {
            let mut all = errors;
            all.extend(warnings);
            Err(Error::Content(all))
        }
    }
}

/// The diagnostics with the errors first, each kind in its order.
fn errors_first(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let (mut errors, warnings): (Vec<_>, Vec<_>) = diags.into_iter().partition(|d| d.is_error());
    errors.extend(warnings);
    errors
}

/// A report projected onto the plan's figures, with the problems of its prose and charts
/// judged on the projection's figures.
fn project_report(
    plan: &Plan,
    computed: &Figures,
    report: &content::Sourced<content::FollowUp>,
) -> std::result::Result<(figures::followup::Projection, Vec<Diagnostic>), Vec<Diagnostic>> {
    let p = figures::followup::project(plan, computed, report)?;
    let mut diags = Vec::new();
    let prose = figures::refs::report_prose(report);
    // A plan column the report does not follow is not in the report.
    let explain = |cell: &figures::CellRef| {
        let own = &plan.tables.get(&cell.table)?.value;
        let t = &p.plan.tables.get(&cell.table)?.value;
        let followed = &figures::followup::annual_column(t)?.id;
        let missing = own.columns.iter().any(|c| c.id == cell.column)
            && !t.columns.iter().any(|c| c.id == cell.column);
        missing.then(|| {
            format!(
                "the report follows the plan's column `{followed}` of `{}`: its columns are {}",
                cell.table,
                t.columns
                    .iter()
                    .map(|c| format!("`{}`", c.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
    };
    diags.extend(figures::refs::check_prose(
        &prose,
        &p.plan,
        Some(&p.figures),
        &explain,
    ));
    // A report's charts draw the report's figures: checked on them.
    for (i, entry) in report.value.tables.iter().enumerate() {
        let Some(t) = p.plan.tables.get(&entry.id) else {
            continue;
        };
        if entry.chart.is_some() {
            let chart = ValuePath::of("tables").index(i).key("chart");
            diags.extend(check::charts::names_its_series(
                &p.plan,
                &t.value,
                &report.file,
                &chart,
            ));
            diags.extend(check::charts::check_table(
                &p.plan,
                Some(&p.figures),
                &t.value,
                &report.file,
                &chart,
            ));
        }
    }
    Ok((p, diags))
}

/// The plan's values that a decided report prints and no font has a glyph for: errors of the
/// report (its build is PDF/A and PDF/UA, and the plan's `check` only warns of them while the
/// plan is not decided). What the report prints is read from its view as the templates get it
/// (every string of it, the values never printed as text aside), so a value of the plan it
/// does not print is no problem of the report's; each character is then located at the values
/// of the plan's files that hold it. (The report's own file is judged by `check::prose` with
/// the report's status.)
fn printed_by_report(
    plan: &Plan,
    p: &figures::followup::Projection,
    report: &content::Sourced<content::FollowUp>,
) -> Vec<Diagnostic> {
    if default_standard(plan).archival() || !default_standard(&p.plan).archival() {
        return Vec::new(); // the plan's own check is strict, or the report is not
    }
    let view = crate::render::followup::view(&p.plan, &p.figures, report);
    let mut missing = std::collections::BTreeSet::new();
    let Ok(value) = serde_json::to_value(&view) else {
        return Vec::new();
    };
    without_glyph(&value, &mut missing);
    if missing.is_empty() {
        return Vec::new();
    }
    let others: Vec<&Path> = plan.reports.iter().map(|r| r.file.as_path()).collect();
    let found: Vec<Diagnostic> = check::prose::glyphs(&p.plan, true, |c| !missing.contains(&c))
        .into_iter()
        .filter(|d| {
            d.file
                .as_deref()
                .is_some_and(|f| !others.contains(&f) || f == report.file)
        })
        .collect();
    if found.is_empty() {
        // Printed, yet in no value of the plan: say so at the report.
        let chars: String = missing.iter().collect();
        return vec![Diagnostic::error(
            Code::Glyph,
            &report.file,
            format!("the report prints `{chars}`, which no font of the documents has; PDF/A and PDF/UA refuse text that cannot be displayed"),
        )
        .at_pos(plan.pos(&report.file, &ValuePath::ROOT))
        .with_hint("write it in words, or use a character from the Latin alphabet (emoji and symbols are not in the fonts)")];
    }
    found
        .into_iter()
        .filter(|d| d.file.as_deref() != Some(report.file.as_path()))
        .map(|mut d| {
            d.message = format!(
                "{} (the decided report `{}` prints it)",
                d.message, report.value.id
            );
            d
        })
        .collect()
}

/// The characters of the strings of a view that no font has, the keys whose values are never
/// printed as text (alternative texts, PDF metadata, source markers) aside.
fn without_glyph(value: &serde_json::Value, out: &mut std::collections::BTreeSet<char>) {
    use serde_json::Value;
    match value {
        Value::String(s) => out.extend(
            s.chars()
                .filter(|&c| check::prose::needs_glyph(c) && !crate::typeset::has_glyph(c)),
        ),
        Value::Array(items) => items.iter().for_each(|v| without_glyph(v, out)),
        Value::Object(map) => {
            for (key, v) in map {
                if !check::prose::NOT_PRINTED.contains(&key.as_str()) && !key.contains("origin") {
                    without_glyph(v, out);
                }
            }
        }
        _ => {}
    }
}

/// A typeset document.
pub struct Built {
    pub typst_source: String,
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub timings: Vec<(&'static str, Duration)>,
}
