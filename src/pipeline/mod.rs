//! The whole pipeline, stage by stage: load → check → compute → render → compile → export.
//! Commands are thin orchestrations over this.

pub mod build;
pub mod documents;
pub mod typesetter;

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

use crate::check;
use crate::content::{self, Plan, Status};
use crate::diag::{Diagnostic, Severity};
use crate::figures::{self, Figures};
use crate::progress::Progress;

pub use documents::document_stem;
pub use typesetter::{
    content_files, default_standard, plan_date, typeset_rendered, Layout, Pdf, Typesetter,
};

/// A loaded, checked and computed plan.
pub struct Checked {
    pub plan: Plan,
    pub computed: Figures,
    /// Problems that do not stop a build.
    pub warnings: Vec<Diagnostic>,
    /// Time taken by loading, checking and computing.
    pub timings: Vec<(&'static str, Duration)>,
    /// The plan's follow-up reports, each projected (`uppfoljning/`).
    pub reports: Vec<CheckedReport>,
}

/// A follow-up report, checked and projected: `checked` is the report as a document (its
/// `plan` the projection, with `projection_of` set; its `computed` the report's figures), which
/// the documents, `diff` and the spreadsheets take as they take a plan.
pub struct CheckedReport {
    pub id: String,
    pub source: content::Sourced<content::FollowUp>,
    pub checked: Checked,
}

impl Checked {
    /// The follow-up report `id` (`--report ID`): a usage error with the id probably meant, or
    /// the reports there are, when the content has no such report.
    pub fn report(&self, id: &str) -> Result<&CheckedReport> {
        if let Some(r) = self.reports.iter().find(|r| r.id == id) {
            return Ok(r);
        }
        let known: Vec<&str> = self.reports.iter().map(|r| r.id.as_str()).collect();
        crate::usage!(
            "--report {id}: there is no such report; {}",
            if known.is_empty() {
                "this content has none (a report is a file in content/uppfoljning/; `vplan report init` writes one)".to_string()
            } else {
                crate::suggest::did_you_mean(id, &known)
                    .unwrap_or_else(|| format!("this content has: {}", known.join(", ")))
            }
        )
    }
}

/// How a plan is loaded and checked.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Warnings are errors.
    pub deny_warnings: bool,
    /// The plan's status for this run (`build --status`), checked like a status in the
    /// content; with `reports`, theirs instead.
    pub status: Option<Status>,
    /// The reports this run builds (`build --report`): `status` applies to them.
    pub reports: Vec<String>,
}

/// Loads a content directory, checks it and computes every figure: the first half of every
/// command. Any error (warnings included when `deny_warnings`) fails with
/// [`Error::Content`](crate::Error::Content) holding every diagnostic found.
pub fn load(content_dir: &Path, options: &LoadOptions, progress: &dyn Progress) -> Result<Checked> {
    let LoadOptions {
        deny_warnings,
        status,
        ref reports,
    } = *options;
    let t = Instant::now();
    let mut plan = content::load(content_dir, progress)?;
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
    let t = Instant::now();
    let mut projected = Vec::new();
    if let Some(computed) = computed
        .as_ref()
        .filter(|_| !diags.iter().any(|d| d.is_error()))
    {
        for report in &plan.reports {
            match figures::followup::project(&plan, computed, report) {
                Ok(p) => {
                    let prose = figures::refs::report_prose(report);
                    // A plan column the report does not follow is not in the report.
                    let explain = |cell: &figures::CellRef| {
                        let own = &plan.tables.get(&cell.table)?.value;
                        let t = &p.plan.tables.get(&cell.table)?.value;
                        let followed = &t
                            .columns
                            .iter()
                            .find(|c| {
                                !figures::followup::RESERVED_COLUMNS.contains(&c.id.as_str())
                            })?
                            .id;
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
                            diags.extend(check::charts::names_its_series(
                                &p.plan,
                                &t.value,
                                &report.file,
                                &format!("tables.{i}.chart"),
                            ));
                            diags.extend(check::charts::check_table(
                                &p.plan,
                                Some(&p.figures),
                                &t.value,
                                &report.file,
                                &format!("tables.{i}.chart"),
                            ));
                        }
                    }
                    projected.push(CheckedReport {
                        id: report.value.id.clone(),
                        source: report.clone(),
                        checked: Checked {
                            plan: p.plan,
                            computed: p.figures,
                            warnings: Vec::new(),
                            timings: Vec::new(),
                            reports: Vec::new(),
                        },
                    });
                }
                Err(more) => diags.extend(more),
            }
        }
    }
    if !plan.reports.is_empty() {
        timings.push(("reports", t.elapsed()));
    }
    if deny_warnings {
        for d in &mut diags {
            d.severity = Severity::Error;
        }
    }
    let (errors, warnings): (Vec<_>, Vec<_>) = diags.into_iter().partition(|d| d.is_error());
    match computed {
        Some(computed) if errors.is_empty() => Ok(Checked {
            plan,
            computed,
            warnings,
            timings,
            reports: projected,
        }),
        _ => {
            let mut all = errors;
            all.extend(warnings);
            Err(Error::Content(all))
        }
    }
}

/// A typeset document.
pub struct Built {
    pub typst_source: String,
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub timings: Vec<(&'static str, Duration)>,
}
