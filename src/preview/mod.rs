//! `vplan preview`: the document in the browser while it is written. A [`Session`] keeps the
//! last good build of one subject — the plan, a follow-up report or the redline — as pages
//! drawn from the same Typst layout a build exports (`typeset::draw`), rebuilds it incrementally
//! after every change (the typesetter's long-lived world: Typst reuses what an edit did not
//! touch), and draws again only the pages whose layout changed. It answers what a point of a
//! page comes from (`typeset::click`: Typst's click to source and vplan's source markers) and, for a
//! figure, how it was computed. `server.rs` serves it over HTTP and WebSocket on loopback;
//! `watch.rs` tells it when a file changed; `bench.rs` measures it (`vplan bench --preview`).
//!
//! A feature: it uses the pipeline and the stages, never another feature. What it needs from
//! one (the redline's marks, from `diff`) the command line passes in, as `build --redline`
//! does ([`Mark`]).

mod assets;
pub mod bench;
pub mod server;
pub mod watch;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::content::{Plan, ValuePath};
use crate::diag::{Code, Diagnostic, Severity};
use crate::error::{Error, Result};
use crate::figures::CellRef;
use crate::pipeline::subject::Marked;
use crate::pipeline::{self, explain, Checked, LoadOptions, Subject, Typesetter};
use crate::progress::Silent;
use crate::typeset::click::{self, Clicked};
use crate::typeset::draw::{self, Drawn};
use crate::typeset::PagedDocument;

/// Makes the redline's marks for a checked plan (`--redline REV`), or none.
pub type Mark = dyn Fn(&Checked) -> Result<Option<Marked>> + Send;

/// What a preview shows and how it links to an editor.
pub struct Options {
    /// How the content is loaded and judged (`--status`, the reports to check).
    pub load: LoadOptions,
    /// The follow-up report shown instead of the plan (`--report ID`).
    pub report: Option<String>,
    /// The link that opens a file at a line in the editor: `{path}`, `{line}` and `{column}`
    /// are replaced (the path absolute and percent-encoded).
    pub editor: String,
}

/// The editor link of VS Code, the default of `--editor`.
pub const VSCODE: &str = "vscode://file/{path}:{line}:{column}";

/// Compiles a memoized result may go unused before it is evicted (as `vplan watch`).
const EVICT_AFTER: usize = 10;

/// A preview between rebuilds.
pub struct Session {
    content: PathBuf,
    options: Options,
    mark: Box<Mark>,
    ts: Typesetter,
    shown: Option<Shown>,
    /// The errors of the last rebuild (none when it succeeded).
    errors: Vec<Diagnostic>,
    /// Counts the states shown: every rebuild that changed pages or errors.
    version: u64,
    /// The phases of the last rebuild and their times (load, compile, draw).
    timings: Vec<(&'static str, Duration)>,
}

/// The last good build: the loaded plan (for derivations and positions), the pages and their
/// drawings.
struct Shown {
    checked: Checked,
    marked: Option<Marked>,
    /// The document's world in the typesetter.
    ident: String,
    doc: PagedDocument,
    pages: Vec<Drawn>,
}

/// What a rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuilt {
    /// The pages (0-based) drawn again, and the number of pages; also after errors were fixed
    /// (then possibly no page changed).
    Pages { changed: Vec<usize>, count: usize },
    /// The content has errors ([`Session::errors`]); the last good pages stay.
    Failed,
    /// Nothing anyone sees changed.
    Same,
}

impl Session {
    /// A session over the content directory `content`, built once.
    pub fn start(content: &Path, options: Options, mark: Box<Mark>, ts: Typesetter) -> Session {
        let mut session = Session {
            content: content.to_path_buf(),
            options,
            mark,
            ts,
            shown: None,
            errors: Vec::new(),
            version: 0,
            timings: Vec::new(),
        };
        session.rebuild();
        session
    }

