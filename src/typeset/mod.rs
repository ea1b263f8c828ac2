//! Typst in-process: an in-memory `World` (generated main file, the templates' static files,
//! embedded fonts, a fixed date) and PDF export.
//!
//! The world reads nothing from disk: every file it can serve was read (from the built-in
//! templates or a project's templates directory) before compiling, so Typst source can never
//! reach outside them.

pub mod click;
pub mod draw;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use lopdf::{Document, IncrementalDocument, Object, ObjectId};
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
/// Typst's date and laid-out document, as the rest of vplan sees them.
pub use typst::foundations::Datetime;
use typst::foundations::{Bytes, Duration, Smart};
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::syntax::{DiagSpan, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, TextItem};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
pub use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandards, Timestamp};

use crate::diag::origin::{parse_origin, ORIGIN_MARKER};
use crate::diag::Pos;
use crate::diag::{Code, Diagnostic};

/// Virtual path of the generated main file.
pub const MAIN_PATH: &str = "/main.typ";

/// The fonts: Noto Sans (OFL) for text, and Typst's own embedded fonts as fallback (math,
/// monospace). Loaded once per process and shared by every world.
fn fonts() -> &'static (Vec<Font>, LazyHash<FontBook>) {
    static FONTS: OnceLock<(Vec<Font>, LazyHash<FontBook>)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut fonts: Vec<Font> = [
            notosans::REGULAR_TTF,
            notosans::BOLD_TTF,
            notosans::ITALIC_TTF,
            notosans::BOLD_ITALIC_TTF,
        ]
        .into_iter()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
        fonts.extend(typst_kit::fonts::embedded().map(|(font, _)| font));
        let book = FontBook::from_fonts(&fonts);
        (fonts, LazyHash::new(book))
    })
}

/// Whether some font of the documents has a glyph for `c` (Typst falls back from the text
/// font to any other). Latin-1 and the usual punctuation are known to be covered and are
/// answered without loading the fonts.
pub fn has_glyph(c: char) -> bool {
    if c.is_ascii()
        || ('\u{a0}'..='\u{ff}').contains(&c)
        || ('\u{2010}'..='\u{2027}').contains(&c)
        || c == '\u{2212}'
    {
        return true;
    }
    fonts()
        .0
        .iter()
        .any(|f| f.info().coverage.contains(c as u32))
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    // `a11y-extras`: the templates mark row-header cells and a table's empty corner with
    // `pdf.header-cell` and `pdf.data-cell`, so that every cell of a grid is headed by text.
    LIBRARY.get_or_init(|| {
        let features = [typst::Feature::A11yExtras].into_iter().collect();
        LazyHash::new(Library::builder().with_features(features).build())
    })
}

/// The id of a static file of the world (a path relative to its root, like the templates'
/// files).
pub fn asset_id(path: &str) -> FileResult<FileId> {
    file_id(&format!("/{path}"))
}

