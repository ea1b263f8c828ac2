//! The documents made from one plan: the plan itself, each appendix on its own (`--split`),
//! and the decision paper (tjänsteskrivelse) that lists them all with their page counts.
//! Each is its own PDF with its own page numbers, named predictably from the plan's year and
//! nämnd: `2031-kulturnamnden-verksamhetsplan.pdf`, `…-bilaga-1-taxor.pdf`,
//! `…-tjansteskrivelse.pdf`.

use crate::error::Result;
use serde::Serialize;

use super::subject::{document_stem, Subject};
use super::typesetter::{compile_rendered, default_standard, typeset_rendered, Built, Typesetter};
use crate::content::{DecisionPaper, Plan, ValuePath};
use crate::diag::{Code, Diagnostic};
use crate::render::view::{self, Scope, StatusView};
use crate::typeset::{PagedDocument, Standard};

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

/// The appendices of the plan published as documents of their own with `--split`:
/// `decision.bilagor`, or every appendix.
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

/// The appendices of a subject published as documents of their own with `--split`: the
/// plan's ([`separate_appendices`]); a report has none.
fn appendices(subject: Subject<'_>) -> Vec<String> {
    match subject {
        Subject::Plan { .. } | Subject::Redline { .. } => separate_appendices(subject.model()),
        Subject::Report { .. } => Vec::new(),
    }
}

/// The ids `--only` accepts for this plan.
pub fn ids(plan: &Plan) -> Vec<String> {
    ids_of(&separate_appendices(plan), plan.paper.is_some())
}

fn ids_of(appendices: &[String], paper: bool) -> Vec<String> {
    let mut out = vec![PLAN.to_string()];
    out.extend(appendices.iter().cloned());
    if paper {
        out.push(PAPER.to_string());
    }
    out
}

/// The plan's documents to build: the whole plan by default; with `split`, the plan, each
/// appendix and the decision paper (when the content has one); with `only`, just those named.
pub fn select(plan: &Plan, split: bool, only: &[String]) -> Result<Vec<Document>> {
    select_among(separate_appendices(plan), plan.paper.is_some(), split, only)
}

/// A subject's documents to build, as [`select`] chooses the plan's: a report's are the
/// report and, with `split`, its decision paper (when it has one).
pub fn select_for(subject: Subject<'_>, split: bool, only: &[String]) -> Result<Vec<Document>> {
    let paper = subject.model().paper.is_some();
    select_among(appendices(subject), paper, split, only)
}

