//! Loading `content/`: finds the YAML files with `walkdir` and deserializes them into the typed
//! model with `serde_yaml`, keeping the file each item came from so errors can point at it.
//!
//! Layout of a content directory:
//!
//! ```text
//! plan.yaml            metadata (PlanMeta)
//! chapters/*.yaml      one chapter per file, in file-name order
//! goals.yaml           perspectives → strategies → goals (optional)
//! internkontroll.yaml  the internal-control plan (optional)
//! tables/**/*.yaml     one table of amounts per file
//! appendices/*.yaml    one appendix per file, in file-name order
//! tjansteskrivelse.yaml the decision paper (optional)
//! uppfoljning/**/*.yaml follow-up reports of the plan, one per file (optional)
//! ```

pub mod amount;
pub mod dates;
pub mod items;
pub mod marks;
pub mod model;
pub mod path;
pub mod schema;
pub mod slug;
pub mod spans;
pub mod strict;
pub mod validate;
pub mod walk;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{IoContext, Result};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use walkdir::WalkDir;

use crate::diag::{Code, Diagnostic};
use crate::progress::Progress;
pub use model::*;
pub use path::ValuePath;
use spans::{Pos, SpanIndex};

/// An item together with the file it was loaded from.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub file: PathBuf,
    pub value: T,
}

/// Everything in a content directory.
#[derive(Debug, Clone)]
pub struct Plan {
    pub meta: Sourced<PlanMeta>,
    pub chapters: Vec<Sourced<Chapter>>,
    pub appendices: Vec<Sourced<Appendix>>,
    pub goals: Option<Sourced<Goals>>,
    pub internal_control: Option<Sourced<InternalControl>>,
    /// The decision paper (tjänsteskrivelse), when the content has one.
    pub paper: Option<Sourced<DecisionPaper>>,
    /// Tables by id.
    pub tables: BTreeMap<String, Sourced<Table>>,
    /// The follow-up reports of the plan (`uppfoljning/`), in file order, ids unique.
    pub reports: Vec<Sourced<FollowUp>>,
    /// Positions of the values of every file loaded, indexed when first asked for (only an
    /// error needs them, so a clean build does not pay for them).
    pub spans: HashMap<PathBuf, LazySpans>,
    /// Files of the content directory that are not read ([`unread`]): warnings, which
    /// `check` reports.
    pub unread: Vec<Diagnostic>,
}

impl Plan {
    /// Line and column of the value at `path` (e.g. `rows.3.values.1`) in a content file: where
    /// a diagnostic about it points. The value is written there: a debug build asserts it
    /// ([`SpanIndex::at`]), except in a file read with its mistakes repaired (a key the model
    /// reads may be written misspelt). `None` for a file that was not loaded from text.
    pub fn pos(&self, file: &Path, path: &ValuePath) -> Option<Pos> {
        let spans = self.spans.get(file)?;
        if spans.repaired {
            return spans.index().at_or_ancestor(path);
        }
        spans.index().at(path)
    }

    /// Line and column of the value at `path` or, when the file does not write it (a required
    /// key left out, a default), of its nearest written ancestor.
    pub fn pos_or_ancestor(&self, file: &Path, path: &ValuePath) -> Option<Pos> {
        self.spans.get(file)?.index().at_or_ancestor(path)
    }

    /// The text of a content file as it was loaded.
    pub fn source(&self, file: &Path) -> Option<&str> {
        self.spans.get(file).map(LazySpans::text)
    }
}

/// The text of a content file and, once asked for, the index of its values' positions.
#[derive(Debug, Clone)]
pub struct LazySpans {
    text: String,
    index: std::sync::OnceLock<SpanIndex>,
    /// Whether the file was read from its text with its mistakes blanked out or respelt
    /// ([`Loaded::errors`]): the model may then hold a value at a path the text does not
    /// write (`titel:` read as `title`).
    repaired: bool,
}

impl LazySpans {
    fn new(text: String, repaired: bool) -> Self {
        LazySpans {
            text,
            index: std::sync::OnceLock::new(),
            repaired,
        }
    }

    /// The file's text as it was loaded.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn index(&self) -> &SpanIndex {
        self.index.get_or_init(|| SpanIndex::new(&self.text))
    }
}

pub use crate::diag::MAX_FILE_BYTES;

/// The Markdown of prose texts (text blocks, table notes, text-table cells, the decision
/// paper): CommonMark with tables and task lists. The renderer (`render::markdown`), the checks
/// (`check::markdown`) and the figure references (`figures::refs`, which skip code spans) all
/// parse with these options, so they see the same structure.
pub const MARKDOWN: pulldown_cmark::Options =
    pulldown_cmark::Options::ENABLE_TABLES.union(pulldown_cmark::Options::ENABLE_TASKLISTS);

