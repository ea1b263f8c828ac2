//! Command-line interface (clap derive). Shared flags are flattened into each subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use vplan::content::Status;
use vplan::render::Templates;
use vplan::typeset::Standard;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the content or a template has errors (every error is printed)
  2  usage error, or a file or directory could not be read or written";

/// Builds a Swedish verksamhetsplan med budget as a PDF from YAML content.
#[derive(Debug, Parser)]
#[command(name = "vplan", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, check, compute and typeset the plan into a PDF. Refuses to write a PDF when the
    /// content has errors.
    #[command(after_help = EXIT_CODES)]
    Build(BuildArgs),
    /// Load, compute and check the plan without writing anything: every error with its file,
    /// line and column, every control figure verified.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// What changed between two versions of the plan, by id, with the totals each changed
    /// amount moved. OLD and NEW are git revisions or directories: no argument compares HEAD
    /// with the working tree, one compares it with the working tree.
    #[command(after_help = DIFF_EXIT_CODES)]
    Diff(DiffArgs),
    /// Prints a content file in a normalised, line-per-value form, for `git diff` (see the
    /// README: a `textconv` driver).
    Textconv(TextconvArgs),
    /// Build, then rebuild on every change of the content or the project's templates (incrementally);
    /// errors are printed and watching goes on, the last good PDF stays in place.
    Watch(WatchArgs),
    /// Show the plan (or a report, or the redline) in the browser while you write it: a local
    /// server whose pages follow every save, errors in a panel, and a click on a text or a
    /// figure shows the file and line it comes from and how the figure was computed.
    Preview(PreviewArgs),
    /// Measure: Typst's own compile (the floor) against a full build, warm rebuilds after
    /// small edits, and synthetic region-wide plans of N nämnder (`--scale`).
    Bench(BenchArgs),
    /// Make a plan project for a new nämnd in DIR: a complete skeleton plan in DIR/content
    /// (every standard chapter with guidance, the goal structure, the budget tables with rows
    /// and sums but no amounts, the internal-control plan, an appendix and a decision paper),
    /// `.gitattributes`, `.gitignore` and a Swedish `LÄSMIG.md`. In DIR, `vplan build` builds
    /// it at once and `vplan check` warns about everything still to fill in.
    Init(InitArgs),
    /// Follow-up reports of the plan (tertialrapport, delårsrapport, verksamhetsberättelse):
    /// `vplan report init ID --kind delar` writes a skeleton listing every goal, indicator,
    /// assignment, table row and risk of the plan; `vplan build --report ID` builds it.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Write every table to a spreadsheet: xlsx (one sheet per table, amounts as numbers, sum
    /// rows as Excel formulas) or csv.
    Export(ExportArgs),
    /// Read a table's amounts from a workbook (xlsx, or LibreOffice's ods) into its YAML (rows
    /// matched by id or label; comments and order kept). Nothing is written when a row cannot
    /// be matched, unless --force.
    Import(ImportArgs),
    /// Roll the plan forward to YEAR: years and titles follow, multi-year table columns shift,
    /// the status returns to utkast and decision data is cleared; every file carried over is
    /// marked, and `check` warns until it is confirmed or changed.
    NewYear(NewYearArgs),
    /// Write a JSON Schema for every kind of content file (derived from the loader's own
    /// types), for editors: the YAML extension of VS Code completes keys and flags errors.
    Schema(SchemaArgs),
    /// Write the built-in templates into a new or empty directory (`--out`, default
    /// `templates`), for customising: a file kept in the project's `templates/` replaces the
    /// built-in one of the same name, the others come from the binary (delete the files you do
    /// not change).
    Templates(TemplatesArgs),
    /// Print a shell completion script: `vplan completions bash >
    /// ~/.local/share/bash-completion/completions/vplan`. It completes the plan's ids too
    /// (`--only`, `--report`, `--table`, from `--content DIR` or `content`) by asking vplan at
    /// each TAB (`VPLAN_COMPLETE=bash vplan`).
    Completions(CompletionsArgs),
    /// Write the man pages into a directory: vplan.1 and one per subcommand at every depth
    /// (vplan-report-init.1), each naming its subcommands' pages and the pages above it.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The new project directory (must not exist, or be empty); the plan goes into DIR/content.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// The nämnd, e.g. "Kulturnämnden" (default: the placeholder `[Nämnd]`, which `check`
    /// warns about until it is filled in).
    #[arg(long)]
    pub namnd: Option<String>,

    /// The organisation, e.g. "Region Exempel" (default: the placeholder `[Organisation]`).
    #[arg(long)]
    pub organisation: Option<String>,

    /// The plan year (default: next year).
    #[arg(long)]
    pub year: Option<i32>,
}