fn file_id(path: &str) -> FileResult<FileId> {
    let vpath = VirtualPath::new(path).map_err(|_| FileError::AccessDenied)?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// How error messages name the templates' files: each by its path relative to the templates
/// (`vplan.typ` → `templates/vplan.typ`, or `(built-in) vplan.typ`), and the templates as a
/// whole (`templates`, `(built-in templates)`).
#[derive(Debug, Clone, Default)]
pub struct TemplateNames {
    pub whole: PathBuf,
    pub files: HashMap<String, PathBuf>,
}

impl TemplateNames {
    /// The name of a file given by its path relative to the templates.
    pub fn file(&self, rel: &str) -> PathBuf {
        self.files
            .get(rel)
            .cloned()
            .unwrap_or_else(|| self.whole.join(rel))
    }
}

/// An in-memory Typst world for one document.
#[derive(Clone)]
pub struct PlanWorld {
    main: Source,
    /// Where the static files came from, for error messages.
    names: Arc<TemplateNames>,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

impl PlanWorld {
    /// `assets` are the static files of the templates, by path relative to them.
    pub fn new(
        main_source: String,
        names: &Arc<TemplateNames>,
        assets: &[(String, Vec<u8>)],
        today: Datetime,
    ) -> Result<Self> {
        let main_id = file_id(MAIN_PATH).map_err(|e| crate::error::usage_error!("{e}"))?;
        let mut files = HashMap::new();
        for (path, bytes) in assets {
            let id = file_id(&format!("/{path}"))
                .map_err(|e| crate::error::usage_error!("{path}: {e}"))?;
            files.insert(id, Bytes::new(bytes.clone()));
        }
        Ok(PlanWorld {
            main: Source::new(main_id, main_source),
            names: Arc::clone(names),
            files,
            today,
        })
    }

    pub fn main_source(&self) -> &Source {
        &self.main
    }

    /// Gives the world a new main file, static files and date for the next compile. The main
    /// file is updated in place (`Source::replace`: only the changed part is reparsed, and
    /// unchanged syntax keeps its spans), so Typst's memoization reuses everything an edit did
    /// not touch.
    pub fn update(&mut self, main_source: &str, assets: &[(String, Vec<u8>)], today: Datetime) {
        self.main.replace(main_source);
        for (path, bytes) in assets {
            if let Ok(id) = file_id(&format!("/{path}")) {
                if self
                    .files
                    .get(&id)
                    .is_none_or(|old| old.as_slice() != bytes.as_slice())
                {
                    self.files.insert(id, Bytes::new(bytes.clone()));
                }
            }
        }
        let keep: std::collections::HashSet<FileId> = assets
            .iter()
            .filter_map(|(path, _)| file_id(&format!("/{path}")).ok())
            .collect();
        self.files.retain(|id, _| keep.contains(id));
        self.today = today;
    }
}

/// Typst's click to source (`typst_ide::jump_from_click`, `vplan preview`) asks the world.
impl typst_ide::IdeWorld for PlanWorld {
    fn upcast(&self) -> &dyn World {
        self
    }
}

/// Long-lived worlds, one per document, for rebuilding after an edit (`vplan watch`, the
/// benchmark): each keeps its sources between compiles so Typst compiles incrementally.
#[derive(Default)]
pub struct Worlds {
    worlds: HashMap<String, PlanWorld>,
    /// The document compiled last: the world a trace's spans are read in.
    last: Option<String>,
}

impl Worlds {
    /// The world of the document `ident`, updated to the given inputs (created on first use).
    pub fn get(
        &mut self,
        ident: &str,
        main_source: String,
        names: &Arc<TemplateNames>,
        assets: &[(String, Vec<u8>)],
        today: Datetime,
    ) -> Result<&mut PlanWorld> {
        use std::collections::hash_map::Entry;
        self.last = Some(ident.to_string());
        match self.worlds.entry(ident.to_string()) {
            Entry::Occupied(e) => {
                let world = e.into_mut();
                world.update(&main_source, assets, today);
                world.names = Arc::clone(names);
                Ok(world)
            }
            Entry::Vacant(e) => Ok(e.insert(PlanWorld::new(main_source, names, assets, today)?)),
        }
    }

    /// The world `ident`, updated to the given source; made first as a copy of the world
    /// `from` when it has none (its source's syntax, and so its spans, shared: Typst's
    /// memoized layout of what the two sources have in common is reused at once).
    pub fn get_from(
        &mut self,
        ident: &str,
        from: &str,
        main_source: String,
        names: &Arc<TemplateNames>,
        assets: &[(String, Vec<u8>)],
        today: Datetime,
    ) -> Result<&mut PlanWorld> {
        if !self.worlds.contains_key(ident) {
            if let Some(base) = self.worlds.get(from).cloned() {
                self.worlds.insert(ident.to_string(), base);
            }
        }
        self.get(ident, main_source, names, assets, today)
    }

    /// The world of the document `ident`, as last compiled.
    pub fn compiled(&self, ident: &str) -> Option<&PlanWorld> {
        self.worlds.get(ident)
    }

    /// Starts recording Typst's timing trace (process-wide): every compile from now on adds
    /// its events, until [`Worlds::write_trace`] writes and clears them.
    pub fn start_trace() {
        typst_timing::clear();
        typst_timing::enable();
    }

    /// Writes the events recorded since [`Worlds::start_trace`] in Chrome's trace format (as
    /// `typst compile --timings`: open it in `chrome://tracing` or Perfetto), each span named
    /// by its file and line: a template's, or the generated main file's of the document
    /// compiled last.
    pub fn write_trace(&self, out: impl std::io::Write) -> Result<()> {
        typst_timing::disable();
        let world = self.last.as_ref().and_then(|ident| self.worlds.get(ident));
        // Each file parsed once (a template's source is made from its bytes on every call).
        let mut sources = HashMap::<FileId, Option<Source>>::new();
        let result = typst_timing::export_json(out, |raw| {
            let span = typst::syntax::Span::from_raw(raw);
            let place = world.zip(span.id()).and_then(|(w, id)| {
                let source = sources
                    .entry(id)
                    .or_insert_with(|| w.source(id).ok())
                    .as_ref()?;
                let range = match span.get() {
                    typst::syntax::SpanKind::Number { num, .. } => source.range(num, None)?,
                    typst::syntax::SpanKind::Range { range, .. } => range,
                    typst::syntax::SpanKind::Detached => return None,
                };
                let line = source.lines().byte_to_line(range.start)?;
                Some((id.vpath().get_without_slash().to_string(), line as u32 + 1))
            });
            place.unwrap_or_default()
        });
        result.map_err(|e| crate::usage_error!("cannot write the trace: {e}"))
    }

    /// Drops Typst's memoized results not used in the last `max_age` compiles, so memory stays
    /// bounded over many rebuilds.
    pub fn evict(max_age: usize) {
        typst::comemo::evict(max_age);
    }
}

impl World for PlanWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().1
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_string()));
        }
        self.files.get(&id).cloned().ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().0.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Finds a content file (given relative to the content directory) and the line and column of