/// A file of `uppfoljning/` that gives the plan no report: it did not load, or an earlier file
/// has its id. Its problems are that report's alone: they stop what judges the report (`check`,
/// `build --report ID`), not the plan or another report.
#[derive(Debug, Clone)]
pub struct UnloadedReport {
    pub file: PathBuf,
    /// The id the file gives, when it can be read.
    pub id: Option<String>,
    /// Why it gives no report (errors).
    pub diagnostics: Vec<Diagnostic>,
}

/// A content directory loaded: the plan, or the problems of its own files that stop it; and
/// the files of `uppfoljning/` that give no report, apart (one report's draft stops no other
/// document).
pub struct Loaded {
    pub plan: std::result::Result<Plan, Vec<Diagnostic>>,
    pub unloaded: Vec<UnloadedReport>,
    /// The errors of files that loaded all the same (a key the file may not have, or a value
    /// it may do without, was read as absent: see `validate`), when the plan loaded: the plan's
    /// files' and its reports'. They fail what judges them; the later checks run on the rest.
    pub errors: Vec<Diagnostic>,
}

/// Loads a content directory. Content problems (syntax, types, missing files) are collected
/// across all files: those of the plan's files in [`Loaded::plan`], those of a follow-up
/// report's file in [`Loaded::unloaded`]. An unreadable directory is an I/O error.
pub fn load(dir: &Path, progress: &dyn Progress) -> Result<Loaded> {
    if !dir.is_dir() {
        crate::usage!("content directory {} does not exist", dir.display());
    }
    let mut diags = Vec::new();
    let mut report_diags = Vec::new();
    let mut spans = HashMap::new();
    let root = dir.canonicalize().at("read the content directory", dir)?;
    let mut incomplete = false;
    let mut loader = Loader {
        progress,
        diags: &mut diags,
        spans: &mut spans,
        root: root.clone(),
        incomplete: &mut incomplete,
    };

    let meta = loader.file::<PlanMeta>(&dir.join("plan.yaml"), true);
    let chapters = loader.dir::<Chapter>(&dir.join("chapters"));
    let appendices = loader.dir::<Appendix>(&dir.join("appendices"));
    let goals = loader.file::<Goals>(&dir.join("goals.yaml"), false);
    let internal_control = loader.file::<InternalControl>(&dir.join("internkontroll.yaml"), false);
    let paper = loader.file::<DecisionPaper>(&dir.join("tjansteskrivelse.yaml"), false);
    let loaded_tables = loader.dir::<Table>(&dir.join("tables"));
    // A report's file is its own: what is wrong with it is kept apart from the plan's problems.
    let loaded_reports = Loader {
        progress,
        diags: &mut report_diags,
        spans: &mut spans,
        root: root.clone(),
        incomplete: &mut false,
    }
    .dir::<FollowUp>(&dir.join("uppfoljning"));
    let tables = unique_tables(loaded_tables, &mut diags, &mut incomplete);
    let (report_errors, mut unloaded) = report_problems(report_diags, &loaded_reports, dir, &root);
    let reports = unique_reports(loaded_reports, &spans, &mut unloaded);
    if chapters.is_empty() && !incomplete {
        diags.push(Diagnostic::error(
            Code::MissingFile,
            dir.join("chapters"),
            "no chapters found: add at least one YAML file under chapters/",
        ));
        incomplete = true;
    }

    let logo = meta
        .as_ref()
        .and_then(|m| m.value.logo.as_ref())
        .map(|l| l.file.as_str());
    let unread = unread(dir, logo);
    let (plan, errors) = match meta {
        Some(meta) if !incomplete => (
            Ok(Plan {
                meta,
                chapters,
                appendices,
                goals,
                internal_control,
                paper,
                tables,
                reports,
                spans,
                unread,
            }),
            {
                diags.extend(report_errors);
                diags
            },
        ),
        _ => {
            diags.extend(unread);
            // A report that loaded cannot be judged without its plan: its errors are kept
            // with it, as those of a report that did not load.
            for d in report_errors {
                let file = d.file.clone().unwrap_or_default();
                keep_unloaded(&mut unloaded, d, file, &root);
            }
            (Err(diags), Vec::new())
        }
    };
    Ok(Loaded {
        plan,
        unloaded,
        errors,
    })
}

/// The tables by id; a second table of an id is an error (in `diags`) and leaves the plan
/// `incomplete`.
fn unique_tables(
    loaded: Vec<Sourced<Table>>,
    diags: &mut Vec<Diagnostic>,
    incomplete: &mut bool,
) -> BTreeMap<String, Sourced<Table>> {
    let mut tables = BTreeMap::new();
    for table in loaded {
        if let Some(first) = tables.get(&table.value.id) {
            let first: &Sourced<Table> = first;
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    &table.file,
                    format!("duplicate table id `{}`", table.value.id),
                )
                .with_hint(format!("first defined in {}", first.file.display())),
            );
            *incomplete = true;
            continue;
        }
        tables.insert(table.value.id.clone(), table);
    }
    tables
}