/// Spreadsheet format of `vplan export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SheetFormat {
    Xlsx,
    Csv,
}

/// `--csv` of `vplan export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvDialectArg {
    /// For Swedish Excel: BOM, `;`, decimal comma, CRLF.
    ExcelSv,
    /// RFC 4180: `,`, decimal point, no BOM, LF.
    Plain,
}

impl From<CsvDialectArg> for vplan::sheets::CsvDialect {
    fn from(d: CsvDialectArg) -> Self {
        match d {
            CsvDialectArg::ExcelSv => vplan::sheets::CsvDialect::ExcelSv,
            CsvDialectArg::Plain => vplan::sheets::CsvDialect::Plain,
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// `xlsx` (a workbook with formulas) or `csv` (one long table).
    #[arg(long, value_enum, default_value_t = SheetFormat::Xlsx)]
    pub format: SheetFormat,

    /// The form of `--format csv`: `excel-sv` (UTF-8 with a byte-order mark, `;` between
    /// fields, decimal comma: what Swedish Excel opens as columns of numbers) or `plain`
    /// (RFC 4180: `,` and a decimal point, no byte-order mark, for machines) [default:
    /// excel-sv].
    #[arg(long = "csv", value_enum, value_name = "DIALECT")]
    pub csv: Option<CsvDialectArg>,

    /// The file to write (default: `output/<year>-<nämnd>-verksamhetsplan.xlsx` or `.csv`).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Export the follow-up report ID instead (default file: the report's name): each table
    /// with its budget, utfall, avvikelse and prognos columns, sums and deviations as formulas.
    #[arg(long, value_name = "ID")]
    pub report: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The workbook: xlsx, or ods (LibreOffice's own format).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    #[command(flatten)]
    pub project: ProjectArgs,

    /// The table whose amounts are read.
    #[arg(long, value_name = "ID")]
    pub table: String,

    /// The sheet to read (default: the table's sheet as `vplan export` names it).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// Write the matched rows even when some rows of the sheet match no row of the table.
    #[arg(long)]
    pub force: bool,

    /// Read the table's outcomes (`Utfall`, and `Prognos`) into this follow-up report's YAML
    /// instead of the plan's amounts.
    #[arg(long, value_name = "ID")]
    pub report: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Write the skeleton of a follow-up report into content/uppfoljning/ID.yaml: every goal,
    /// indicator, assignment, table row and risk of the plan by id, with empty outcomes and
    /// `[Vägledning]` texts. `vplan check` warns until each is filled in; `vplan build --report
    /// ID` builds it at once, as a draft.
    Init(ReportInitArgs),
}

#[derive(Debug, Args)]
pub struct ReportInitArgs {
    /// The report's id (a slug, e.g. `2031-delar`); the file is `uppfoljning/ID.yaml`.
    #[arg(value_name = "ID")]
    pub id: String,

    /// The period: `tertial` (January–April), `delar` (January–August) or `helar` (the year).
    #[arg(long, value_enum)]
    pub kind: PeriodKindArg,

    /// The content directory of the plan the report follows up.
    #[arg(long, default_value = "content", value_name = "DIR")]
    pub content: PathBuf,

    /// Print the skeleton instead of writing it.
    #[arg(long)]
    pub stdout: bool,
}

/// `--kind` of `vplan report init`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PeriodKindArg {
    Tertial,
    Delar,
    Helar,
}

impl From<PeriodKindArg> for vplan::content::PeriodKind {
    fn from(k: PeriodKindArg) -> Self {
        match k {
            PeriodKindArg::Tertial => vplan::content::PeriodKind::Tertial,
            PeriodKindArg::Delar => vplan::content::PeriodKind::Delar,
            PeriodKindArg::Helar => vplan::content::PeriodKind::Helar,
        }
    }
}

#[derive(Debug, Args)]
pub struct NewYearArgs {
    /// The new plan year (the plan's year + 1).
    #[arg(value_name = "YEAR")]
    pub year: i32,

    /// The content directory to roll forward.
    #[arg(long, default_value = "content", value_name = "DIR")]
    pub content: PathBuf,

    /// Write the new plan into DIR (new or empty) instead of changing the content in place.
    #[arg(long, value_name = "DIR")]
    pub to: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Directory the schemas are written to (one `<kind>.schema.json` per kind of file).
    #[arg(long, default_value = "content/schemas", value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// Directory the templates are written to (must not exist, or be empty).
    #[arg(long, default_value = "templates", value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory the man pages are written to.
    #[arg(long, default_value = "man", value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub build: BuildArgs,

    /// Open the PDF in the system viewer after the first successful build.
    #[arg(long)]
    pub open: bool,

    /// Stop after this many rebuilds (for tests and scripts).
    #[arg(long, hide = true)]
    pub max_rebuilds: Option<usize>,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Show as if the plan's status were this (`utkast`, `forslag`, `beslutad`), as `build
    /// --status`.
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<StatusArg>,

    /// Show the follow-up report ID (`content/uppfoljning/*.yaml`) instead of the plan.
    #[arg(long = "report", value_name = "ID", conflicts_with = "redline")]
    pub report: Option<String>,

    /// Show the plan with the changes since REV (a git revision or a directory) marked, as
    /// `build --redline`.
    #[arg(long, value_name = "REV")]
    pub redline: Option<String>,

    /// The port to listen on (default: a free one).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub port: u16,

    /// The address to listen on. The default, 127.0.0.1, serves this computer only; another
    /// address (`0.0.0.0`: every interface) serves the network, without a password.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,

    /// Open the preview in the web browser.
    #[arg(long)]
    pub open: bool,

    /// The link that opens a file in the editor at a line: `{path}`, `{line}` and `{column}`
    /// are replaced (e.g. `idea://open?file={path}&line={line}`) [default: VS Code's,
    /// `vscode://file/{path}:{line}:{column}`].
    #[arg(long, value_name = "URL")]
    pub editor: Option<String>,

    /// Stop after this many rebuilds (for tests and scripts).
    #[arg(long, hide = true)]
    pub max_rebuilds: Option<usize>,

    #[command(flatten)]
    pub source_date: SourceDateArgs,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Runs of each measurement; the median is printed.
    #[arg(long, default_value_t = 15)]
    pub runs: usize,

    /// Instead, build synthetic plans of N nämnder each (e.g. `--scale 1,5,20,40`) and print
    /// time and peak memory per N.
    #[arg(long, value_delimiter = ',', value_name = "N,…")]
    pub scale: Vec<usize>,

    /// Instead, build this many different synthetic plans with one thread and with one per
    /// core (`vplan build -j N dir…`), and print the speed-up.
    #[arg(long, value_name = "PLANS")]
    pub parallel: Option<usize>,

    /// Internal: build one synthetic plan of N nämnder in this process and print its figures.
    #[arg(long, hide = true)]
    pub scale_child: Option<usize>,

    /// Instead, build the plan with one more chapter of about 2 MB of prose (the plan's own
    /// plain paragraphs, repeated) with the house style (as built, and compiled once), and that
    /// chapter alone with the house style and with a plain Typst preamble, and print time, peak
    /// memory and their ratios to the plain preamble (at most 3 runs of each).
    #[arg(long)]
    pub long: bool,

    /// Internal: build one long plan (`built` or `plan`: the plan with the long chapter, as
    /// built or compiled once; `house` or `plain`: the chapter alone with the house style or
    /// the plain preamble) in this process and print its figures.
    #[arg(long, hide = true, value_parser = ["built", "plan", "house", "plain"])]
    pub long_child: Option<String>,

    /// Instead, measure `vplan preview` on the plan: the time from a file's save to the
    /// changed pages received by a browser's WebSocket, over EDITS edits of a word and of an
    /// amount (p50, p95), the memory over five times as many more, and the CPU while idle.
    #[arg(long, value_name = "EDITS", num_args = 0..=1, default_missing_value = "100")]
    pub preview: Option<usize>,
}

const DIFF_EXIT_CODES: &str = "\
Exit codes (as diff):
  0  no differences
  1  differences
  2  error (a side cannot be read, or its plan has errors)";

/// Output format of `vplan diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Terminal text, coloured when the output is a terminal.
    Text,
    /// Markdown, e.g. for a pull-request comment.
    Markdown,
    /// JSON, for tools.
    Json,
    /// A PDF change report (Ändringsförteckning); needs `-o FILE`.
    Pdf,
}

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old version: a git revision (`HEAD~1`, a tag, a branch) or a directory.
    #[arg(value_name = "OLD")]
    pub old: Option<String>,