/// a value in it, by the value's path (e.g. `blocks.3.text`): how a Typst error is mapped back
/// to the content that produced it.
pub type Locate<'a> =
    &'a (dyn Fn(&std::path::Path, &str) -> (std::path::PathBuf, Option<Pos>) + Sync);

/// A [`Locate`] that knows no content directory and no positions.
pub fn no_positions(file: &std::path::Path, _: &str) -> (std::path::PathBuf, Option<Pos>) {
    (file.to_path_buf(), None)
}

/// Compiles the world's document; with it, Typst's warnings, each as its message (and hints).
pub fn compile(world: &PlanWorld, locate: Locate) -> Result<(PagedDocument, Vec<String>)> {
    let warned = typst::compile::<PagedDocument>(world);
    let warnings = warned
        .warnings
        .iter()
        .map(|w| {
            let mut text = w.message.to_string();
            for hint in &w.hints {
                text.push_str("; hint: ");
                text.push_str(&hint.v);
            }
            text
        })
        .collect();
    warned
        .output
        .map(|doc| (doc, warnings))
        .map_err(|errors| typst_errors(world, &errors, locate))
}

/// PDF metadata that must be fixed for byte-identical output, and the standards to meet.
pub struct ExportOptions {
    pub ident: String,
    pub timestamp: Datetime,
    pub standard: Standard,
}

/// The PDF standards a document is exported to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Standard {
    /// Plain PDF 1.7 (tagged all the same).
    #[default]
    None,
    /// PDF/A-2b, for archiving.
    A2b,
    /// PDF/UA-1, accessible.
    Ua1,
    /// PDF/A-2b and PDF/UA-1 at once.
    A2bUa1,
}

impl Standard {
    /// PDF/UA: accessible.
    pub fn accessible(self) -> bool {
        matches!(self, Standard::Ua1 | Standard::A2bUa1)
    }

    /// PDF/A: archival.
    pub fn archival(self) -> bool {
        matches!(self, Standard::A2b | Standard::A2bUa1)
    }

    fn list(self) -> &'static [typst_pdf::PdfStandard] {
        use typst_pdf::PdfStandard::{A_2b, Ua_1};
        match self {
            Standard::None => &[],
            Standard::A2b => &[A_2b],
            Standard::Ua1 => &[Ua_1],
            Standard::A2bUa1 => &[A_2b, Ua_1],
        }
    }
}