/// The problems of the report files: those of a report file that loaded (that report's
/// draft), and the report files that did not load (they give no report), each with its own.
fn report_problems(
    report_diags: Vec<Diagnostic>,
    loaded: &[Sourced<FollowUp>],
    dir: &Path,
    root: &Path,
) -> (Vec<Diagnostic>, Vec<UnloadedReport>) {
    let mut report_errors = Vec::new();
    let mut unloaded: Vec<UnloadedReport> = Vec::new();
    for d in report_diags {
        if d.file
            .as_deref()
            .is_some_and(|f| loaded.iter().any(|r| r.file == f))
        {
            report_errors.push(d);
            continue;
        }
        let file = d.file.clone().unwrap_or_else(|| dir.join("uppfoljning"));
        keep_unloaded(&mut unloaded, d, file, root);
    }
    (report_errors, unloaded)
}

/// A problem of report file `file`, which gives no report: kept with the file's others.
fn keep_unloaded(unloaded: &mut Vec<UnloadedReport>, d: Diagnostic, file: PathBuf, root: &Path) {
    match unloaded.iter_mut().find(|u| u.file == file) {
        Some(u) => u.diagnostics.push(d),
        None => unloaded.push(UnloadedReport {
            id: report_id_of(&file, root),
            file,
            diagnostics: vec![d],
        }),
    }
}

/// The reports, each id once: a second report of an id gives no report (it joins `unloaded`).
fn unique_reports(
    loaded: Vec<Sourced<FollowUp>>,
    spans: &HashMap<PathBuf, LazySpans>,
    unloaded: &mut Vec<UnloadedReport>,
) -> Vec<Sourced<FollowUp>> {
    let mut reports: Vec<Sourced<FollowUp>> = Vec::new();
    for report in loaded {
        if let Some(first) = reports.iter().find(|r| r.value.id == report.value.id) {
            let pos = spans
                .get(&report.file)
                .and_then(|s| s.index().nearest("id"));
            unloaded.push(UnloadedReport {
                file: report.file.clone(),
                id: Some(report.value.id.clone()),
                diagnostics: vec![Diagnostic::error(
                    Code::DuplicateId,
                    &report.file,
                    format!("duplicate report id `{}`", report.value.id),
                )
                .at_pos(pos)
                .with_hint(format!("first defined in {}", first.file.display()))],
            });
            continue;
        }
        reports.push(report);
    }
    reports
}

/// The `id` of a report file that did not load, when its YAML can be read as a map at all
/// (the report's problems are then that report's, named by its id). Not tried on a file the
/// loader refuses before reading it as YAML (a link out of the content directory `root`,
/// nested too deep, aliases expanding too far).
fn report_id_of(path: &Path, root: &Path) -> Option<String> {
    if !path.canonicalize().is_ok_and(|real| real.starts_with(root)) {
        return None;
    }
    let text = read_text(path).ok()?;
    if spans::prescan(&text, spans::MAX_DEPTH).is_some() {
        return None;
    }
    let value: serde_yaml::Value = serde_yaml::from_str(&text).ok()?;
    value.get("id")?.as_str().map(str::to_string)
}

/// The `id`s of the YAML files under `folder` of a content directory (`tables`, `appendices`,
/// `uppfoljning`), in path order, read leniently: a file is asked only for its top-level `id`,
/// and a file that cannot be read or gives none is passed over, as is one the loader would
/// refuse before reading it (a link out of the directory, nested too deep). For the command
/// line's completion of a plan that does not load; never an error.
pub fn ids_in(dir: &Path, folder: &str) -> Vec<String> {
    let Ok(root) = dir.canonicalize() else {
        return Vec::new();
    };
    let mut ids: Vec<String> = Vec::new();
    for entry in WalkDir::new(dir.join(folder))
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let is_yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if !entry.file_type().is_dir() && is_yaml && !hidden {
            if let Some(id) = report_id_of(path, &root).filter(|id| !ids.contains(id)) {
                ids.push(id);
            }
        }
    }
    ids
}

/// The files at the top of a content directory that the loader reads.
pub const TOP_FILES: &[&str] = &[
    "plan.yaml",
    "goals.yaml",
    "internkontroll.yaml",
    "tjansteskrivelse.yaml",
];

/// The directories whose `.yaml` files (at any depth) the loader reads.
pub const CONTENT_DIRS: &[&str] = &["chapters", "appendices", "tables", "uppfoljning"];