fn select_among(
    appendices: Vec<String>,
    paper: bool,
    split: bool,
    only: &[String],
) -> Result<Vec<Document>> {
    if only.is_empty() {
        if !split {
            return Ok(vec![Document::Plan { split: false }]);
        }
        let mut docs = vec![Document::Plan { split: true }];
        docs.extend(appendices.into_iter().map(Document::Appendix));
        if paper {
            docs.push(Document::Paper);
        }
        return Ok(docs);
    }
    let known = ids_of(&appendices, paper);
    let mut docs = Vec::new();
    for id in only {
        let doc = if id == PLAN {
            Document::Plan { split: true }
        } else if id == PAPER && paper {
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
        let name = format!("{}.pdf", stem_of(document_stem(plan), plan, doc));
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

/// File stem of a document of a subject, e.g.
/// `2031-kulturnamnden-verksamhetsplan-bilaga-1-taxor`.
pub fn file_stem(subject: Subject<'_>, doc: &Document) -> String {
    stem_of(subject.stem(), subject.model(), doc)
}

/// File stem of a document of `plan` whose main document is named `stem`.
fn stem_of(stem: String, plan: &Plan, doc: &Document) -> String {
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

/// Typesets a subject's documents; the decision paper comes last, with the page counts of the
/// plan and its appendices (typeset for it when they are not among `docs`).
pub fn typeset_all(
    subject: Subject<'_>,
    ts: &mut Typesetter,
    docs: &[Document],
    standard: Standard,
) -> Result<Vec<(Document, Built)>> {
    let mut out: Vec<(Document, Built)> = Vec::new();
    for doc in docs.iter().filter(|d| **d != Document::Paper) {
        let built = typeset_one(subject, ts, doc, standard)?;
        out.push((doc.clone(), built));
    }
    if docs.contains(&Document::Paper) {
        let mut parts = vec![Document::Plan { split: true }];
        parts.extend(appendices(subject).into_iter().map(Document::Appendix));
        // A part typeset only for its page count is the marked plan without its marks drawn.
        let counted = match subject {
            Subject::Redline { marked, figures } => Subject::Plan {
                plan: &marked.plan,
                figures,
            },
            Subject::Plan { .. } | Subject::Report { .. } => subject,
        };
        let mut listed = Vec::new();
        for part in parts {
            let pages = match out.iter().find(|(d, _)| *d == part) {
                Some((_, built)) => built.pages,
                None => typeset_one(counted, ts, &part, standard)?.pages,
            };
            listed.push(Listed {
                title: title(subject.model(), &part),
                file: format!("{}.pdf", file_stem(subject, &part)),
                pages,
            });
        }
        let built = typeset_paper(subject, ts, &listed, standard)?;
        out.push((Document::Paper, built));
    }
    Ok(out)
}

/// `check` with a project's own templates: every document of these subjects (the plan, each
/// appendix built apart, the decision paper; each report's) rendered and typeset, nothing
/// written, so that what the changed templates make `build` reject is reported by `check`
/// first ([`crate::pipeline::Checked::subjects`] gives the subjects of a `check`). Returns the
/// number typeset.
pub fn typeset_to_check(subjects: &[Subject<'_>], ts: &mut Typesetter) -> Result<usize> {
    let mut n = 0;
    for &subject in subjects {
        let docs = select_for(subject, true, &[])?;
        let standard = default_standard(subject.model());
        n += typeset_all(subject, ts, &docs, standard)?.len();
    }
    Ok(n)
}

/// The Typst source of a subject's document (for the plan, the part `scope` says; a report is
/// one document), rendered with the typesetter's templates exactly as a build renders it.
pub fn typst_source(subject: Subject<'_>, ts: &Typesetter, scope: Scope<'_>) -> Result<String> {
    match subject {
        Subject::Plan { .. } | Subject::Redline { .. } => {
            let view =
                view::build_scoped(subject.model(), subject.figures(), subject.marks(), scope);
            ts.renderer().render(&view)
        }
        Subject::Report { report, projection } => {
            let view = crate::render::followup::view(&projection.plan, &projection.figures, report);
            ts.renderer().render(&view)
        }
    }
}

/// A subject's whole document (the plan with its appendices, or the report) rendered and
/// compiled into pages as a build typesets it, but not exported: what `vplan preview` draws.
/// Returns the pages and the world they were compiled in ([`Typesetter::world`]).
pub fn compile_whole(subject: Subject<'_>, ts: &mut Typesetter) -> Result<(PagedDocument, String)> {
    let source = typst_source(subject, ts, Scope::Whole)?;
    let ident = file_stem(subject, &Document::Plan { split: false });
    let compiled = compile_rendered(subject.model(), source, ts, ident)?;
    Ok((compiled.doc, compiled.world))
}

/// Typesets the plan (or the report) or one appendix.
fn typeset_one(
    subject: Subject<'_>,
    ts: &mut Typesetter,
    doc: &Document,
    standard: Standard,
) -> Result<Built> {
    let separate = appendices(subject);
    let scope = match doc {
        Document::Plan { split: false } => Scope::Whole,
        Document::Plan { split: true } => Scope::Without(&separate),
        Document::Appendix(id) => Scope::Appendix(id),
        Document::Paper => unreachable!("the decision paper is typeset by typeset_paper"),
    };
    let t = std::time::Instant::now();
    let source = typst_source(subject, ts, scope)?;
    let render = t.elapsed();
    let ident = file_stem(subject, doc);
    let mut built = typeset_rendered(subject.model(), source, ts, ident, standard)?;
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
    plan: crate::render::parts::PlanMetaView<'a>,
    status: Option<StatusView>,
    paper: PaperText<'a>,
    /// The plan and its appendices with their page counts.
    documents: &'a [Listed],
    /// Source markers of the paper's parts (`document`, `sammanfattning`, …).
    origins: std::collections::BTreeMap<&'static str, String>,
}

impl crate::render::TemplateContext for PaperView<'_> {}

/// The decision paper's texts with their figure references replaced.
#[derive(Debug, Serialize)]
struct PaperText<'a> {
    rubrik: String,
    avsandare: Option<&'a str>,
    datum: Option<&'a str>,
    sammanfattning: String,
    arendebeskrivning: Option<String>,
    forslag_till_beslut: Vec<String>,
    underskrifter: Vec<crate::render::parts::SignatoryView<'a>>,
    skickas_till: &'a [String],
}

fn typeset_paper(
    subject: Subject<'_>,
    ts: &mut Typesetter,
    documents: &[Listed],
    standard: Standard,
) -> Result<Built> {
    let plan = subject.model();
    let Some(paper) = &plan.paper else {
        crate::usage!("the content has no decision paper (tjansteskrivelse.yaml)");
    };
    let p: &DecisionPaper = &paper.value;
    let expand = |s: &str| crate::figures::refs::expand(s, plan, subject.figures());
    let meta = &plan.meta.value;
    let view = PaperView {
        plan: meta.into(),
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
            underskrifter: p.underskrifter.iter().map(Into::into).collect(),
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
            let path = match (subject, path) {
                (Subject::Plan { .. } | Subject::Redline { .. }, "") => ValuePath::ROOT,
                (Subject::Plan { .. } | Subject::Redline { .. }, p) => ValuePath::of(p),
                (Subject::Report { .. }, "") => ValuePath::of("tjansteskrivelse"),
                (Subject::Report { .. }, p) => ValuePath::of("tjansteskrivelse").key(p),
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
    let ident = file_stem(subject, &Document::Paper);
    typeset_rendered(plan, source, ts, ident, standard)
}