/// Exports a compiled document to PDF bytes.
pub fn export_pdf(
    world: &PlanWorld,
    doc: &PagedDocument,
    opts: &ExportOptions,
    locate: Locate,
) -> Result<Vec<u8>> {
    let options = PdfOptions {
        ident: Smart::Custom(opts.ident.clone()),
        creator: Smart::Custom(Some(format!("vplan {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(opts.timestamp)),
        page_ranges: None,
        standards: PdfStandards::new(opts.standard.list()).map_err(|e| {
            crate::error::usage_error!("PDF standards {:?}: {}", opts.standard, e.message())
        })?,
        tagged: true,
        pretty: false,
    };
    let pdf =
        typst_pdf::pdf(doc, &options).map_err(|errors| typst_errors(world, &errors, locate))?;
    Ok(with_table_pages(pdf))
}

/// `pdf` with the page of its first content (`/Pg`) on each `/Table` of the structure tree,
/// and the viewer told to show the document's title (`/ViewerPreferences` with
/// `/DisplayDocTitle true`), as an incremental update (the file as exported, then the changed
/// objects).
///
/// Typst's exporter gives `/Pg` only to structure elements that hold content themselves; a
/// table holds rows. Accessibility checkers (`outloud`) find a table's page by it to tell a
/// tagged table from a grid that is only drawn, and report every ruled table otherwise. It
/// sets `/DisplayDocTitle` only for PDF/UA; every document vplan writes has a title to show
/// instead of its file name, a draft as much as a decided plan. The PDF is returned as it was
/// when it needs neither, or cannot be read back.
pub fn with_table_pages(pdf: Vec<u8>) -> Vec<u8> {
    let Ok(doc) = Document::load_mem(&pdf) else {
        return pdf;
    };
    let mut tables = tables_without_page(&doc);
    let catalog_id = doc
        .trailer
        .get(b"Root")
        .ok()
        .and_then(|r| r.as_reference().ok());
    let shows_title = shows_title(&doc);
    if tables.is_empty() && shows_title {
        return pdf;
    }
    tables.sort();
    let mut update = IncrementalDocument::create_from(pdf.clone(), doc);
    if !shows_title && show_title(&mut update, catalog_id).is_none() {
        return pdf;
    }
    if set_table_pages(&mut update, &tables).is_none() {
        return pdf;
    }
    let mut out = Vec::with_capacity(pdf.len() + 64 * tables.len() + 1024);
    match update.save_to(&mut out) {
        Ok(()) => out,
        Err(_) => pdf,
    }
}

/// The `/Table`s of the structure tree without a `/Pg`, in document order, each with the page
/// of its first content (a table with no content on a page is left out).
fn tables_without_page(doc: &Document) -> Vec<(ObjectId, ObjectId)> {
    let mut tables = Vec::new();
    let root = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"StructTreeRoot").ok())
        .and_then(|r| r.as_reference().ok());
    let mut stack: Vec<ObjectId> = root.into_iter().collect();
    let mut seen = std::collections::HashSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Ok(Object::Dictionary(d)) = doc.get_object(id) else {
            continue;
        };
        let is_table = matches!(d.get(b"S"), Ok(Object::Name(n)) if n == b"Table");
        if is_table && d.get(b"Pg").is_err() {
            if let Some(page) = d.get(b"K").ok().and_then(|k| first_page(doc, k, 0)) {
                tables.push((id, page));
            }
        }
        match d.get(b"K") {
            Ok(Object::Reference(k)) => stack.push(*k),
            Ok(Object::Array(kids)) => {
                // In reverse, so that the elements are visited in document order.
                stack.extend(kids.iter().rev().filter_map(|k| k.as_reference().ok()));
            }
            _ => {}
        }
    }
    tables
}

/// The first page a structure element's content is on: its own `/Pg`, or the first one among
/// its kids (elements and marked-content references) in order.
fn first_page(doc: &Document, obj: &Object, depth: usize) -> Option<ObjectId> {
    if depth > 64 {
        return None;
    }
    let obj = match obj {
        Object::Reference(id) => doc.get_object(*id).ok()?,
        o => o,
    };
    match obj {
        Object::Dictionary(d) => {
            if let Ok(Object::Reference(pg)) = d.get(b"Pg") {
                return Some(*pg);
            }
            d.get(b"K").ok().and_then(|k| first_page(doc, k, depth + 1))
        }
        Object::Array(kids) => kids.iter().find_map(|k| first_page(doc, k, depth + 1)),
        _ => None,
    }
}

