//! The templates made ready for Typst, and typesetting a rendered plan with them: the
//! minijinja renderer, the templates' static files and one long-lived Typst world per
//! document (so that a rebuild in the same process is incremental); the PDF's date.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::content::{Plan, Status, ValuePath};
use crate::diag::{Code, Diagnostic, Pos};
use crate::error::{Error, Result};
use crate::render::{self, Renderer, Templates};
use crate::typeset::{
    self, Datetime, ExportOptions, PagedDocument, Standard, TemplateNames, Worlds,
};

/// The files of the content that the Typst world serves beside the templates' static files:
/// the logo, under [`crate::check::logo::VIRTUAL_PATH`].
pub fn content_files(plan: &Plan) -> Result<Vec<(String, Vec<u8>)>> {
    Ok(crate::check::logo::read(plan)
        .map_err(|d| Error::Content(vec![*d]))?
        .map(|bytes| (crate::check::logo::VIRTUAL_PATH.to_string(), bytes))
        .into_iter()
        .collect())
}

/// The standards a plan is exported to unless told otherwise: PDF/A-2b and PDF/UA-1 for a
/// decided plan (archived and published), plain tagged PDF for drafts and proposals.
pub fn default_standard(plan: &Plan) -> Standard {
    match &plan.meta.value.decision {
        Some(d) if d.status == Status::Beslutad => Standard::A2bUa1,
        _ => Standard::None,
    }
}