    /// The new version: a git revision or a directory (default: the working tree).
    #[arg(value_name = "NEW")]
    pub new: Option<String>,

    #[command(flatten)]
    pub project: ProjectArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,

    /// Write the report to FILE instead of standard output (required for `--format pdf`).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Colour the terminal text.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Only one line a section with the number of changes.
    #[arg(long)]
    pub stat: bool,

    /// Compare the follow-up report ID instead of the plan: between OLD and NEW; given twice
    /// (`--report 2031-t1 --report 2031-delar`), the two reports of one version (the working
    /// tree, or the one version given), with the totals each changed outcome moved.
    #[arg(long = "report", value_name = "ID")]
    pub reports: Vec<String>,

    #[command(flatten)]
    pub source_date: SourceDateArgs,
}

impl BuildArgs {
    /// The content directories to build: the positional ones, or `--content`.
    pub fn content_dirs(&self) -> Vec<PathBuf> {
        if self.contents.is_empty() {
            vec![self.project.content.clone()]
        } else {
            self.contents.clone()
        }
    }
}

#[derive(Debug, Args)]
pub struct TextconvArgs {
    /// The YAML file (git passes a temporary copy of the version to show).
    pub file: PathBuf,
}

/// How problems are reported.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,

    /// Output format of errors and warnings: `human` (stderr), or for machines on stdout:
    /// `json`, `sarif` (SARIF 2.1.0), `github` (GitHub Actions annotations), `gitlab` (GitLab
    /// code quality). See docs/diagnostics.md.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// Judge what `vplan build --report ID` judges: the plan's errors and the follow-up report
    /// ID's errors and warnings (not the plan's warnings, not another report's problems).
    /// May be given more than once. Without it, the plan and every report are judged.
    #[arg(long = "report", value_name = "ID")]
    pub reports: Vec<String>,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub source_date: SourceDateArgs,
}

