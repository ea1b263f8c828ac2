//! The documents made from one plan: the plan itself, each appendix on its own (`--split`),
//! and the decision paper (tjänsteskrivelse) that lists them all with their page counts.
//! Each is its own PDF with its own page numbers, named predictably from the plan's year and
//! nämnd: `2031-kulturnamnden-verksamhetsplan.pdf`, `…-bilaga-1-taxor.pdf`,
//! `…-tjansteskrivelse.pdf`.

use crate::error::Result;
use serde::Serialize;

use crate::content::{DecisionPaper, Plan, PlanMeta, ValuePath};
use crate::diag::{Code, Diagnostic};
use crate::pipeline::{self, Built, Checked, Typesetter};
use crate::render::view::{self, Redline, Scope, StatusView};
use crate::typeset::Standard;

/// Id of the plan document for `--only`.
pub const PLAN: &str = "plan";
/// Id of the decision paper for `--only`.
pub const PAPER: &str = "tjansteskrivelse";
/// Template of the decision paper.
pub const PAPER_TEMPLATE: &str = "tjansteskrivelse.typ.j2";

/// One document of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Document {
    /// The plan; with `split`, without the appendices that are documents of their own.
    Plan { split: bool },
    /// One appendix, by id, with its own cover.
    Appendix(String),
    /// The decision paper.
    Paper,
}

/// The appendices published as documents of their own with `--split`: `decision.bilagor`,
/// or every appendix.
pub fn separate_appendices(plan: &Plan) -> Vec<String> {
    if plan.projection_of.is_some() {
        return Vec::new(); // a report has no appendices
    }
    match plan
        .meta
        .value
        .decision
        .as_ref()
        .and_then(|d| d.bilagor.clone())
    {
        Some(ids) => ids,
        None => plan.appendices.iter().map(|a| a.value.id.clone()).collect(),
    }
}

/// The ids `--only` accepts for this plan.
pub fn ids(plan: &Plan) -> Vec<String> {
    let mut out = vec![PLAN.to_string()];
    out.extend(separate_appendices(plan));
    if plan.paper.is_some() {
        out.push(PAPER.to_string());
    }
    out
}

/// The documents to build: the whole plan by default; with `split`, the plan, each appendix
/// and the decision paper (when the content has one); with `only`, just those named.
pub fn select(plan: &Plan, split: bool, only: &[String]) -> Result<Vec<Document>> {
    if only.is_empty() {
        if !split {
            return Ok(vec![Document::Plan { split: false }]);
        }
        let mut docs = vec![Document::Plan { split: true }];
        docs.extend(
            separate_appendices(plan)
                .into_iter()
                .map(Document::Appendix),
        );
        if plan.paper.is_some() {
            docs.push(Document::Paper);
        }
        return Ok(docs);
    }
    let known = ids(plan);
    let mut docs = Vec::new();
    for id in only {
        let doc = if id == PLAN {
            Document::Plan { split: true }
        } else if id == PAPER && plan.paper.is_some() {
            Document::Paper
        } else if known.contains(id) {
            Document::Appendix(id.clone())
        } else {
            crate::usage!(
                "--only {id}: there is no such document; this plan has: {}{}",
                known.join(", "),
                if id == PAPER {
                    " (a decision paper needs content/tjansteskrivelse.yaml)"
                } else {
                    ""
                }
            );
        };
        if !docs.contains(&doc) {
            docs.push(doc);
        }
    }
    Ok(docs)
}

/// Longest slug of a nämnd's name in a file name.
pub const MAX_NAMND_SLUG: usize = 60;

/// File stem of the plan's PDF, e.g. `2031-kulturnamnden-verksamhetsplan`. A very long nämnd
/// name is shortened ([`crate::content::slug::short_slug`]), so every file name stays far below the 255 bytes a
/// file system allows.
pub fn document_stem(plan: &Plan) -> String {
    let meta = &plan.meta.value;
    let word = match plan
        .projection_of
        .as_ref()
        .and_then(|_| plan.reports.first())
    {
        Some(report) => report.value.file_word(),
        None => "verksamhetsplan".to_string(),
    };
    format!(
        "{}-{}-{word}",
        meta.year,
        crate::content::slug::short_slug(&meta.namnd, MAX_NAMND_SLUG)
    )
}

