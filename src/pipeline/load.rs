//! Loading a content directory: load → check → compute, every diagnostic owned by the plan
//! or by one report and judged as [`LoadOptions`] says; each sound follow-up report projected
//! onto the plan ([`CheckedReport`]), each with errors kept as a draft ([`DraftReport`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

use super::documents;
use super::subject::Subject;
use super::typesetter::default_standard;
use crate::check;
use crate::content::{self, Plan, Status, ValuePath};
use crate::diag::{Code, Diagnostic, Severity};
use crate::figures::{self, Figures};
use crate::progress::Progress;

/// A content directory loaded, checked and computed: the plan, and what only a whole load
/// has (its timings, its reports, sound or drafts).
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

/// A follow-up report, checked and projected: the report, the plan projected onto its period
/// with the report's figures, and the report's own warnings. Its documents, `diff` and the
/// spreadsheets take it as a [`Subject::Report`] ([`CheckedReport::subject`]).
pub struct CheckedReport {
    pub id: String,
    pub source: content::Sourced<content::FollowUp>,
    pub projection: figures::followup::Projection,
    /// The report's own problems that do not stop it.
    pub warnings: Vec<Diagnostic>,
}

impl CheckedReport {
    /// The report as the subject of its documents.
    pub fn subject(&self) -> Subject<'_> {
        Subject::Report {
            report: &self.source,
            projection: &self.projection,
        }
    }
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
    /// The plan as the subject of its documents.
    pub fn subject(&self) -> Subject<'_> {
        Subject::Plan {
            plan: &self.plan,
            figures: &self.computed,
        }
    }

    /// The subjects a `check` judges: the plan and every sound report, or (`check --report`)
    /// the reports of `reports`, each as [`Checked::report`] answers.
    pub fn subjects(&self, reports: &[String]) -> Result<Vec<Subject<'_>>> {
        if reports.is_empty() {
            return Ok(std::iter::once(self.subject())
                .chain(self.reports.iter().map(CheckedReport::subject))
                .collect());
        }
        reports
            .iter()
            .map(|id| self.report(id).map(CheckedReport::subject))
            .collect()
    }

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

impl LoadOptions {
    /// Whether the plan's warnings are judged (its errors always are: every report stands on
    /// the plan).
    fn judges_plan(&self) -> bool {
        self.reports.is_empty() || self.every_report
    }

    /// Whether the report with this id (or a report file that gives none) is judged.
    fn judges(&self, id: Option<&str>) -> bool {
        self.every_report || id.is_some_and(|id| self.reports.iter().any(|r| r == id))
    }
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
    let t = Instant::now();
    let loaded = content::load(content_dir, progress)?;
    let unloaded = loaded.unloaded;
    let mut plan = match loaded.plan {
        Ok(plan) => plan,
        Err(mut diags) => {
            // The plan does not load: nothing can be judged against it.
            for u in unloaded.iter().filter(|u| options.judges(u.id.as_deref())) {
                diags.extend(u.diagnostics.iter().cloned());
            }
            return Err(Error::Content(diags));
        }
    };
    let mut timings = vec![("load", t.elapsed())];
    if let Some(status) = options.status {
        set_status(&mut plan, &options.reports, status);
    }
    let (diags, computed) = diagnose(&plan, &loaded.errors, &mut timings);
    let mut owned = owned(&plan, &unloaded, diags);
    let t = Instant::now();
    let projected = match &computed {
        Some(computed) if !has_errors(Owner::Plan, &owned) => {
            project_sound(&plan, computed, &mut owned)
        }
        _ => Vec::new(),
    };
    if !plan.reports.is_empty() {
        timings.push(("reports", t.elapsed()));
    }
    let sorted = sort(options, &plan, &unloaded, owned);
    let (reports, drafts) = reports_and_drafts(&plan, &unloaded, projected, sorted.own);
    match computed {
        Some(computed) if sorted.errors.is_empty() => Ok(Checked {
            plan,
            computed,
            warnings: sorted.warnings,
            timings,
            reports,
            drafts,
        }),
        _ => {
            let mut all = sorted.errors;
            all.extend(sorted.warnings);
            Err(Error::Content(all))
        }
    }
}