/// Where `vplan init` and `vplan schema` put the JSON Schemas editors read.
pub const SCHEMA_DIR: &str = "schemas";

/// A warning for every file of the content directory that nothing reads: a misnamed file
/// (`plan.yml`, `chapter/01.yaml`) or one put in the wrong place would otherwise be ignored
/// without a word. Read, or expected, are: [`TOP_FILES`], the `.yaml` (or `.yml`) files in
/// [`CONTENT_DIRS`], the JSON Schemas in [`SCHEMA_DIR`] and the logo (`logo.file`, with its
/// directory). Not reported: hidden files and directories (`.gitkeep`, `.DS_Store`, `.git`,
/// vplan's own temporary files), editors' backup files (`x.yaml~`, `#x.yaml#`) and a
/// `README` or `LÄSMIG` file. An unknown directory is one warning, not one per file.
pub fn unread(dir: &Path, logo: Option<&str>) -> Vec<Diagnostic> {
    let logo: Option<PathBuf> = logo.map(|l| {
        Path::new(l.trim())
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    });
    let is_logo = |rel: &Path| logo.as_deref().is_some_and(|l| l == rel);
    let holds_logo = |rel: &Path| logo.as_deref().is_some_and(|l| l.starts_with(rel));
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    let known_dirs: Vec<&str> = CONTENT_DIRS.iter().chain([&SCHEMA_DIR]).copied().collect();
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = PathBuf::from(&name);
        if ignored(&name) || holds_logo(&rel) {
            continue;
        }
        let path = entry.path();
        let is_dir = path.is_dir();
        if is_dir && CONTENT_DIRS.contains(&name.as_str()) {
            out.extend(unread_in(dir, &path, &is_logo));
        } else if is_dir && name == SCHEMA_DIR {
            out.extend(unread_schemas(&path));
        } else if is_dir && holds_only_output(&path) {
            // `build --output` may write into the content directory; what it writes is not
            // content, and nothing there could be lost.
            continue;
        } else if is_dir {
            out.push(
                Diagnostic::warning(
                    Code::FileNotRead,
                    &path,
                    format!("the directory `{name}/` is not read: vplan reads only {}", layout()),
                )
                .with_hint(crate::suggest::did_you_mean(&name, &known_dirs).unwrap_or_else(
                    || "move the files that belong to the plan where they belong, and the rest out of the content directory".into(),
                )),
            );
        } else if !TOP_FILES.contains(&name.as_str()) {
            let hint = crate::suggest::did_you_mean(&name, TOP_FILES).unwrap_or_else(|| {
                if is_yaml(&path) {
                    "a chapter goes into chapters/, an appendix into appendices/, a table into tables/, a follow-up report into uppfoljning/; anything else out of the content directory".into()
                } else {
                    "remove it from the content directory, or move it out".into()
                }
            });
            out.push(
                Diagnostic::warning(
                    Code::FileNotRead,
                    &path,
                    format!("`{name}` is not read: vplan reads only {}", layout()),
                )
                .with_hint(hint),
            );
        }
    }
    out
}

/// A directory that holds nothing but what `vplan build` writes (PDFs, `--emit-typst`
/// sources, its temporary files), or nothing at all.
fn holds_only_output(dir: &Path) -> bool {
    WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .all(|e| {
            let name = e.file_name().to_string_lossy();
            name.starts_with('.')
                || matches!(
                    e.path().extension().and_then(|x| x.to_str()),
                    Some("pdf" | "typ")
                )
        })
}

/// What the loader reads, for a message.
fn layout() -> String {
    format!(
        "{} and the .yaml files in {}/ (and the logo named in plan.yaml)",
        TOP_FILES.join(", "),
        CONTENT_DIRS.join("/, ")
    )
}