/// A typeset document.
pub struct Built {
    pub typst_source: String,
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub timings: Vec<(&'static str, Duration)>,
}

/// Compiles and exports Typst source rendered from `plan` (a subject's model,
/// [`super::Subject::model`]); `ident` names the document (its PDF identifier, and its world in
/// the typesetter).
pub fn typeset_rendered(
    plan: &Plan,
    typst_source: String,
    ts: &mut Typesetter,
    ident: String,
    standard: Standard,
) -> Result<Built> {
    let date = plan_date(plan, ts.source_date)?;
    let extra = content_files(plan)?;
    let pdf = ts.typeset_with(
        typst_source,
        ExportOptions {
            ident,
            timestamp: date,
            standard,
        },
        &extra,
        &|rel: &Path, path: &str| locate_in(plan, rel, path),
    )?;
    Ok(Built {
        typst_source: pdf.typst_source,
        pages: pdf.pages,
        pdf: pdf.bytes,
        timings: pdf.timings,
    })
}

/// Where a source marker of generated Typst (`// @content PATH FILE`) points: the file, and
/// the line of the value or of the block it was made from.
pub fn locate_in(plan: &Plan, rel: &Path, path: &str) -> (std::path::PathBuf, Option<Pos>) {
    let file = render::view::content_root(plan).join(rel);
    let pos = plan.pos_or_ancestor(&file, &ValuePath::parse(path));
    (file, pos)
}

/// Compiles Typst source rendered from `plan` into pages, as [`typeset_rendered`] does before
/// it exports them, in the world `ident` (`vplan preview` draws the pages). Returns the pages
/// and the source compiled last.
pub fn compile_rendered(
    plan: &Plan,
    typst_source: String,
    ts: &mut Typesetter,
    ident: String,
) -> Result<Compiled> {
    let options = ExportOptions {
        ident,
        timestamp: plan_date(plan, ts.source_date)?,
        standard: Standard::None,
    };
    let extra = content_files(plan)?;
    ts.compile_with(typst_source, &options, &extra, &|rel: &Path, path: &str| {
        locate_in(plan, rel, path)
    })
}

/// A document compiled into pages ([`Typesetter::compile_with`]).
pub struct Compiled {
    pub doc: PagedDocument,
    /// The source compiled last (with the words a page broke kept whole).
    pub typst_source: String,
    /// The world it was compiled in ([`Typesetter::world`]).
    pub world: String,
}

/// The first two rounds of [`Typesetter::compile_with`] at once, on two threads: the
/// source as rendered in the document's world, and in the world of words kept whole the
/// source with the words the last compile of this document kept whole (moved by the
/// edit). When the first round finds exactly those words, the second round's result is
/// what compiling their source after it gives (the same source, the same world), only
/// earlier: it is returned. When it finds other words (or none), the first round's result
/// is returned, and the caller goes on from it. `None` when there is no guess (no words kept
/// last time, or one in the edited stretch): the caller compiles as usual.
fn round_ahead(
    (worlds, last_words, names): (&mut Worlds, &mut LastWords, &Arc<TemplateNames>),
    source: &str,
    options: &ExportOptions,
    assets: &[(String, Vec<u8>)],
    locate: typeset::Locate,
) -> Result<Option<Ahead>> {
    let Some(guess) = last_words
        .get(&options.ident)
        .and_then(|(old, words)| moved_words(old, source, words))
        .filter(|words| !words.is_empty())
    else {
        return Ok(None);
    };
    let kept = kept_world(&options.ident);
    let boxed = typeset::keep_words_whole(source, &guess);
    let today = options.timestamp;
    worlds.get_from(
        &options.ident,
        &options.ident,
        source.to_string(),
        names,
        assets,
        today,
    )?;
    worlds.get_from(&kept, &options.ident, boxed.clone(), names, assets, today)?;
    let first = worlds.compiled(&options.ident).expect("just updated");
    let second = worlds.compiled(&kept).expect("just updated");
    // The second round's errors are not located: on an error it is compiled again.
    // On rayon's threads (Typst's own pool): no thread started and ended per rebuild.
    let (result, ahead) = rayon::join(
        || typeset::compile(first, locate),
        || typeset::compile(second, &typeset::no_positions),
    );
    let (doc, warnings) = result?;
    let words = typeset::words_broken_across_pages(first, &doc);
    last_words.insert(options.ident.clone(), (source.to_string(), words.clone()));
    Ok(Some(match ahead {
        Ok(result) if words == guess => Ahead {
            second: Some(boxed),
            result,
        },
        _ => Ahead {
            second: None,
            result: (doc, warnings),
        },
    }))
}

/// Per document, the source its last first round compiled and the words it found broken across
/// pages ([`round_ahead`]).
type LastWords = std::collections::HashMap<String, (String, Vec<std::ops::Range<usize>>)>;

/// The templates' static files, with the content's files (the logo) beside them when it has any.
fn with_extra<'a>(
    assets: &'a [(String, Vec<u8>)],
    extra: &[(String, Vec<u8>)],
) -> std::borrow::Cow<'a, [(String, Vec<u8>)]> {
    if extra.is_empty() {
        std::borrow::Cow::Borrowed(assets)
    } else {
        std::borrow::Cow::Owned(assets.iter().chain(extra).cloned().collect())
    }
}

/// What [`round_ahead`] compiled: the second round (its source) and its result, or only the
/// first round's result.
struct Ahead {
    second: Option<String>,
    result: (PagedDocument, Vec<String>),
}

/// `words` (byte ranges of `old`) where they stand in `new`: `new` is `old` with one stretch
/// changed (an edit), so a word before it stands where it stood, a word after it moved by the
/// change in length. `None` when a word is in the changed stretch.
fn moved_words(
    old: &str,
    new: &str,
    words: &[std::ops::Range<usize>],
) -> Option<Vec<std::ops::Range<usize>>> {
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let (old_tail, new_tail) = (old.len() - suffix, new.len() - suffix);
    words
        .iter()
        .map(|w| {
            if w.end <= prefix {
                Some(w.clone())
            } else if w.start >= old_tail {
                Some(w.start - old_tail + new_tail..w.end - old_tail + new_tail)
            } else {
                None
            }
        })
        .collect()
}

/// The world of a document's source with the words a page broke kept whole.
fn kept_world(ident: &str) -> String {
    format!("{ident} (words kept whole)")
}

/// Rounds of setting a document again with the words a page broke kept whole (each may move
/// the next page break onto another word).
const MAX_WHOLE_WORD_ROUNDS: usize = 3;