/// Whether the catalog's `/ViewerPreferences` tell the viewer to show the document's title.
fn shows_title(doc: &Document) -> bool {
    doc.catalog().ok().is_some_and(|c| {
        c.get(b"ViewerPreferences")
            .ok()
            .and_then(|v| match v {
                Object::Reference(id) => doc.get_dictionary(*id).ok(),
                Object::Dictionary(d) => Some(d),
                _ => None,
            })
            .is_some_and(|v| matches!(v.get(b"DisplayDocTitle"), Ok(Object::Boolean(true))))
    })
}

/// Sets `/DisplayDocTitle true` in the updated catalog's `/ViewerPreferences`; `None` when the
/// catalog cannot be updated.
fn show_title(update: &mut IncrementalDocument, catalog_id: Option<ObjectId>) -> Option<()> {
    let catalog_id = catalog_id?;
    update.opt_clone_object_to_new_document(catalog_id).ok()?;
    let Ok(Object::Dictionary(catalog)) = update.new_document.get_object_mut(catalog_id) else {
        return None;
    };
    // Another preference the exporter wrote (none today, an indirect one never) is kept.
    let mut prefs = match catalog.get(b"ViewerPreferences") {
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => lopdf::Dictionary::new(),
    };
    prefs.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    Some(())
}

/// Sets each table's `/Pg` to its page in the update; `None` when a table cannot be updated.
fn set_table_pages(
    update: &mut IncrementalDocument,
    tables: &[(ObjectId, ObjectId)],
) -> Option<()> {
    for &(id, page) in tables {
        update.opt_clone_object_to_new_document(id).ok()?;
        if let Ok(Object::Dictionary(d)) = update.new_document.get_object_mut(id) {
            d.set("Pg", Object::Reference(page));
        }
    }
    Some(())
}

/// Marker comment the templates put before each part they generate.
const TEMPLATE_MARKER: &str = "// @template ";

/// Typst diagnostics as content diagnostics.
///
/// An error in the generated source, or in a static file of the templates called from it
/// (the call's place is in the error's trace), is reported at the content that produced that
/// part of the source: the nearest source marker (`// @content PATH FILE`, printed by the
/// templates before each block, chapter and appendix) before the place names the content file
/// and the value's path, which `locate` turns into a line. The generated line and the template
/// part are given as a hint. Only an error with no content behind it (in a part the templates
/// make on their own) names the templates or the template file (the project's file, or the
/// built-in one).
fn typst_errors(world: &PlanWorld, errors: &[SourceDiagnostic], locate: Locate) -> Error {
    let diags = errors
        .iter()
        .filter(|e| e.severity == Severity::Error)
        .map(|e| typst_error(world, e, locate))
        .collect();
    Error::Content(diags)
}

/// One error of Typst's as a diagnostic (see [`typst_errors`]).
fn typst_error(world: &PlanWorld, e: &SourceDiagnostic, locate: Locate) -> Diagnostic {
    let main = world.main.id();
    let mut d = Diagnostic::error(
        Code::Typeset,
        &world.names.whole,
        format!("typst: {}", e.message),
    );
    let mut notes = Vec::new();
    // Where the error is: a span of its own, else the innermost call in the trace
    // that has one.
    let mut spans = vec![e.span];
    spans.extend(e.trace.iter().map(|t| DiagSpan::from(t.span)));
    let place = |span: DiagSpan| {
        let id = span.id()?;
        let source = world.source(id).ok()?;
        let range = world.range(span)?;
        Some((id, source, range))
    };
    let own = place(e.span);
    let in_main = spans
        .iter()
        .filter_map(|s| place(*s))
        .find(|(id, _, _)| *id == main);
    if let Some((_, source, range)) = &in_main {
        d = in_generated(world, source, range.start, d, &mut notes, locate);
    }
    if let Some((id, source, range)) = own.filter(|(id, _, _)| *id != main) {
        let line = source.lines().byte_to_line(range.start).unwrap_or(0);
        let col = source.lines().byte_to_column(range.start).unwrap_or(0);
        let rel = id.get().vpath().get_without_slash().to_string();
        let at = world.names.file(&rel);
        if in_main.is_some() {
            notes.push(format!("raised in {}:{}", at.display(), line + 1));
        } else {
            d.file = Some(at);
            d = d.at(line + 1, col + 1);
        }
    }
    for hint in &e.hints {
        notes.push(hint.v.to_string());
    }
    if !notes.is_empty() {
        d.hint = Some(notes.join("\n        "));
    }
    d
}