/// Hidden files, editors' backups and read-me files, which are not content and not reported.
fn ignored(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || ["readme", "läsmig", "lasmig"]
            .iter()
            .any(|p| lower.starts_with(p))
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Files in `chapters/`, `appendices/` or `tables/` that are not YAML (the loader reads every
/// `.yaml` and `.yml` file there, in subdirectories too).
fn unread_in(root: &Path, sub: &Path, is_logo: &dyn Fn(&Path) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let walk = WalkDir::new(sub)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !ignored(&e.file_name().to_string_lossy()));
    for entry in walk.filter_map(|e| e.ok()) {
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(path);
        if entry.file_type().is_dir() || is_yaml(path) || is_logo(rel) {
            continue;
        }
        let folder = sub.file_name().unwrap_or_default().to_string_lossy();
        out.push(
            Diagnostic::warning(
                Code::FileNotRead,
                path,
                format!(
                    "`{}` is not read: only the .yaml files in {folder}/ are",
                    rel.display()
                ),
            )
            .with_hint(if folder == "tables" && path.extension().is_some_and(|e| e == "xlsx" || e == "csv") {
                "a spreadsheet's amounts come into a table's YAML with `vplan import`; keep the workbook outside the content directory"
            } else {
                "give it the extension .yaml if it belongs to the plan, or move it out of the content directory"
            }),
        );
    }
    out
}

/// Files in `schemas/` other than JSON Schemas.
fn unread_schemas(dir: &Path) -> Vec<Diagnostic> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    paths
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            let schema = p.is_file() && name.ends_with(".json");
            !(ignored(&name) || schema)
        })
        .map(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            let slash = if p.is_dir() { "/" } else { "" };
            Diagnostic::warning(
                Code::FileNotRead,
                &p,
                format!("`{SCHEMA_DIR}/{name}{slash}` is not read: {SCHEMA_DIR}/ holds the JSON Schemas editors read (`vplan schema` writes them), nothing of the plan"),
            )
            .with_hint("move it out of schemas/")
        })
        .collect()
}

struct Loader<'a> {
    progress: &'a dyn Progress,
    diags: &'a mut Vec<Diagnostic>,
    spans: &'a mut HashMap<PathBuf, LazySpans>,
    /// The canonical content directory: no file outside it is read.
    root: PathBuf,
    /// A file gave no item (or could not be listed): the plan is not whole, so nothing is
    /// judged beyond the files' own problems.
    incomplete: &'a mut bool,
}

impl Loader<'_> {
    /// Loads one file; a missing optional file is `None` without a diagnostic.
    fn file<T: DeserializeOwned + JsonSchema>(
        &mut self,
        path: &Path,
        required: bool,
    ) -> Option<Sourced<T>> {
        if !path.exists() {
            if required {
                self.diags.push(Diagnostic::error(
                    Code::MissingFile,
                    path,
                    "required file is missing",
                ));
                *self.incomplete = true;
            }
            return None;
        }
        self.parse(path)
    }

    /// Loads every `*.yaml` file under a directory (recursively), in path order.
    fn dir<T: DeserializeOwned + JsonSchema>(&mut self, dir: &Path) -> Vec<Sourced<T>> {
        if !dir.is_dir() {
            return Vec::new();
        }
        let mut paths = Vec::new();
        for entry in WalkDir::new(dir).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().unwrap_or(dir).to_path_buf();
                    self.diags.push(Diagnostic::error(
                        Code::UnreadableFile,
                        path,
                        format!("cannot read: {e}"),
                    ));
                    *self.incomplete = true;
                    continue;
                }
            };
            let path = entry.path();
            let is_yaml = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            );
            if entry.file_type().is_dir() || !is_yaml {
                continue;
            }
            paths.push(path.to_path_buf());
        }
        // (Parsing these few small files in parallel was measured: no faster.)
        paths.iter().filter_map(|path| self.parse(path)).collect()
    }

    fn parse<T: DeserializeOwned + JsonSchema>(&mut self, path: &Path) -> Option<Sourced<T>> {
        self.progress
            .say(format_args!("loading {}", path.display()));
        let parsed = parse_file(path, &self.root);
        self.merge(parsed)
    }

    fn merge<T>(&mut self, parsed: Parsed<T>) -> Option<Sourced<T>> {
        self.diags.extend(parsed.diags);
        if parsed.item.is_none() {
            *self.incomplete = true;
        }
        if let Some((path, spans)) = parsed.spans {
            self.spans.insert(path, spans);
        }
        parsed.item
    }
}

/// One file parsed: the item, or the diagnostics of why not.
struct Parsed<T> {
    item: Option<Sourced<T>>,
    diags: Vec<Diagnostic>,
    spans: Option<(PathBuf, LazySpans)>,
}

/// Reads and deserializes one content file, refusing files outside `root`.
fn parse_file<T: DeserializeOwned + JsonSchema>(path: &Path, root: &Path) -> Parsed<T> {
    let fail = |d: Diagnostic| Parsed {
        item: None,
        diags: vec![d],
        spans: None,
    };
    if let Some(d) = outside_root(path, root) {
        return fail(d);
    }
    let text = match read_text(path) {
        Ok(t) => t,
        Err(e) => {
            return fail(Diagnostic::error(
                Code::UnreadableFile,
                path,
                format!("{e:#}"),
            ))
        }
    };
    if let Some(problem) = spans::prescan(&text, spans::MAX_DEPTH) {
        return fail(prescan_diagnostic(path, problem));
    }
    let read =
        |text: &str| T::deserialize(strict::Strict(serde_yaml::Deserializer::from_str(text)));
    let loaded = |value: T, diags: Vec<Diagnostic>, text: String, repaired: bool| Parsed {
        item: Some(Sourced {
            file: path.to_path_buf(),
            value,
        }),
        diags,
        spans: Some((path.to_path_buf(), LazySpans::new(text, repaired))),
    };
    match read(&text) {
        Ok(value) => loaded(value, Vec::new(), text, false),
        Err(e) => {
            let first = yaml_diagnostic(path, &text, &e);
            let Some(all) = every_mistake::<T>(path, &text, first.clone()) else {
                return fail(first);
            };
            // Mistakes that are all keys the file may do without: the file is read without
            // them, so the later checks run on it too (its errors stand).
            if let Some(value) = all.without.as_deref().and_then(|t| read(t).ok()) {
                return loaded(value, all.diags, text, true);
            }
            Parsed {
                item: None,
                diags: all.diags,
                spans: None,
            }
        }
    }
}