/// The templates made ready for Typst (the built-in set, with a project's directory over it):
/// read once, the static files kept, and one long-lived Typst world per document, so that a
/// rebuild in the same process is incremental.
pub struct Typesetter {
    templates: Templates,
    read: Read,
    worlds: Worlds,
    /// Every compiled document's layout, by ident, when asked for (tests that look at where
    /// text lands on the page, and render pages to compare them with reference images).
    layouts: Option<Vec<Layout>>,
    /// See [`Typesetter::keep_words_whole`].
    whole_words: bool,
    /// See [`Typesetter::with_source_date`].
    source_date: Option<Datetime>,
    /// See [`round_ahead`].
    last_words: LastWords,
}

/// A compiled document's layout, kept by [`Typesetter::keep_layouts`].
#[doc(hidden)]
pub struct Layout {
    /// The document's ident (its file stem).
    pub ident: String,
    /// The pages.
    pub doc: PagedDocument,
    /// Typst's warnings while compiling it (a build does not show them).
    pub warnings: Vec<String>,
}

/// The templates as read for a build.
struct Read {
    /// The minijinja environment; it keeps each template parsed once it has been used.
    renderer: Renderer,
    /// The static files, for the Typst world.
    assets: Vec<(String, Vec<u8>)>,
    /// How errors name the templates' files.
    names: Arc<TemplateNames>,
}

impl Read {
    fn new(templates: &Templates) -> Result<Self> {
        let files = templates.read()?;
        Ok(Read {
            renderer: Renderer::new(&files)?,
            assets: files
                .statics()
                .map(|f| (f.name.clone(), f.bytes.to_vec()))
                .collect(),
            names: Arc::new(TemplateNames {
                whole: files.shown.clone(),
                files: files
                    .files
                    .iter()
                    .map(|f| (f.name.clone(), f.shown.clone()))
                    .collect(),
            }),
        })
    }
}

impl Typesetter {
    pub fn new(templates: &Templates) -> Result<Self> {
        Ok(Typesetter {
            templates: templates.clone(),
            read: Read::new(templates)?,
            worlds: Worlds::default(),
            layouts: None,
            whole_words: true,
            source_date: None,
            last_words: Default::default(),
        })
    }

    /// The date of every PDF this typesetter makes of a plan, in place of the plan's decision
    /// date: `SOURCE_DATE_EPOCH`, which the command line reads ([`source_date`]).
    pub fn with_source_date(mut self, date: Option<Datetime>) -> Self {
        self.source_date = date;
        self
    }

    /// Whether a word a page would break is kept whole (on by default): off, a document is
    /// compiled once, as Typst sets it (the plain baseline of `vplan bench --long`).
    pub fn keep_words_whole(&mut self, on: bool) {
        self.whole_words = on;
    }

    /// Keeps the layout of every document compiled from now on, for [`Self::take_layouts`].
    #[doc(hidden)]
    pub fn keep_layouts(&mut self) {
        self.layouts = Some(Vec::new());
    }