/// The status of this run (`build --status`): the plan's, or with `reports` theirs.
fn set_status(plan: &mut Plan, reports: &[String], status: Status) {
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

/// Every problem of a loaded plan: the mistakes of files that loaded all the same
/// (`load_errors`) first, then what the checks find in everything that loaded; and the
/// figures, when they compute.
fn diagnose(
    plan: &Plan,
    load_errors: &[Diagnostic],
    timings: &mut Vec<(&'static str, Duration)>,
) -> (Vec<Diagnostic>, Option<Figures>) {
    let t = Instant::now();
    let mut diags = check::check(plan);
    timings.push(("check", t.elapsed()));
    let t = Instant::now();
    let computed = match figures::compute(plan) {
        Ok(computed) => Some(computed),
        Err(more) => {
            diags.extend(more);
            None
        }
    };
    diags.extend(crate::figures::refs::check(plan, computed.as_ref()));
    let standard = default_standard(plan);
    diags.extend(crate::check::prose::check(
        plan,
        check::prose::Judged::Plan,
        standard.accessible(),
        standard.archival(),
    ));
    diags.extend(documents::check_file_names(plan));
    diags.extend(crate::check::charts::check(plan, computed.as_ref()));
    diags.extend(crate::check::followup::check(plan, computed.as_ref()));
    timings.push(("compute", t.elapsed()));
    (after_mistakes(load_errors, diags), computed)
}

/// The mistakes of files that loaded all the same, then what the later checks found. A file
/// with mistakes was read without them; what the later checks only warn of in it (a value not
/// given yet) may be the mistake read as absent, and waits for its fix. So is an error on the
/// line of a mistake: the mistake is what that line needs fixed.
fn after_mistakes(load_errors: &[Diagnostic], mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
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
    load_errors.iter().cloned().chain(diags).collect()
}

/// Each problem with the document whose file it is in (a report's file is the report's), and
/// the problems of the files that give no report.
fn owned(
    plan: &Plan,
    unloaded: &[content::UnloadedReport],
    diags: Vec<Diagnostic>,
) -> Vec<(Owner, Diagnostic)> {
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
    owned
}

fn has_errors(o: Owner, owned: &[(Owner, Diagnostic)]) -> bool {
    owned.iter().any(|(w, d)| *w == o && d.is_error())
}

/// Each report without errors projected onto the plan (by its index in `plan.reports`), when
/// the projection and what it prints have no errors either; the problems found doing so go to
/// the report.
fn project_sound(
    plan: &Plan,
    computed: &Figures,
    owned: &mut Vec<(Owner, Diagnostic)>,
) -> Vec<(usize, figures::followup::Projection)> {
    let mut projected = Vec::new();
    for (i, report) in plan.reports.iter().enumerate() {
        if has_errors(Owner::Report(i), owned) {
            continue;
        }
        match project_report(plan, computed, report) {
            Ok((p, mut more)) => {
                more.extend(printed_by_report(plan, &p, report));
                let sound = !more.iter().any(Diagnostic::is_error);
                owned.extend(more.into_iter().map(|d| (Owner::Report(i), d)));
                if sound {
                    projected.push((i, p));
                }
            }
            Err(more) => owned.extend(more.into_iter().map(|d| (Owner::Report(i), d))),
        }
    }
    projected
}

/// The problems of a load sorted: those this run judges, and each document's own.
struct Sorted {
    /// The judged errors (every judged problem with `deny_warnings`).
    errors: Vec<Diagnostic>,
    /// The judged warnings.
    warnings: Vec<Diagnostic>,
    own: Own,
}

/// The problems of each report (by its index in `plan.reports`), and of each file that gives
/// no report.
struct Own {
    reports: Vec<Vec<Diagnostic>>,
    unloaded: Vec<Vec<Diagnostic>>,
}

/// What this run judges: the plan's errors always (every report stands on the plan), its
/// warnings when the plan is built or everything is checked; a report's problems when it is
/// built or everything is checked. With `deny_warnings` every judged problem is an error.
fn sort(
    options: &LoadOptions,
    plan: &Plan,
    unloaded: &[content::UnloadedReport],
    owned: Vec<(Owner, Diagnostic)>,
) -> Sorted {
    let id_of = |o: Owner| -> Option<&str> {
        match o {
            Owner::Plan => None,
            Owner::Report(i) => Some(plan.reports[i].value.id.as_str()),
            Owner::Unloaded(i) => unloaded[i].id.as_deref(),
        }
    };
    let judged = |o: Owner, d: &Diagnostic| match o {
        Owner::Plan => options.judges_plan() || d.is_error(),
        _ => options.judges(id_of(o)),
    };
    let mut sorted = Sorted {
        errors: Vec::new(),
        warnings: Vec::new(),
        own: Own {
            reports: vec![Vec::new(); plan.reports.len()],
            unloaded: vec![Vec::new(); unloaded.len()],
        },
    };
    for (o, mut d) in owned {
        if judged(o, &d) {
            if options.deny_warnings {
                d.severity = Severity::Error;
            }
            if d.is_error() {
                sorted.errors.push(d.clone());
            } else {
                sorted.warnings.push(d.clone());
            }
        }
        match o {
            Owner::Plan => {}
            Owner::Report(i) => sorted.own.reports[i].push(d),
            Owner::Unloaded(i) => sorted.own.unloaded[i].push(d),
        }
    }
    sorted
}

/// The sound reports (those projected), each with its own problems; the others, and the
/// files that give no report, as drafts with theirs.
fn reports_and_drafts(
    plan: &Plan,
    unloaded: &[content::UnloadedReport],
    projected: Vec<(usize, figures::followup::Projection)>,
    own: Own,
) -> (Vec<CheckedReport>, Vec<DraftReport>) {
    let mut drafts = Vec::new();
    let mut sound = Vec::new();
    let mut projected = projected.into_iter().peekable();
    for (i, (report, diags)) in plan.reports.iter().zip(own.reports).enumerate() {
        match projected.next_if(|(j, _)| *j == i) {
            Some((_, p)) => sound.push(CheckedReport {
                id: report.value.id.clone(),
                source: report.clone(),
                projection: p,
                warnings: diags,
            }),
            None => drafts.push(DraftReport {
                id: Some(report.value.id.clone()),
                file: report.file.clone(),
                diagnostics: errors_first(diags),
            }),
        }
    }
    for (u, diags) in unloaded.iter().zip(own.unloaded) {
        drafts.push(DraftReport {
            id: u.id.clone(),
            file: u.file.clone(),
            diagnostics: errors_first(diags),
        });
    }
    (sound, drafts)
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
        &figures::refs::Quoting::Report { explain: &explain },
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
    let found: Vec<Diagnostic> =
        check::prose::glyphs(&p.plan, check::prose::Judged::Report, true, |c| {
            !missing.contains(&c)
        })
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