/// The date of the PDFs a command makes: `SOURCE_DATE_EPOCH` (reproducible builds), read here
/// and passed to the library, which reads no environment.
#[derive(Debug, Args)]
pub struct SourceDateArgs {
    /// The PDFs' creation date in seconds since 1970-01-01 00:00 UTC (default: the plan's
    /// decision date). Hidden: it is meant to be set as `SOURCE_DATE_EPOCH`.
    #[arg(
        long = "source-date-epoch",
        env = "SOURCE_DATE_EPOCH",
        hide = true,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(std::ffi::OsString)
    )]
    pub epoch: Option<std::ffi::OsString>,
}

impl SourceDateArgs {
    /// The date, `None` when not given; a value that is not a timestamp is a usage error
    /// naming `SOURCE_DATE_EPOCH` ([`vplan::pipeline::source_date`]).
    pub fn date(&self) -> vplan::error::Result<Option<vplan::typeset::Datetime>> {
        self.epoch
            .as_deref()
            .map(vplan::pipeline::source_date)
            .transpose()
    }
}

/// Where the plan comes from and where it goes.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// Directory with the plan's YAML content.
    #[arg(long, default_value = "content", value_name = "DIR")]
    pub content: PathBuf,

    /// Directory of templates that replace the built-in ones file by file (`vplan templates`
    /// writes the built-in set to start from) [default: `templates` when it exists, else the
    /// built-in templates alone].
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

impl ProjectArgs {
    /// The templates: the built-in set with `--templates DIR` (which must exist) over it, or
    /// `templates/` when there is one.
    pub fn templates(&self) -> vplan::error::Result<Templates> {
        Templates::locate(self.templates.as_deref())
    }
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Content directories of several plans (one per nämnd), built in parallel into the same
    /// output directory; instead of `--content`.
    #[arg(value_name = "CONTENT_DIR", conflicts_with = "content")]
    pub contents: Vec<PathBuf>,

    #[command(flatten)]
    pub project: ProjectArgs,

    /// Print the time of each phase (load, check, compute, render, compile, export, write).
    #[arg(long)]
    pub timings: bool,

    /// Write Typst's timing trace of the build to FILE (Chrome's trace format, as `typst
    /// compile --timings`; open it in Perfetto or `chrome://tracing`): which layout pass,
    /// which template function and which line of the generated source took the time.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,

    /// Plans built at once when several content directories are given (default: one per
    /// core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// Directory the PDF is written to.
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub output: PathBuf,

    /// Also write the generated Typst source next to the PDF (for debugging templates).
    #[arg(long)]
    pub emit_typst: bool,