/// Why file `path` is not read when it is not inside the content directory `root` (a link to
/// a file outside it), or cannot be resolved.
fn outside_root(path: &Path, root: &Path) -> Option<Diagnostic> {
    match path.canonicalize() {
        Ok(real) if real.starts_with(root) => None,
        Ok(real) => Some(
            Diagnostic::error(
                Code::UnreadableFile,
                path,
                format!(
                    "refusing to read this file: it is a link to {}, outside the content directory",
                    real.display()
                ),
            )
            .with_hint("copy the file into the content directory instead"),
        ),
        Err(e) => Some(Diagnostic::error(
            Code::UnreadableFile,
            path,
            format!("cannot read the file: {e}"),
        )),
    }
}

/// The error of a problem the prescan of a file's YAML found.
fn prescan_diagnostic(path: &Path, problem: spans::Problem) -> Diagnostic {
    match problem {
        spans::Problem::TooDeep(pos) => Diagnostic::error(
            Code::YamlSyntax,
            path,
            format!(
                "the YAML is nested more than {} levels deep",
                spans::MAX_DEPTH
            ),
        )
        .at(pos.line, pos.column),
        spans::Problem::DuplicateKey { key, at, first } => Diagnostic::error(
            Code::DuplicateKey,
            path,
            format!("duplicate key `{key}` (first given on line {})", first.line),
        )
        .at(at.line, at.column)
        .with_label("given a second time here")
        .with_hint("a key may appear once in each map: remove one of them or rename it"),
        spans::Problem::TooLarge(pos) => Diagnostic::error(
            Code::YamlSyntax,
            path,
            format!(
                "the aliases (`*name`) of this file expand it to more than {} MiB",
                spans::MAX_EXPANDED_BYTES / (1024 * 1024)
            ),
        )
        .at(pos.line, pos.column)
        .with_hint("write the text out where it is needed instead of repeating an anchor"),
        spans::Problem::SecondDocument(pos) => Diagnostic::error(
            Code::YamlSyntax,
            path,
            "a second YAML document starts at this `---`: a content file holds one document",
        )
        .at(pos.line, pos.column)
        .with_label("the second document starts here")
        .with_hint("remove the `---` line if what follows belongs to this file, or move what follows it into a file of its own"),
        spans::Problem::Tag { tag, at } => {
            let number = matches!(tag.as_str(), "!!int" | "!!float");
            Diagnostic::error(
                Code::YamlSyntax,
                path,
                format!("a YAML tag, `{tag}`: vplan content takes no tags (a tag changes how a value is read, so it would not be checked as written)"),
            )
            .at(at.line, at.column)
            .with_hint(if number {
                format!("remove `{tag}` and write the number as a decimal number (`16`, `12.5`)")
            } else {
                format!("remove `{tag}`; a text that YAML would read as something else goes in quotes (\"2031\")")
            })
        }
    }
}

/// Every mistake of a file that `serde` refused, and the file's text without the keys of
/// them it can do without.
struct Mistakes {
    diags: Vec<Diagnostic>,
    /// The text with every mistaken key blanked out, when each of them may be left out.
    without: Option<String>,
}