/// Longest slug of an appendix's label or short title in a file name.
pub const MAX_PART_SLUG: usize = 40;

/// File names that `build --split` would write twice: two appendices (or an appendix and the
/// decision paper) whose names map to the same file name, or an appendix listed twice in
/// `decision.bilagor`. Each is an error at the second appendix, naming both files; without
/// it the second document would silently overwrite the first.
pub fn check_file_names(plan: &Plan) -> Vec<Diagnostic> {
    let Ok(docs) = select(plan, true, &[]) else {
        return Vec::new();
    };
    let mut diags = report_file_names(plan);
    let mut seen: Vec<(String, &Document)> = Vec::new();
    for doc in &docs {
        let name = format!("{}.pdf", file_stem(plan, doc));
        let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) else {
            seen.push((name, doc));
            continue;
        };
        let source = |d: &Document| match d {
            Document::Appendix(id) => plan.appendices.iter().find(|a| a.value.id == *id),
            _ => None,
        };
        // The decision paper comes last: an appendix named like it is reported at its label.
        let (second, first_source) = match (source(doc), source(first)) {
            (Some(second), first_source) => (second, first_source),
            (None, Some(appendix)) if *doc == Document::Paper => (appendix, None),
            _ => continue,
        };
        let message = match (first, first_source) {
            (Document::Appendix(a), _) if *doc == **first => format!(
                "decision.bilagor lists the appendix `{a}` twice: `build --split` would write {name} twice"
            ),
            (_, Some(f)) => format!(
                "appendices `{}` ({}) and `{}` ({}) would both be written as {name} by `build --split`: the second would overwrite the first",
                f.value.id,
                f.file.display(),
                second.value.id,
                second.file.display()
            ),
            _ => format!(
                "appendix `{}` ({}) would be written as {name} by `build --split`, the file name of the decision paper",
                second.value.id,
                second.file.display()
            ),
        };
        let (file, path, hint) = if *doc == **first {
            (
                plan.meta.file.as_path(),
                ValuePath::of("decision").key("bilagor"),
                "list each appendix once",
            )
        } else {
            (
                second.file.as_path(),
                ValuePath::of("label"),
                "give one of them another `label` or a `short_title` (the file name is made of the two)",
            )
        };
        diags.push(
            Diagnostic::error(Code::FileName, file, message)
                .at_pos(plan.pos(file, &path))
                .with_hint(hint),
        );
    }
    diags
}

/// Two reports that `build --report` would write under one file name (two delårsrapporter
/// of one year, two tertial reports ending in the same tertial): an error at the second.
fn report_file_names(plan: &Plan) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut seen: Vec<(String, &std::path::Path)> = Vec::new();
    for report in &plan.reports {
        let word = report.value.file_word();
        if let Some((_, first)) = seen.iter().find(|(w, _)| *w == word) {
            diags.push(
                Diagnostic::error(
                    Code::FileName,
                    &report.file,
                    format!(
                        "this report and {} would both be written as {}-…-{word}.pdf",
                        first.display(),
                        plan.meta.value.year
                    ),
                )
                .at_pos(plan.pos(&report.file, &ValuePath::of("kind")))
                .with_hint("a year has one report of each period: check `kind` and `period_end` of this report"),
            );
        } else {
            seen.push((word, &report.file));
        }
    }
    diags
}

/// File stem of a document, e.g. `2031-kulturnamnden-verksamhetsplan-bilaga-1-taxor`.
pub fn file_stem(plan: &Plan, doc: &Document) -> String {
    let stem = document_stem(plan);
    match doc {
        Document::Plan { .. } => stem,
        Document::Appendix(id) => {
            let a = plan.appendices.iter().find(|a| a.value.id == *id);
            let (label, short) = match a {
                Some(a) => (
                    a.value.label.as_str(),
                    a.value
                        .short_title
                        .clone()
                        .unwrap_or_else(|| first_word(&a.value.title)),
                ),
                None => (id.as_str(), String::new()),
            };
            let mut name = format!(
                "{stem}-{}",
                crate::content::slug::short_slug(label, MAX_PART_SLUG)
            );
            let short = crate::content::slug::short_slug(&short, MAX_PART_SLUG);
            if !short.is_empty() && short != "plan" {
                name.push('-');
                name.push_str(&short);
            }
            name
        }
        Document::Paper => format!("{stem}-{PAPER}"),
    }
}