/// Where an error at byte `start` of the generated source (`source`) comes from: the content
/// named by the nearest source marker before it (the diagnostic `d` placed there), with the
/// generated line and the template part in `notes`.
fn in_generated(
    world: &PlanWorld,
    source: &Source,
    start: usize,
    mut d: Diagnostic,
    notes: &mut Vec<String>,
    locate: Locate,
) -> Diagnostic {
    let line = source.lines().byte_to_line(start).unwrap_or(0);
    let lines: Vec<&str> = source.text().lines().collect();
    let before = &lines[..line.min(lines.len())];
    let origin = before
        .iter()
        .rev()
        .find_map(|l| l.trim().strip_prefix(ORIGIN_MARKER.trim_end()))
        .and_then(parse_origin);
    let text = lines.get(line).copied().unwrap_or("").trim();
    let text: String = if text.chars().count() > 120 {
        text.chars().take(120).chain("…".chars()).collect()
    } else {
        text.to_string()
    };
    notes.push(format!("generated Typst, line {}: {text}", line + 1));
    if let Some(marker) = before
        .iter()
        .rev()
        .find_map(|l| l.trim().strip_prefix(TEMPLATE_MARKER))
    {
        // `blocks.typ.j2: assignment`: the template file, then the part.
        let file = marker.split(": ").next().unwrap_or(marker);
        notes.push(format!(
            "generated by {marker} (in {})",
            world.names.file(file).display()
        ));
    }
    if let Some((file, path)) = origin {
        let (file, pos) = locate(&file, &path);
        d = d.at_pos(pos);
        d.file = Some(file);
    }
    notes.push("run `vplan build --emit-typst` to see the whole generated source".into());
    d
}

/// An image file as the build will see it.
pub enum Decoded {
    /// A PNG, JPEG, GIF, WebP or SVG: decoded, or why not.
    Image(Result<(), String>),
    /// A PDF (which an archivable PDF cannot embed).
    Pdf,
    NotAnImage,
}

/// Decodes an image the way Typst will when the document places it (served at
/// `virtual_path`), so that `check` refuses what the build would fail on.
pub fn decode_image(bytes: &[u8], virtual_path: &str) -> Decoded {
    use typst::visualize::{ImageFormat, RasterImage, VectorFormat};
    match ImageFormat::detect(bytes) {
        Some(ImageFormat::Raster(format)) => Decoded::Image(
            RasterImage::plain(Bytes::new(bytes.to_vec()), format)
                .map(|_| ())
                .map_err(|e| e.to_string()),
        ),
        Some(ImageFormat::Vector(VectorFormat::Svg)) => Decoded::Image(svg(bytes, virtual_path)),
        Some(ImageFormat::Vector(_)) => Decoded::Pdf,
        None => Decoded::NotAnImage,
    }
}

/// Loads an SVG the way the build does: with the documents' fonts for its text, and in a
/// world that serves no files, so an SVG that links to other images fails here as it would
/// in the build.
fn svg(bytes: &[u8], virtual_path: &str) -> Result<(), String> {
    use typst::comemo::Track;
    use typst::World;
    let date = typst::foundations::Datetime::from_ymd(2000, 1, 1).expect("a valid date");
    let world =
        PlanWorld::new(String::new(), &Arc::default(), &[], date).map_err(|e| e.to_string())?;
    let id = asset_id(virtual_path).map_err(|e| e.to_string())?;
    let world: &dyn World = &world;
    typst::visualize::SvgImage::with_fonts_images(
        Bytes::new(bytes.to_vec()),
        world.track(),
        &["noto sans"],
        Some(id),
    )
    .map(|_| ())
    .map_err(|e| {
        // `LoadError` shows its message only through `Debug`.
        let debug = format!("{e:?}");
        debug
            .split_once("message: \"")
            .and_then(|(_, rest)| rest.rsplit_once('"'))
            .map_or(debug.clone(), |(message, _)| message.replace("\\\"", "\""))
    })
}