    /// The version of what is shown: it grows with every change of pages or errors.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The phases of the last rebuild (`load`, `compile`, `draw`) and their times.
    pub fn timings(&self) -> &[(&'static str, Duration)] {
        &self.timings
    }

    /// The errors of the last rebuild.
    pub fn errors(&self) -> &[Diagnostic] {
        &self.errors
    }

    /// The pages shown, drawn.
    pub fn pages(&self) -> &[Drawn] {
        self.shown.as_ref().map_or(&[], |s| &s.pages)
    }

    /// The typesetter (`vplan preview` reads a project's templates again after they changed).
    pub fn typesetter(&mut self) -> &mut Typesetter {
        &mut self.ts
    }

    /// Loads, checks and compiles the content again, and draws the pages that changed.
    pub fn rebuild(&mut self) -> Rebuilt {
        let built = self.compile();
        let (checked, marked, doc, ident) = match built {
            Ok(built) => built,
            Err(e) => {
                self.fail(e);
                return Rebuilt::Failed;
            }
        };
        let t = Instant::now();
        let old = self.shown.take().map(|s| s.pages).unwrap_or_default();
        let (pages, changed) = redraw(&doc, old);
        self.timings.push(("draw", t.elapsed()));
        let count = pages.len();
        let fixed = !std::mem::take(&mut self.errors).is_empty();
        let first = self.version == 0;
        self.shown = Some(Shown {
            checked,
            marked,
            ident,
            doc,
            pages,
        });
        if changed.is_empty() && !fixed && !first {
            return Rebuilt::Same;
        }
        self.version += 1;
        Rebuilt::Pages { changed, count }
    }

    /// Drops Typst's memoized results unused for a while, so memory stays flat however many
    /// rebuilds a preview makes: after a rebuild's pages are sent, off the time a save takes
    /// to show.
    pub fn tidy(&self) {
        crate::typeset::Worlds::evict(EVICT_AFTER);
    }

    /// Shows an error instead of the pages' state (a rebuild's, or the project's templates
    /// that could not be read again); the last good pages stay.
    pub fn fail(&mut self, e: Error) {
        let errors = diagnostics_of(e);
        if errors != self.errors {
            self.version += 1;
        }
        self.errors = errors;
    }

    fn compile(&mut self) -> Result<(Checked, Option<Marked>, PagedDocument, String)> {
        self.timings.clear();
        let t = Instant::now();
        let checked = pipeline::load(&self.content, &self.options.load, &Silent)?;
        self.timings.push(("load", t.elapsed()));
        let marked = (self.mark)(&checked)?;
        let subject = subject_of(&checked, marked.as_ref(), self.options.report.as_deref())?;
        let t = Instant::now();
        let (doc, ident) = pipeline::documents::compile_whole(subject, &mut self.ts)?;
        self.timings.push(("compile", t.elapsed()));
        Ok((checked, marked, doc, ident))
    }

    /// What the point (`x`, `y`, points from the top left) of page `page` (1-based) comes from.
    pub fn source_at(&self, page: usize, x: f64, y: f64) -> Found {
        let Some(shown) = &self.shown else {
            return Found::default();
        };
        let Some(world) = self.ts.world(&shown.ident) else {
            return Found::default();
        };
        let Some(clicked) = click::clicked(world, &shown.doc, page, x, y) else {
            return Found::default();
        };
        let Ok(subject) = subject_of(
            &shown.checked,
            shown.marked.as_ref(),
            self.options.report.as_deref(),
        ) else {
            return Found::default();
        };
        self.found(subject, clicked)
    }

    fn found(&self, subject: Subject<'_>, clicked: Clicked) -> Found {
        let plan = subject.model();
        match clicked {
            Clicked::Content { file, path, cell } => {
                let mut figure = cell.and_then(|cell| self.figure(subject, cell));
                let place = match figure.as_mut().and_then(|f| f.place.take()) {
                    Some(place) => Some(place),
                    None => self.place(plan, &file, &path),
                };
                let figure = figure.filter(|f| f.cell.is_some());
                Found {
                    found: true,
                    place,
                    figure,
                    ..Found::default()
                }
            }
            Clicked::Template { file, line } => Found {
                found: true,
                template: Some(format!("{file}:{line}")),
                ..Found::default()
            },
            Clicked::Page { page, y } => Found {
                found: true,
                goto: Some(Goto { page, y }),
                ..Found::default()
            },
            Clicked::Url(url) => Found {
                found: true,
                url: Some(url),
                ..Found::default()
            },
        }
    }

    /// The place of a value in a content file (relative to the content directory).
    fn place(&self, plan: &Plan, rel: &Path, path: &str) -> Option<Place> {
        let (file, pos) = pipeline::typesetter::locate_in(plan, rel, path);
        let pos = pos?;
        Some(self.place_of(&file, pos.line, pos.column, path))
    }

    fn place_of(&self, file: &Path, line: usize, column: usize, path: &str) -> Place {
        let shown = file.strip_prefix(&self.content).unwrap_or(file);
        Place {
            file: shown.display().to_string(),
            line,
            column,
            path: path.to_string(),
            url: self.link(file, line, column),
        }
    }

    /// The editor link of a file (as given, or absolute) at a line and column.
    fn link(&self, file: &Path, line: usize, column: usize) -> String {
        let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        editor_url(&self.options.editor, &abs, line, column)
    }

    /// A clicked cell of an amount table (`cell` its index on the row: the label, the text
    /// columns, then the amounts) as a figure: where it is written and how it was computed.
    fn figure(
        &self,
        subject: Subject<'_>,
        (table, row, cell): (String, String, usize),
    ) -> Option<Figure> {
        let plan = subject.model();
        let t = &plan.tables.get(&table)?;
        let r = t.value.rows.iter().position(|r| r.id == row)?;
        let row_path = ValuePath::of("rows").index(r);
        let row_place = plan
            .pos_or_ancestor(&t.file, &row_path)
            .map(|pos| self.place_of(&t.file, pos.line, pos.column, &row_path.to_string()));
        let column = cell.checked_sub(1 + t.value.text_columns.len());
        let column = column.and_then(|c| t.value.columns.get(c));
        let Some(column) = column else {
            // The row's label or a text column: the row.
            return Some(Figure {
                cell: None,
                place: row_place,
                derivation: None,
            });
        };
        let cell = CellRef::new(&table, &row, &column.id);
        let derivation = explain::explain(subject, &cell).map(|d| self.derivation(d));
        // The value that defines it (its `values` entry, its `sum`), named by its row.
        let place = derivation
            .as_ref()
            .and_then(|d| d.place.clone())
            .map(|p| Place {
                path: row_path.to_string(),
                ..p
            })
            .or(row_place);
        Some(Figure {
            cell: Some(cell.to_string()),
            place,
            derivation,
        })
    }

    /// A derivation as the browser shows it: every place with its editor link.
    fn derivation(&self, d: explain::Derivation) -> DerivationView {
        let place = |p: Option<explain::Place>| {
            p.map(|p| Place {
                file: p.file.display().to_string(),
                line: p.line,
                column: p.column,
                path: String::new(),
                url: self.link(&p.absolute, p.line, p.column),
            })
        };
        DerivationView {
            label: d.label,
            shown: d.shown,
            kind: d.kind,
            formula: d.formula,
            note: d.note,
            place: place(d.at),
            terms: d
                .terms
                .into_iter()
                .map(|t| TermView {
                    label: t.label,
                    shown: t.shown,
                    sign: t.sign,
                    place: place(t.at),
                })
                .collect(),
        }
    }

    /// The whole state as the first message to a browser: every page.
    pub fn doc_message(&self) -> String {
        let all: Vec<usize> = (0..self.pages().len()).collect();
        self.message("doc", &all)
    }

    /// A rebuild's message: the pages that changed, or the errors.
    pub fn update_message(&self, rebuilt: &Rebuilt) -> Option<String> {
        match rebuilt {
            Rebuilt::Pages { changed, .. } => Some(self.message("update", changed)),
            Rebuilt::Failed => Some(self.message("errors", &[])),
            Rebuilt::Same => None,
        }
    }

    fn message(&self, kind: &str, pages: &[usize]) -> String {
        let drawn = self.pages();
        let pages: Vec<PageMessage<'_>> = pages
            .iter()
            .filter_map(|&i| {
                let d = drawn.get(i)?;
                Some(PageMessage {
                    page: i + 1,
                    width: d.width,
                    height: d.height,
                    svg: &d.svg,
                })
            })
            .collect();
        let diagnostics: Vec<DiagnosticMessage> =
            self.errors.iter().map(|d| self.diagnostic(d)).collect();
        serde_json::json!({
            "type": kind,
            "version": self.version,
            "count": drawn.len(),
            "pages": pages,
            "diagnostics": diagnostics,
        })
        .to_string()
    }

    fn diagnostic(&self, d: &Diagnostic) -> DiagnosticMessage {
        let file = d.file.as_deref();
        let shown = file.map(|f| {
            f.strip_prefix(&self.content)
                .unwrap_or(f)
                .display()
                .to_string()
        });
        let url = file.map(|f| self.link(f, d.line.unwrap_or(1), d.column.unwrap_or(1)));
        DiagnosticMessage {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            code: d.code.name(),
            file: shown,
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            hint: d.hint.clone(),
            url,
        }
    }
}

/// The pages of `doc` drawn, reusing the drawings in `old` of pages whose layout is unchanged;
/// and which pages (0-based) were drawn again.
fn redraw(doc: &PagedDocument, old: Vec<Drawn>) -> (Vec<Drawn>, Vec<usize>) {
    let mut old = old.into_iter();
    let mut changed = Vec::new();
    let pages = doc
        .pages()
        .iter()
        .enumerate()
        .map(|(i, page)| match old.next() {
            Some(d) if d.hash == draw::hash(page) => d,
            _ => {
                changed.push(i);
                draw::draw(page)
            }
        })
        .collect();
    (pages, changed)
}

/// The subject a preview shows: the report `report`, the redline when there are marks, else
/// the plan.
fn subject_of<'a>(
    checked: &'a Checked,
    marked: Option<&'a Marked>,
    report: Option<&str>,
) -> Result<Subject<'a>> {
    if let Some(id) = report {
        return Ok(checked.report(id)?.subject());
    }
    Ok(match marked {
        Some(marked) => Subject::Redline {
            marked,
            figures: &checked.computed,
        },
        None => checked.subject(),
    })
}