/// All the mistakes of a file `serde` refused (at `first`): the file walked against the
/// schema of `T` (`validate`), each finding at the line of its key or value; `first` too when
/// no finding is on its line (the schema does not say everything the loader requires), unless
/// it is in the words of Rust's types and the walk found something. `None`
/// when the text is not YAML that can be walked (a syntax error is the one problem then).
fn every_mistake<T: JsonSchema>(path: &Path, text: &str, first: Diagnostic) -> Option<Mistakes> {
    let (findings, index) = validate::findings_in(&schema::validation_schema::<T>(), text)?;
    let mut diags: Vec<Diagnostic> = findings
        .iter()
        .take(validate::MAX_FINDINGS)
        .map(|f| {
            let pos =
                if f.on_key { index.key(&f.path) } else { None }.or_else(|| index.nearest(&f.path));
            let mut d = Diagnostic::error(f.code, path, f.message.clone()).at_pos(pos);
            let mut hint = f.hint.clone();
            if f.code == Code::UnknownKey {
                let key = f.path.rsplit('.').next().unwrap_or(&f.path);
                let line = pos.and_then(|p| text.lines().nth(p.line.saturating_sub(1)));
                if let Some(split) = line.and_then(|l| decimal_comma_hint(key, l)) {
                    hint = Some(split);
                }
            }
            if let Some(h) = hint {
                d = d.with_hint(h);
            }
            d
        })
        .collect();
    // Where serde's first error says in the content's words what the walk says (an amount,
    // text that YAML reads as a number), its words stay: they know how the value was written.
    // One in the words of Rust's types is left out when the walk found anything: the walk
    // says the same in the content's words (what it may not see, the next run shows).
    match diags.iter().position(|d| d.line == first.line) {
        Some(i) if !speaks_rust(&first.message) && diags[i].column == first.column => {
            diags[i] = first;
        }
        Some(_) => {}
        None if speaks_rust(&first.message) && !diags.is_empty() => {}
        None => diags.push(first),
    }
    diags.sort_by_key(|d| (d.line, d.column));
    if findings.len() > validate::MAX_FINDINGS {
        diags.push(
            Diagnostic::error(
                Code::InvalidValue,
                path,
                format!(
                    "{} more mistakes in this file are not shown",
                    findings.len() - validate::MAX_FINDINGS
                ),
            )
            .with_hint("fix the ones above and run `vplan check` again; is this the file meant?"),
        );
    }
    let without = if !findings.is_empty() && findings.iter().all(|f| f.removable) {
        let repairs: Vec<validate::Repair> = findings
            .iter()
            .map(|f| match &f.meant {
                Some(to) => validate::Repair::Rename(&f.path, to),
                None => validate::Repair::Remove(&f.path),
            })
            .collect();
        validate::repaired(text, &index, &repairs)
    } else {
        None
    };
    Some(Mistakes { diags, without })
}

/// Reads a content file as UTF-8 text, refusing anything that is not a plain, reasonably
/// sized file.
pub fn read_text(path: &Path) -> Result<String> {
    let mut bytes = crate::files::read(path, MAX_FILE_BYTES, "a content file")?;
    // A leading byte-order mark (Windows Notepad saves one) is not part of the YAML: without
    // it removed the first key is read as `\u{feff}key`. Editors do not show it, so the
    // columns of line 1 are right without it too.
    let bom = if bytes.starts_with(UTF8_BOM) {
        bytes.drain(..UTF8_BOM.len());
        UTF8_BOM.len()
    } else {
        0
    };
    String::from_utf8(bytes).map_err(|e| {
        crate::error::usage_error!(
            "the file is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to() + bom
        )
    })
}

/// The UTF-8 encoding of U+FEFF, the byte-order mark.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// serde's own data errors, in the words of Rust's types rather than the content's, each with
/// its code: what [`yaml_code`] names them and [`speaks_rust`] recognises.
const SERDE_WORDS: &[(&str, Code)] = &[
    ("unknown field", Code::UnknownKey),
    ("missing field", Code::MissingKey),
    ("invalid type:", Code::WrongType),
    ("unknown variant", Code::InvalidValue),
    ("invalid value:", Code::InvalidValue),
    ("invalid length", Code::InvalidValue),
];

/// The kind of a `serde_yaml` error by its message: serde's data errors (an unknown or missing
/// key, a value of the wrong type or not among the allowed ones), the model's own (a block
/// kind unknown, a value refused), or YAML that does not parse.
fn yaml_code(msg: &str) -> Code {
    if let Some((_, code)) = SERDE_WORDS.iter().find(|(w, _)| msg.contains(w)) {
        *code
    } else if msg.contains("duplicate field") {
        Code::DuplicateKey
    } else if msg.contains("invalid type") || msg.contains("found the number") {
        Code::WrongType
    } else if msg.contains("invalid value")
        || msg.contains("unknown block kind")
        || msg.contains("a block has exactly one key")
        || msg.contains("takes no value")
        || msg.contains("is not a block")
    {
        Code::InvalidValue
    } else if msg.contains("did not find expected")
        || msg.contains("mapping values are not allowed")
        || msg.contains("cannot start any token")
        || msg.contains("while scanning")
        || msg.contains("while parsing")
        || msg.contains("found unexpected")
        || msg.contains("expected ',' or")
        || msg.contains("recursion limit")
        || msg.contains("unknown anchor")
        || msg.contains("invalid indentation")
        || msg.contains("control characters are not allowed")
        || msg.contains("invalid trailing UTF-8")
        || msg.contains("found incompatible YAML document")
    {
        Code::YamlSyntax
    } else {
        Code::InvalidValue
    }
}

