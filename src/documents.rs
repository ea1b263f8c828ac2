//! The documents made from one plan: the plan itself, each appendix on its own (`--split`),
//! and the decision paper (tjänsteskrivelse) that lists them all with their page counts.
//! Each is its own PDF with its own page numbers, named predictably from the plan's year and
//! nämnd: `2031-kulturnamnden-verksamhetsplan.pdf`, `…-bilaga-1-taxor.pdf`,
//! `…-tjansteskrivelse.pdf`.

use anyhow::Result;
use serde::Serialize;

use crate::content::{DecisionPaper, Plan, PlanMeta};
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
            anyhow::bail!(
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

/// File stem of a document, e.g. `2031-kulturnamnden-verksamhetsplan-bilaga-1-taxor`.
pub fn file_stem(plan: &Plan, doc: &Document) -> String {
    let stem = pipeline::document_stem(plan);
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
            let mut name = format!("{stem}-{}", pipeline::slug(label));
            let short = pipeline::slug(&short);
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
    let view = view::build_scoped(&checked.plan, &checked.computed, redline.copied(), scope);
    let source = ts.renderer().render(&view)?;
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
        anyhow::bail!("the content has no decision paper (tjansteskrivelse.yaml)");
    };
    let p: &DecisionPaper = &paper.value;
    let expand = |s: &str| crate::refs::expand(s, plan, &checked.computed);
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
    };
    let source = ts.renderer().render_named(PAPER_TEMPLATE, &view)?;
    let ident = file_stem(plan, &Document::Paper);
    pipeline::typeset_rendered(checked, source, ts, ident, standard)
}