    /// Build as if the plan's status were this (`utkast`, `forslag`, `beslutad`): the cover,
    /// footer and watermark follow it, and `beslutad` is checked like one in the content.
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<StatusArg>,

    /// PDF standards: `none`, `a-2b`, `ua-1` or `a-2b+ua-1` (default: `a-2b+ua-1` for a
    /// decided plan, `none` otherwise).
    #[arg(long, value_enum, value_name = "STANDARD")]
    pub standard: Option<StandardArg>,

    /// Also build each appendix as a document of its own (with its own cover and page
    /// numbers) and the decision paper when the content has one; the plan then lists the
    /// appendices instead of printing them.
    #[arg(long)]
    pub split: bool,

    /// Build only this document: `plan`, an appendix id (e.g. `bilaga-2`) or
    /// `tjansteskrivelse`. May be given more than once.
    #[arg(long, value_name = "ID")]
    pub only: Vec<String>,

    /// Build `<name>-redline.pdf` instead, with the changes since REV (a git revision or a
    /// directory) marked: inserted words underlined, deleted words struck through, changed
    /// amounts with their old value.
    #[arg(long, value_name = "REV")]
    pub redline: Option<String>,

    /// Build the follow-up report ID (`content/uppfoljning/*.yaml`) instead of the plan: a
    /// tertialrapport, delårsrapport or verksamhetsberättelse; with `--split` also its decision
    /// paper, with `--status` as that status. May be given more than once.
    #[arg(long = "report", value_name = "ID", conflicts_with_all = ["only", "redline"])]
    pub reports: Vec<String>,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub source_date: SourceDateArgs,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people: source line, caret, message, hint.
    #[default]
    Human,
    /// A JSON array of diagnostics on stdout, for editors and CI.
    Json,
    /// A SARIF 2.1.0 log on stdout, for code scanning (GitHub's upload-sarif).
    Sarif,
    /// GitHub Actions workflow commands on stdout: annotations on the lines.
    Github,
    /// GitLab's code quality report (Code Climate JSON) on stdout.
    Gitlab,
}

impl Format {
    /// The diagnostics as this format prints them on stdout; `None` for people (stderr).
    pub fn machine(self, diags: &[vplan::diag::Diagnostic]) -> Option<String> {
        use vplan::diag;
        Some(match self {
            Format::Human => return None,
            Format::Json => diag::render_json(diags),
            Format::Sarif => diag::render_sarif(diags),
            Format::Github => diag::render_github(diags),
            Format::Gitlab => diag::render_gitlab(diags),
        })
    }
}

/// `--status`: the plan's [`Status`] on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusArg {
    /// A draft for preparation: every page carries an UTKAST watermark.
    Utkast,
    /// The proposal to the meeting: every page carries a FÖRSLAG watermark.
    Forslag,
    /// Decided: no watermark; archived as PDF/A-2b and PDF/UA-1 by default.
    Beslutad,
}

impl From<StatusArg> for Status {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Utkast => Status::Utkast,
            StatusArg::Forslag => Status::Forslag,
            StatusArg::Beslutad => Status::Beslutad,
        }
    }
}

/// `--standard`: the PDF [`Standard`]s on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StandardArg {
    /// Plain PDF 1.7 (tagged all the same).
    #[value(name = "none")]
    None,
    /// PDF/A-2b, for archiving.
    #[value(name = "a-2b")]
    A2b,
    /// PDF/UA-1, accessible.
    #[value(name = "ua-1")]
    Ua1,
    /// PDF/A-2b and PDF/UA-1 at once.
    #[value(name = "a-2b+ua-1")]
    A2bUa1,
}

impl From<StandardArg> for Standard {
    fn from(s: StandardArg) -> Self {
        match s {
            StandardArg::None => Standard::None,
            StandardArg::A2b => Standard::A2b,
            StandardArg::Ua1 => Standard::Ua1,
            StandardArg::A2bUa1 => Standard::A2bUa1,
        }
    }
}

impl BuildArgs {
    /// The options of one plan's build, as the library takes them.
    pub fn options(&self) -> vplan::pipeline::build::BuildOptions {
        vplan::pipeline::build::BuildOptions {
            output: self.output.clone(),
            load: vplan::pipeline::LoadOptions {
                deny_warnings: self.report.deny_warnings,
                status: self.status.map(Status::from),
                reports: self.reports.clone(),
                every_report: false,
            },
            standard: self.standard.map(Standard::from),
            split: self.split,
            only: self.only.clone(),
            emit_typst: self.emit_typst,
        }
    }
}