/// A serde_yaml error as a diagnostic: its position, its message in plain words, and for an
/// unknown key the closest known one.
fn yaml_diagnostic(path: &Path, text: &str, e: &serde_yaml::Error) -> Diagnostic {
    let full = e.to_string();
    // serde_yaml appends " at line X column Y"; the position is printed separately.
    let msg = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let mut msg = msg;
    let code = yaml_code(&msg);
    let mut d = Diagnostic::error(code, path, msg.clone());
    if let Some(loc) = e.location() {
        let line = text.lines().nth(loc.line().saturating_sub(1)).unwrap_or("");
        if let Some(written) =
            scalar_at(line, loc.column()).and_then(|w| strict::as_written(&msg, w))
        {
            msg = written;
            d = Diagnostic::error(code, path, msg.clone());
        }
        d = d.at(loc.line(), loc.column());
        if msg.contains("cannot start any token") && line.contains('\t') {
            d = d.with_hint("YAML does not allow tabs for indentation: indent with spaces");
        } else if msg.contains("expected ',' or ']'") {
            d = d.with_hint(
                "a list `[…]` is not closed, or two of its items lack a comma between them",
            );
        } else if msg.contains("expected ',' or '}'") {
            d = d.with_hint(
                "a map `{…}` is not closed, or two of its entries lack a comma between them",
            );
        }
    }
    if let Some(hint) = unknown_field_hint(&msg) {
        d = d.with_hint(hint);
    }
    // `{id: r, utfall: 12,4}`: the comma of a decimal ends the entry in a flow map, and `4`
    // reads as a key of its own.
    if let (Some(field), Some(loc)) = (unknown_field(&msg), e.location()) {
        let line = text.lines().nth(loc.line().saturating_sub(1)).unwrap_or("");
        if let Some(hint) = decimal_comma_hint(field, line) {
            d = d.with_hint(hint);
        }
    }
    if let Some(value) = not_an_amount(&msg) {
        d = d.with_hint(amount::hint(value));
    }
    d
}

/// A serde message in the words of Rust's types rather than the content's (`expected i32`,
/// `unknown field`, `missing field`, `unknown variant`), which the walk's finding replaces.
fn speaks_rust(message: &str) -> bool {
    SERDE_WORDS.iter().any(|(w, _)| message.contains(w))
}

/// For an unknown key of digits on `line` that follows a number and a comma (`12,4` in a
/// `{…}` map reads as the entry `12` and the key `4`): how to write the decimal.
fn decimal_comma_hint(field: &str, line: &str) -> Option<String> {
    if field.is_empty() || !field.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (i, _) = line
        .char_indices()
        .filter(|&(i, c)| c == ',' && line[..i].ends_with(|p: char| p.is_ascii_digit()))
        .find(|&(i, _)| line[i + 1..].trim_start().starts_with(field))?;
    let before: String = line[..i]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Some(format!(
        "`{before},{field}` in a `{{…}}` map reads as two entries (a comma separates them): write `{before}.{field}` (a point for decimals)"
    ))
}

/// A plain scalar as written from `column` (1-based, in characters) of `line`: up to a comment,
/// or the end of a flow item.
pub(crate) fn scalar_at(line: &str, column: usize) -> Option<&str> {
    let start = line.char_indices().nth(column.checked_sub(1)?)?.0;
    let rest = &line[start..];
    let end = [",", "]", "}", " #", "\t#"]
        .iter()
        .filter_map(|s| rest.find(s))
        .min()
        .unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// The value of `content::amount`'s "`12,4` is not an amount".
fn not_an_amount(msg: &str) -> Option<&str> {
    let start = msg.find(": `")? + 3;
    let end = start + msg[start..].find("` is not an amount")?;
    Some(&msg[start..end])
}

/// The key of serde's "unknown field `x`, …".
fn unknown_field(msg: &str) -> Option<&str> {
    let rest = &msg[msg.find("unknown field `")? + "unknown field `".len()..];
    Some(&rest[..rest.find('`')?])
}

/// For serde's "unknown field `x`, expected one of `a`, `b`": "did you mean `a`?".
fn unknown_field_hint(msg: &str) -> Option<String> {
    let field = unknown_field(msg)?;
    let rest = &msg[msg.find("unknown field `")? + "unknown field `".len()..];
    let expected: Vec<&str> = rest[rest.find("expected")?..]
        .split('`')
        .skip(1)
        .step_by(2)
        .collect();
    if expected.is_empty() {
        return crate::suggest::did_you_mean(field, &expected);
    }
    Some(crate::suggest::did_you_mean_or_list(
        field,
        &expected,
        "known keys: ",
    ))
}