fn first_word(title: &str) -> String {
    title.split_whitespace().next().unwrap_or("").to_string()
}

/// The title of a document as listed among the beslutsunderlag.
pub fn title(plan: &Plan, doc: &Document) -> String {
    let meta = &plan.meta.value;
    match doc {
        Document::Plan { .. } => meta.title.clone(),
        Document::Appendix(id) => match plan.appendices.iter().find(|a| a.value.id == *id) {
            Some(a) => format!("{}: {}", a.value.label, a.value.title),
            None => id.clone(),
        },
        Document::Paper => "Tjänsteskrivelse".to_string(),
    }
}

/// Typesets documents; the decision paper comes last, with the page counts of the plan and its
/// appendices (typeset for it when they are not among `docs`).
pub fn typeset_all(
    checked: &Checked,
    ts: &mut Typesetter,
    docs: &[Document],
    redline: Option<&Redline<'_>>,
    standard: Standard,
) -> Result<Vec<(Document, Built)>> {
    let mut out: Vec<(Document, Built)> = Vec::new();
    for doc in docs.iter().filter(|d| **d != Document::Paper) {
        let built = typeset_one(checked, ts, doc, redline, standard)?;
        out.push((doc.clone(), built));
    }
    if docs.contains(&Document::Paper) {
        let mut parts = vec![Document::Plan { split: true }];
        parts.extend(
            separate_appendices(&checked.plan)
                .into_iter()
                .map(Document::Appendix),
        );
        let mut listed = Vec::new();
        for part in parts {
            let pages = match out.iter().find(|(d, _)| *d == part) {
                Some((_, built)) => built.pages,
                None => typeset_one(checked, ts, &part, None, standard)?.pages,
            };
            listed.push(Listed {
                title: title(&checked.plan, &part),
                file: format!("{}.pdf", file_stem(&checked.plan, &part)),
                pages,
            });
        }
        let built = typeset_paper(checked, ts, &listed, standard)?;
        out.push((Document::Paper, built));
    }
    Ok(out)
}

/// `check` with a project's own templates: every document (the plan, each appendix built
/// apart, the decision paper, each sound report) rendered and typeset, nothing written, so that
/// what the changed templates make `build` reject is reported by `check` first; with `reports`
/// (`check --report`), only those reports' documents. Returns the number typeset.
pub fn typeset_to_check(
    checked: &Checked,
    ts: &mut Typesetter,
    reports: &[String],
) -> Result<usize> {
    let mut n = 0;
    let documents: Vec<&Checked> = if reports.is_empty() {
        std::iter::once(checked)
            .chain(checked.reports.iter().map(|r| &r.checked))
            .collect()
    } else {
        let mut out = Vec::new();
        for id in reports {
            out.push(&checked.report(id)?.checked);
        }
        out
    };
    for c in documents {
        let docs = select(&c.plan, true, &[])?;
        let standard = super::default_standard(&c.plan);
        n += typeset_all(c, ts, &docs, None, standard)?.len();
    }
    Ok(n)
}

/// The Typst source of the plan (or the part `scope` says), rendered with the typesetter's
/// templates exactly as a build renders it.
pub fn typst_source(
    checked: &Checked,
    ts: &Typesetter,
    scope: Scope<'_>,
    redline: Option<&Redline<'_>>,
) -> Result<String> {
    let view = view::build_scoped(&checked.plan, &checked.computed, redline.copied(), scope);
    ts.renderer().render(&view)
}