    /// The layouts kept since [`Self::keep_layouts`], in the order compiled.
    #[doc(hidden)]
    pub fn take_layouts(&mut self) -> Vec<Layout> {
        self.layouts
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Where the templates come from.
    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// The minijinja renderer over the templates.
    pub fn renderer(&self) -> &Renderer {
        &self.read.renderer
    }

    /// Reads the templates again (after a file of the project's templates directory changed);
    /// on an error the templates read before stay in use.
    pub fn reload(&mut self) -> Result<()> {
        self.read = Read::new(&self.templates)?;
        Ok(())
    }

    /// Compiles Typst source and exports a PDF, in the world of the document `options.ident`.
    pub fn typeset(&mut self, typst_source: String, options: ExportOptions) -> Result<Pdf> {
        self.typeset_with(typst_source, options, &[], &typeset::no_positions)
    }

    /// Writes Typst's timing trace of the compiles since [`Worlds::start_trace`] to `out`,
    /// its spans read in this typesetter's worlds.
    pub fn write_trace(&self, out: impl std::io::Write) -> Result<()> {
        self.worlds.write_trace(out)
    }

    /// [`Typesetter::typeset`] with files from the content (the logo) beside the templates'
    /// static files, and a way to find the content line behind a Typst error.
    pub fn typeset_with(
        &mut self,
        typst_source: String,
        options: ExportOptions,
        extra: &[(String, Vec<u8>)],
        locate: typeset::Locate,
    ) -> Result<Pdf> {
        let mut timings = Vec::new();
        let t = Instant::now();
        let compiled = self.compile_with(typst_source, &options, extra, locate)?;
        let (doc, source) = (compiled.doc, compiled.typst_source);
        let world = self
            .worlds
            .compiled(&compiled.world)
            .expect("the world was just compiled");
        timings.push(("compile", t.elapsed()));
        let t = Instant::now();
        let pdf = typeset::export_pdf(world, &doc, &options, locate)?;
        timings.push(("export", t.elapsed()));
        Ok(Pdf {
            typst_source: source,
            bytes: pdf,
            pages: doc.pages().len(),
            timings,
        })
    }

    /// Compiles Typst source into pages, in the worlds of the document `options.ident`, as
    /// [`Typesetter::typeset_with`] does before it exports them (`vplan preview` draws the
    /// pages instead).
    ///
    /// The source as rendered is compiled in the document's world, the source with the words a
    /// page broke kept whole in a second world of its own ([`kept_world`]): each world's next
    /// compile then differs from its last only by what the content changed, and Typst reuses
    /// the rest. (One world for both would see a dozen boxes come and go on every rebuild.)
    pub fn compile_with(
        &mut self,
        typst_source: String,
        options: &ExportOptions,
        extra: &[(String, Vec<u8>)],
        locate: typeset::Locate,
    ) -> Result<Compiled> {
        let assets = with_extra(&self.read.assets, extra);
        let assets = &assets[..];
        // A word Typst hyphenated across a page break is kept whole, and the document set
        // again (incrementally: only what follows it changes), until no page ends in a broken
        // word, at most a few rounds.
        let mut source = typst_source;
        let mut rounds = if self.whole_words {
            MAX_WHOLE_WORD_ROUNDS
        } else {
            0
        };
        let kept = kept_world(&options.ident);
        let mut ident = &options.ident;
        let rendered = source.clone();
        // The second round, begun beside the first with the words the last rebuild kept whole
        // (a rebuild after an edit mostly keeps the same): its result, when they are the words.
        let mut ahead = match rounds {
            0 => None,
            _ => round_ahead(
                (&mut self.worlds, &mut self.last_words, &self.read.names),
                &source,
                options,
                assets,
                locate,
            )?,
        };
        let (doc, warnings) = loop {
            let (doc, warnings) = match ahead.take() {
                Some(round) => {
                    if let Some(boxed) = round.second {
                        (source, ident, rounds) = (boxed, &kept, rounds - 1);
                    }
                    round.result
                }
                None => {
                    let world = self.worlds.get_from(
                        ident,
                        &options.ident,
                        source.clone(),
                        &self.read.names,
                        assets,
                        options.timestamp,
                    )?;
                    typeset::compile(world, locate)?
                }
            };
            let world = self.worlds.compiled(ident).expect("just compiled");
            let words = match rounds {
                0 => Vec::new(),
                _ => typeset::words_broken_across_pages(world, &doc),
            };
            if ident == &options.ident && rounds > 0 {
                self.last_words
                    .insert(options.ident.clone(), (rendered.clone(), words.clone()));
            }
            if words.is_empty() {
                break (doc, warnings);
            }
            source = typeset::keep_words_whole(&source, &words);
            rounds -= 1;
            ident = &kept;
        };
        let world = ident.clone();
        if let Some(layouts) = &mut self.layouts {
            layouts.push(Layout {
                ident: options.ident.clone(),
                doc: doc.clone(),
                warnings,
            });
        }
        Ok(Compiled {
            doc,
            typst_source: source,
            world,
        })
    }

    /// The world of the document `ident` as last compiled (its sources, for click to source).
    pub fn world(&self, ident: &str) -> Option<&typeset::PlanWorld> {
        self.worlds.compiled(ident)
    }
}

/// The PDF date of a plan: `source_date` when given (`SOURCE_DATE_EPOCH`, which the command
/// line reads, [`source_date`]), else its decision date.
pub fn plan_date(plan: &Plan, source_date: Option<Datetime>) -> Result<Datetime> {
    if let Some(date) = source_date {
        return Ok(date);
    }
    let meta = &plan.meta;
    crate::content::dates::parse_date(&meta.value.decision_date)
        .and_then(|(y, m, d)| Datetime::from_ymd_hms(y, m, d, 12, 0, 0))
        .ok_or_else(|| {
            Error::Content(vec![Diagnostic::error(
                Code::InvalidDate,
                &meta.file,
                format!(
                    "decision_date `{}` is not a date of the form YYYY-MM-DD",
                    meta.value.decision_date
                ),
            )])
        })
}

/// The environment variable of reproducible builds that sets the PDF's creation date.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// The value of `SOURCE_DATE_EPOCH` (reproducible builds) as a date. The library reads no
/// environment: the command line reads the variable and passes its value. A value that is not
/// a whole number of seconds since 1970-01-01 (digits only), or that gives a year out of
/// [`crate::content::dates::YEARS`], is refused (a usage error naming the variable), never
/// ignored nor blamed on the plan.
pub fn source_date(raw: &std::ffi::OsStr) -> Result<Datetime> {
    let text = raw.to_string_lossy();
    let value = text.trim();
    let years = crate::content::dates::YEARS;
    let bad = |why: &str| {
        crate::usage_error!(
            "{SOURCE_DATE_EPOCH}={text:?} {why}: give the seconds since 1970-01-01 00:00 UTC (`date +%s`, a year up to {}), or unset it",
            years.end()
        )
    };
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("is not a timestamp"));
    }
    let epoch: i64 = value.parse().map_err(|_| bad("is out of range"))?;
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    // About 1 100 years: far past the last year allowed, and small enough that the year
    // computed from it is exact (never cut to an `i32` that lands in range again).
    if days > 400_000 {
        return Err(bad("is out of range"));
    }
    let (y, m, d) = crate::content::dates::civil_from_days(days);
    if !u32::try_from(y).is_ok_and(|y| years.contains(&y)) {
        return Err(bad("is out of range"));
    }
    Datetime::from_ymd_hms(
        y,
        m,
        d,
        (secs / 3600) as u8,
        (secs % 3600 / 60) as u8,
        (secs % 60) as u8,
    )
    .ok_or_else(|| bad("is out of range"))
}

