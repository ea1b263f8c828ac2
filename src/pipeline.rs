//! The whole pipeline, stage by stage: load → check → compute → render → compile → export.
//! Commands are thin orchestrations over this.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use typst::foundations::Datetime;

use crate::check;
use crate::content::{self, Plan, Status};
use crate::diag::{ContentError, Diagnostic, Severity};
use crate::figures::{self, Figures};
use crate::progress::Progress;
use crate::render::{self, Renderer};

use crate::typeset::{self, ExportOptions, Standard, Worlds};

/// A loaded, checked and computed plan.
pub struct Checked {
    pub plan: Plan,
    pub computed: Figures,
    /// Problems that do not stop a build.
    pub warnings: Vec<Diagnostic>,
    /// Time taken by loading, checking and computing.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Loads a content directory, checks it and computes every figure. Any error (warnings
/// included when `deny_warnings`) fails with a [`ContentError`] holding every diagnostic.
pub fn load_and_compute(content_dir: &Path, progress: &Progress) -> Result<Checked> {
    load_checked(content_dir, progress, false)
}

/// [`load_and_compute`], with warnings turned into errors when `deny_warnings`.
pub fn load_checked(
    content_dir: &Path,
    progress: &Progress,
    deny_warnings: bool,
) -> Result<Checked> {
    load_checked_as(content_dir, progress, deny_warnings, None)
}

/// [`load_checked`] with the plan's status overridden for this run (`build --status`); the
/// override is checked like a status in the content.
pub fn load_checked_as(
    content_dir: &Path,
    progress: &Progress,
    deny_warnings: bool,
    status: Option<Status>,
) -> Result<Checked> {
    let t = Instant::now();
    let mut plan = content::load(content_dir, progress)?;
    let mut timings = vec![("load", t.elapsed())];
    if let Some(status) = status {
        plan.meta
            .value
            .decision
            .get_or_insert_with(Default::default)
            .status = status;
    }
    let t = Instant::now();
    let mut diags = check::check(&plan);
    timings.push(("check", t.elapsed()));
    let t = Instant::now();
    let computed = match figures::compute(&plan) {
        Ok(computed) => Some(computed),
        Err(ContentError(more)) => {
            diags.extend(more);
            None
        }
    };
    diags.extend(crate::refs::check(&plan, computed.as_ref()));
    diags.extend(crate::charts::check(&plan, computed.as_ref()));
    diags.extend(crate::glyphs::check(
        &plan,
        default_standard(&plan) != Standard::None,
    ));
    timings.push(("compute", t.elapsed()));
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
        }),
        _ => {
            let mut all = errors;
            all.extend(warnings);
            Err(ContentError(all).into())
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

/// Renders a checked plan into Typst source with the templates of a directory.
pub fn render_typst(checked: &Checked, templates_dir: &Path) -> Result<String> {
    let view = render::view::build(&checked.plan, &checked.computed);
    Renderer::new(templates_dir)?.render(&view)
}

/// The standards a plan is exported to unless told otherwise: PDF/A-2b and PDF/UA-1 for a
/// decided plan (archived and published), plain tagged PDF for drafts and proposals.
pub fn default_standard(plan: &Plan) -> Standard {
    match &plan.meta.value.decision {
        Some(d) if d.status == Status::Beslutad => Standard::A2bUa1,
        _ => Standard::None,
    }
}

/// Compiles and exports Typst source rendered from a checked plan; `ident` names the document
/// (its PDF identifier, and its world in the typesetter).
pub fn typeset_rendered(
    checked: &Checked,
    typst_source: String,
    ts: &mut Typesetter,
    ident: String,
    standard: Standard,
) -> Result<Built> {
    let date = plan_date(&checked.plan)?;
    let pdf = ts.typeset(
        typst_source.clone(),
        ExportOptions {
            ident,
            timestamp: date,
            standard,
        },
    )?;
    Ok(Built {
        typst_source,
        pages: pdf.pages,
        pdf: pdf.bytes,
        timings: pdf.timings,
    })
}

/// The templates directory made ready for Typst: its static files read, and one long-lived
/// Typst world per document, so that a rebuild in the same process is incremental.
pub struct Typesetter {
    templates_dir: std::path::PathBuf,
    /// The minijinja environment; it keeps each template parsed once it has been used.
    renderer: Renderer,
    assets: Vec<(String, Vec<u8>)>,
    worlds: Worlds,
    /// Every compiled document's layout, by ident, when asked for (tests that look at where
    /// text lands on the page).
    layouts: Option<Vec<(String, typst_layout::PagedDocument)>>,
}

impl Typesetter {
    pub fn new(templates_dir: &Path) -> Result<Self> {
        Ok(Typesetter {
            templates_dir: templates_dir.to_path_buf(),
            renderer: Renderer::new(templates_dir)?,
            assets: render::read_assets(templates_dir)?,
            worlds: Worlds::default(),
            layouts: None,
        })
    }

    /// Keeps the layout of every document compiled from now on, for [`Self::take_layouts`].
    #[doc(hidden)]
    pub fn keep_layouts(&mut self) {
        self.layouts = Some(Vec::new());
    }

    /// The layouts kept since [`Self::keep_layouts`]: `(document ident, pages)`.
    #[doc(hidden)]
    pub fn take_layouts(&mut self) -> Vec<(String, typst_layout::PagedDocument)> {
        self.layouts
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    pub fn templates_dir(&self) -> &Path {
        &self.templates_dir
    }

    /// A minijinja renderer over the templates directory (templates are read as rendered).
    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    /// Reads the templates and static files of the templates directory again (after a
    /// template changed).
    pub fn reload(&mut self) -> Result<()> {
        self.renderer = Renderer::new(&self.templates_dir)?;
        self.assets = render::read_assets(&self.templates_dir)?;
        Ok(())
    }

    /// Compiles Typst source and exports a PDF, in the world of the document `options.ident`.
    pub fn typeset(&mut self, typst_source: String, options: ExportOptions) -> Result<Pdf> {
        let mut timings = Vec::new();
        let t = Instant::now();
        let world = self.worlds.get(
            &options.ident,
            typst_source,
            &self.templates_dir,
            &self.assets,
            options.timestamp,
        )?;
        let doc = typeset::compile(world)?;
        timings.push(("compile", t.elapsed()));
        if let Some(layouts) = &mut self.layouts {
            layouts.push((options.ident.clone(), doc.clone()));
        }
        let t = Instant::now();
        let pdf = typeset::export_pdf(world, &doc, &options)?;
        timings.push(("export", t.elapsed()));
        Ok(Pdf {
            bytes: pdf,
            pages: doc.pages().len(),
            timings,
        })
    }
}

/// The PDF date of a plan: its decision date, or `SOURCE_DATE_EPOCH`.
pub fn plan_date(plan: &Plan) -> Result<Datetime> {
    let meta = &plan.meta;
    creation_date(&meta.value.decision_date).ok_or_else(|| {
        ContentError(vec![Diagnostic::error(
            &meta.file,
            format!(
                "decision_date `{}` is not a date of the form YYYY-MM-DD",
                meta.value.decision_date
            ),
        )])
        .into()
    })
}

/// A compiled and exported PDF.
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
    pub timings: Vec<(&'static str, Duration)>,
}

/// The creation date of the PDF: `SOURCE_DATE_EPOCH` when set (reproducible builds), else the
/// plan's decision date.
fn creation_date(decision_date: &str) -> Option<Datetime> {
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
    {
        let days = epoch.div_euclid(86_400);
        let secs = epoch.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        return Datetime::from_ymd_hms(
            y,
            m,
            d,
            (secs / 3600) as u8,
            (secs % 3600 / 60) as u8,
            (secs % 60) as u8,
        );
    }
    let mut parts = decision_date.trim().splitn(3, '-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    Datetime::from_ymd_hms(y, m, d, 12, 0, 0)
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    ((if m <= 2 { y + 1 } else { y }) as i32, m as u8, d as u8)
}

/// File stem of the plan's PDF, e.g. `2031-kulturnamnden-verksamhetsplan`.
pub fn document_stem(plan: &Plan) -> String {
    let meta = &plan.meta.value;
    format!("{}-{}-verksamhetsplan", meta.year, slug(&meta.namnd))
}

/// A file-name-safe ASCII slug: `Kulturnämnden` → `kulturnamnden`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for ch in text.to_lowercase().chars() {
        let mapped = match ch {
            'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if mapped == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(mapped);
    }
    // File names stay far below the 255 bytes a file system allows, whatever the name: a
    // long slug is cut at a word boundary.
    if out.len() > SLUG_MAX {
        out.truncate(SLUG_MAX);
        if let Some(cut) = out.rfind('-').filter(|&i| i >= SLUG_MAX / 2) {
            out.truncate(cut);
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("plan");
    }
    out
}

/// Longest slug (ASCII), so that a document's file name (year, nämnd, label, short title,
/// `-redline.pdf`) stays below 255 bytes.
const SLUG_MAX: usize = 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Kulturnämnden"), "kulturnamnden");
        assert_eq!(slug("Nämnden för Öst & Väst"), "namnden-for-ost-vast");
        assert_eq!(slug("!!!"), "plan");
        let long = slug(&"Nämnden för långa namn ".repeat(20));
        assert!(long.len() <= SLUG_MAX && long.starts_with("namnden-for-langa-namn-"));
        assert!(!long.ends_with('-'));
        assert_eq!(slug(&"x".repeat(300)).len(), SLUG_MAX);
    }

    #[test]
    fn epoch_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_682), (2023, 11, 21));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