/// The diagnostics an error stands for: a content error's own, else one naming the problem.
fn diagnostics_of(e: Error) -> Vec<Diagnostic> {
    match e {
        Error::Content(diags) => diags,
        Error::Side { diagnostics, .. } | Error::Batch { diagnostics, .. }
            if !diagnostics.is_empty() =>
        {
            diagnostics
        }
        other => vec![Diagnostic::general(Code::Usage, other.to_string())],
    }
}

/// The editor link of `template` for a file and position: `{path}` (absolute,
/// percent-encoded but for `/`), `{line}`, `{column}`.
pub fn editor_url(template: &str, file: &Path, line: usize, column: usize) -> String {
    let mut path = String::new();
    for b in file.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            path.push(b as char);
        } else {
            path.push_str(&format!("%{b:02X}"));
        }
    }
    template
        .replace("{path}", &path)
        .replace("{line}", &line.to_string())
        .replace("{column}", &column.to_string())
}

/// What a click found, as the browser is told.
#[derive(Debug, Default, Serialize)]
pub struct Found {
    pub found: bool,
    /// The content it was made from.
    #[serde(rename = "where")]
    pub place: Option<Place>,
    /// A figure: its cell and how it was computed.
    pub figure: Option<Figure>,
    /// Text the templates set (`vplan/tables.typ:120`).
    pub template: Option<String>,
    /// A link within the document.
    pub goto: Option<Goto>,
    /// A link out of it.
    pub url: Option<String>,
}