/// A compiled and exported PDF.
pub struct Pdf {
    /// The Typst source compiled: the rendered source, with the words a page broke kept whole.
    pub typst_source: String,
    pub bytes: Vec<u8>,
    pub pages: usize,
    pub timings: Vec<(&'static str, Duration)>,
}

#[cfg(test)]
mod round_ahead_tests {
    use super::moved_words;

    #[test]
    fn words_move_with_an_edit_before_them_and_stay_before_it() {
        let old = "aaa ord1 bbb EDIT ccc ord2 ddd";
        let new = "aaa ord1 bbb LONGER EDIT ccc ord2 ddd";
        let at = |s: &str, w: &str| s.find(w).map(|i| i..i + w.len()).unwrap();
        let words = [at(old, "ord1"), at(old, "ord2")];
        assert_eq!(
            moved_words(old, new, &words),
            Some(vec![at(new, "ord1"), at(new, "ord2")])
        );
        // A word in the changed stretch: no guess.
        let replaced = old.replace("EDIT", "TEXT");
        assert_eq!(moved_words(old, &replaced, &[at(old, "EDIT")]), None);
        assert_eq!(
            moved_words(old, &replaced, &words),
            Some(vec![at(&replaced, "ord1"), at(&replaced, "ord2")])
        );
        // Nothing changed: the same words.
        assert_eq!(moved_words(old, old, &words), Some(words.to_vec()));
    }
}