/// Bytes of text about a line holds (`words_broken_across_pages`).
const LINE_BYTES: usize = 100;

/// Letters a word needs before Typst hyphenates it (two before the hyphen, three after).
const MIN_HYPHENATED: usize = 5;

/// Whether `c` belongs to a word kept whole: a letter, a combining mark (an accent typed after
/// its letter) or a soft hyphen an author typed (which, left outside a box, would still let
/// Typst break the word there, without printing a hyphen).
fn in_word(c: char) -> bool {
    c.is_alphabetic()
        || c == '\u{ad}'
        || matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

/// Where a page's last line of text ends in a hyphen Typst added to break a word, so that the
/// word runs on over the page break ("säker-" | "ställa"): each such word's byte range in the
/// generated main source (its run of letters, in markup text), and those of the words that
/// could be hyphenated within about a line of it. A word that comes from a template, or from
/// anything but markup text, is not found.
///
/// A page's body is everything on it but its marginals (background and header at its top edge,
/// footer ending at its bottom edge); its last line the text at the lowest baseline there.
pub fn words_broken_across_pages(
    world: &PlanWorld,
    doc: &PagedDocument,
) -> Vec<std::ops::Range<usize>> {
    let mut words = Vec::new();
    let pages = doc.pages();
    for page in pages.iter().take(pages.len().saturating_sub(1)) {
        let items = body_texts(&page.frame);
        let Some(line) = last_line(&items) else {
            continue;
        };
        for (hyphen_at, _) in line.iter().filter(|(_, t)| t.text == "\u{ad}") {
            words.extend(words_at_hyphen(world, &line, *hyphen_at).unwrap_or_default());
        }
    }
    words.sort_by_key(|r| r.start);
    words.dedup();
    words
}

/// The texts of a page's body, with their places on the page: what is not a marginal. Typst
/// places the background and header at the top edge, the footer so that it ends at the bottom
/// edge, and the body (when it is not merged into the page) between.
fn body_texts(page: &Frame) -> Vec<(Point, &TextItem)> {
    let height = page.height();
    let mut items = Vec::new();
    for (pos, item) in page.items() {
        match item {
            FrameItem::Group(g) => {
                let marginal = pos.y <= typst::layout::Abs::zero()
                    || (pos.y + g.frame.height() - height).abs() < typst::layout::Abs::pt(0.01);
                if !marginal {
                    let ts = Transform::translate(pos.x, pos.y).pre_concat(g.transform);
                    texts(&g.frame, ts, &mut items);
                }
            }
            FrameItem::Text(t) => items.push((*pos, t)),
            _ => {}
        }
    }
    items
}

/// The texts of `frame` and the groups in it, placed by `ts`, added to `out`.
fn texts<'a>(frame: &'a Frame, ts: Transform, out: &mut Vec<(Point, &'a TextItem)>) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(g) => {
                let ts = ts
                    .pre_concat(Transform::translate(pos.x, pos.y))
                    .pre_concat(g.transform);
                texts(&g.frame, ts, out);
            }
            FrameItem::Text(t) => out.push((pos.transform(ts), t)),
            _ => {}
        }
    }
}