/// A place in a content file.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    /// Relative to the content directory.
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The value's path in the file (`rows.3`).
    pub path: String,
    /// The editor link.
    pub url: String,
}

/// A clicked cell of an amount table.
#[derive(Debug, Serialize)]
pub struct Figure {
    /// `table/row/column`; none for the row's label or a text column.
    pub cell: Option<String>,
    /// Where it is written (its row, or the value that defines it): the click's `where`.
    #[serde(skip)]
    pub place: Option<Place>,
    /// How it was computed.
    pub derivation: Option<DerivationView>,
}

/// How a figure was computed ([`explain::Derivation`]), with editor links.
#[derive(Debug, Serialize)]
pub struct DerivationView {
    /// The row's label › the column's name.
    pub label: String,
    /// The value as printed.
    pub shown: String,
    /// `typed`, `empty`, `sum`, `sum_of`, `ref`, `difference`, `share` or `part`.
    pub kind: &'static str,
    /// One line: `Summa 2 380,0 = Område fastigheter 1 135,0 + …`.
    pub formula: String,
    /// What the formula does not say (the sign note of a deviation, rounding).
    pub note: Option<String>,
    /// Where the cell is written or defined.
    #[serde(rename = "where")]
    pub place: Option<Place>,
    pub terms: Vec<TermView>,
}

/// A term of a derivation.
#[derive(Debug, Serialize)]
pub struct TermView {
    pub label: String,
    pub shown: String,
    /// `+`, `−`, `×`, `÷` or `=`.
    pub sign: char,
    #[serde(rename = "where")]
    pub place: Option<Place>,
}

/// A link's target in the document.
#[derive(Debug, Serialize)]
pub struct Goto {
    pub page: usize,
    pub y: f64,
}

#[derive(Serialize)]
struct PageMessage<'a> {
    page: usize,
    width: f64,
    height: f64,
    svg: &'a str,
}

#[derive(Serialize)]
struct DiagnosticMessage {
    severity: &'static str,
    code: &'static str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    hint: Option<String>,
    url: Option<String>,
}