/// Typesets the plan or one appendix.
fn typeset_one(
    checked: &Checked,
    ts: &mut Typesetter,
    doc: &Document,
    redline: Option<&Redline<'_>>,
    standard: Standard,
) -> Result<Built> {
    let separate = separate_appendices(&checked.plan);
    let scope = match doc {
        Document::Plan { split: false } => Scope::Whole,
        Document::Plan { split: true } => Scope::Without(&separate),
        Document::Appendix(id) => Scope::Appendix(id),
        Document::Paper => unreachable!("the decision paper is typeset by typeset_paper"),
    };
    let t = std::time::Instant::now();
    let source = match checked.plan.reports.first() {
        Some(report) if checked.plan.projection_of.is_some() => {
            let view = crate::render::followup::view(&checked.plan, &checked.computed, report);
            ts.renderer().render(&view)?
        }
        _ => typst_source(checked, ts, scope, redline)?,
    };
    let render = t.elapsed();
    let ident = file_stem(&checked.plan, doc);
    let mut built = pipeline::typeset_rendered(checked, source, ts, ident, standard)?;
    built.timings.insert(0, ("render", render));
    Ok(built)
}

/// A document listed among the decision paper's beslutsunderlag.
#[derive(Debug, Serialize)]
pub struct Listed {
    pub title: String,
    pub file: String,
    pub pages: usize,
}

/// What the decision paper template sees.
#[derive(Debug, Serialize)]
struct PaperView<'a> {
    plan: &'a PlanMeta,
    status: Option<StatusView>,
    paper: PaperText<'a>,
    /// The plan and its appendices with their page counts.
    documents: &'a [Listed],
    /// Source markers of the paper's parts (`document`, `sammanfattning`, …).
    origins: std::collections::BTreeMap<&'static str, String>,
}

/// The decision paper's texts with their figure references replaced.
#[derive(Debug, Serialize)]
struct PaperText<'a> {
    rubrik: String,
    avsandare: Option<&'a str>,
    datum: Option<&'a str>,
    sammanfattning: String,
    arendebeskrivning: Option<String>,
    forslag_till_beslut: Vec<String>,
    underskrifter: &'a [crate::content::Signatory],
    skickas_till: &'a [String],
}

fn typeset_paper(
    checked: &Checked,
    ts: &mut Typesetter,
    documents: &[Listed],
    standard: Standard,
) -> Result<Built> {
    let plan = &checked.plan;
    let Some(paper) = &plan.paper else {
        crate::usage!("the content has no decision paper (tjansteskrivelse.yaml)");
    };
    let p: &DecisionPaper = &paper.value;
    let expand = |s: &str| crate::figures::refs::expand(s, plan, &checked.computed);
    let meta = &plan.meta.value;
    let view = PaperView {
        plan: meta,
        status: view::status_view(plan),
        paper: PaperText {
            rubrik: p
                .rubrik
                .clone()
                .or_else(|| meta.decision.as_ref().and_then(|d| d.arende.clone()))
                .unwrap_or_else(|| meta.title.clone()),
            avsandare: p.avsandare.as_deref(),
            datum: p.datum.as_deref(),
            sammanfattning: expand(&p.sammanfattning),
            arendebeskrivning: p.arendebeskrivning.as_deref().map(expand),
            forslag_till_beslut: p.forslag_till_beslut.iter().map(|s| expand(s)).collect(),
            underskrifter: &p.underskrifter,
            skickas_till: &p.skickas_till,
        },
        documents,
        origins: [
            "",
            "sammanfattning",
            "arendebeskrivning",
            "forslag_till_beslut",
        ]
        .into_iter()
        .map(|path| {
            let key = if path.is_empty() { "document" } else { path };
            // A report's paper is its `tjansteskrivelse:`.
            let path = match (&plan.projection_of, path) {
                (None, "") => ValuePath::ROOT,
                (None, p) => ValuePath::of(p),
                (Some(_), "") => ValuePath::of("tjansteskrivelse"),
                (Some(_), p) => ValuePath::of("tjansteskrivelse").key(p),
            };
            let root = view::content_root(plan);
            (
                key,
                crate::diag::origin::origin(root, &paper.file, path.as_str()),
            )
        })
        .collect(),
    };
    let source = ts.renderer().render_named(PAPER_TEMPLATE, &view)?;
    let ident = file_stem(plan, &Document::Paper);
    pipeline::typeset_rendered(checked, source, ts, ident, standard)
}