/// A page's last line: its texts at the lowest baseline (within a point); `None` for a page
/// with no text.
fn last_line<'a>(items: &'a [(Point, &'a TextItem)]) -> Option<Vec<&'a (Point, &'a TextItem)>> {
    let last = items.iter().map(|(p, _)| p.y).max()?;
    let line = items
        .iter()
        .filter(|(p, _)| (p.y - last).abs() < typst::layout::Abs::pt(1.0))
        .collect();
    Some(line)
}

/// The words to keep whole for the hyphen at `hyphen_at` in a page's last `line`: the broken
/// word and the words about a line around it that could be hyphenated, as byte ranges in the
/// main source; `None` when the word is not markup text of the main source.
fn words_at_hyphen(
    world: &PlanWorld,
    line: &[&(Point, &TextItem)],
    hyphen_at: Point,
) -> Option<Vec<std::ops::Range<usize>>> {
    // The word's first part: the text just left of the hyphen, its last glyph.
    let before = line
        .iter()
        .filter(|(p, t)| p.x < hyphen_at.x && t.text != "\u{ad}")
        .max_by(|a, b| a.0.x.cmp(&b.0.x));
    let glyph = before.and_then(|(_, t)| t.glyphs.last())?;
    let (span, offset) = glyph.span;
    if span.id() != Some(world.main.id()) {
        return None;
    }
    let node = world.main.find(span)?;
    if node.kind() != typst::syntax::SyntaxKind::Text {
        return None;
    }
    let text = node.get().leaf_text().as_str();
    let at = (offset as usize).min(text.len());
    // The broken word is the run of word characters at the glyph.
    let runs = word_runs(text);
    let word = runs
        .iter()
        .find(|r| r.start <= at && at <= r.end)
        .cloned()?;
    // With it, the words about a line around it that could be hyphenated: kept whole too, the
    // reflowed paragraph rarely ends the page in another broken word, and the document is set
    // again once.
    let window = word.start.saturating_sub(LINE_BYTES)..word.end + LINE_BYTES;
    let words = runs
        .into_iter()
        .filter(|r| {
            let near = r.start < window.end && r.end > window.start;
            *r == word || (near && text[r.clone()].chars().count() >= MIN_HYPHENATED)
        })
        .map(|r| node.offset() + r.start..node.offset() + r.end)
        .collect();
    Some(words)
}

/// The byte ranges of the runs of word characters ([`in_word`]) in `text`, in order.
fn word_runs(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut run: Option<usize> = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (in_word(c), run) {
            (true, None) => run = Some(i),
            (false, Some(s)) => {
                run = None;
                runs.push(s..i);
            }
            _ => {}
        }
    }
    runs
}

/// `source` with each word of `words` (byte ranges, as [`words_broken_across_pages`] finds them)
/// in a box, which Typst never breaks: the word moves whole to the next page, or stays whole.
pub fn keep_words_whole(source: &str, words: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(source.len() + words.len() * 8);
    let mut at = 0;
    for w in words {
        if w.start < at || w.end > source.len() {
            continue;
        }
        out.push_str(&source[at..w.start]);
        out.push_str("#box[");
        out.push_str(&source[w.clone()]);
        out.push_str("];");
        at = w.end;
    }
    out.push_str(&source[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::{fonts, keep_words_whole};

    #[test]
    fn a_word_kept_whole_is_boxed_where_it_stands() {
        let src = "Att säkerställa god mat. Och mer.";
        let range = |w: &str| src.find(w).map(|at| at..at + w.len()).unwrap();
        let words = [range("säkerställa"), range("kerst"), range("mer")];
        // An overlapping range is left out; `];` ends the box whatever follows.
        assert_eq!(
            keep_words_whole(src, &words),
            "Att #box[säkerställa]; god mat. Och #box[mer];."
        );
        assert_eq!(keep_words_whole(src, &[]), src);
    }

    /// The characters `has_glyph` answers without looking are really in the fonts.
    #[test]
    fn the_shortcut_of_has_glyph_is_true() {
        let ranges = [
            ('\u{20}', '\u{7e}'),
            ('\u{a0}', '\u{ff}'),
            ('\u{2010}', '\u{2027}'),
        ];
        for (from, to) in ranges {
            for c in from..=to {
                assert!(
                    fonts()
                        .0
                        .iter()
                        .any(|f| f.info().coverage.contains(c as u32)),
                    "no font has U+{:04X}",
                    c as u32
                );
            }
        }
        assert!(fonts().0.iter().any(|f| f.info().coverage.contains(0x2212)));
    }
}
