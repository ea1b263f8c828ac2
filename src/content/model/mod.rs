//! The typed content model: what the YAML files under `content/` deserialize into.
//!
//! Every item a reader or a diff would want to point at (chapter, section, goal, indicator,
//! assignment, table, row, risk, measure) has a stable `id`. Amounts are `Decimal`, parsed from
//! the YAML scalar's text (`content::amount`), never through `f64`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

mod followup;
mod table;
pub use followup::*;
pub use table::*;

/// `content/plan.yaml`: what the document is and who decides it.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanMeta {
    /// The organisation, e.g. a region or municipality.
    pub organisation: String,
    /// The committee (nämnd) whose plan this is.
    pub namnd: String,
    /// The plan year.
    #[schemars(example = 2024)]
    pub year: i32,
    /// Document title as printed on the cover and in the footer.
    pub title: String,
    /// A line under the title on the cover (often the nämnd).
    #[serde(default)]
    pub subtitle: Option<String>,
    /// The status line printed on the cover, e.g. "Beslutad av … 2023-11-21, § 84".
    #[serde(default)]
    pub status_line: Option<String>,
    /// Decision date, `YYYY-MM-DD`. Also the PDF's creation date (deterministic output).
    pub decision_date: String,
    /// PDF author; defaults to the nämnd.
    #[serde(default)]
    pub author: Option<String>,
    /// PDF subject; defaults to the title.
    #[serde(default)]
    pub subject: Option<String>,
    /// PDF keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Logo image (a PNG, JPEG, GIF, WebP or SVG file in the content directory, its path
    /// relative to it) and its alternative text.
    #[serde(default)]
    pub logo: Option<Logo>,
    /// Heading of the appendix list in the table of contents.
    #[serde(default = "default_appendix_heading")]
    pub appendix_heading: String,
    /// The nämnd's budget frame from the council decision, checked against a computed cell.
    #[serde(default)]
    pub budget_frame: Option<BudgetFrame>,
    /// The decision the plan is (or will be) part of: ärende, diarienummer, meeting, status.
    #[serde(default)]
    pub decision: Option<Decision>,
}

/// Where the plan is in the decision process.
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A draft for preparation: every page carries an UTKAST watermark.
    Utkast,
    /// The proposal to the meeting: every page carries a FÖRSLAG watermark.
    Forslag,
    /// Decided: no watermark; archived as PDF/A-2b and PDF/UA-1 by default.
    #[default]
    Beslutad,
}

impl Status {
    /// The watermark of a version that is not decided.
    pub fn watermark(self) -> Option<&'static str> {
        match self {
            Status::Utkast => Some("UTKAST"),
            Status::Forslag => Some("FÖRSLAG"),
            Status::Beslutad => None,
        }
    }

    /// The status in words, for the cover and the footer.
    pub fn label(self) -> &'static str {
        match self {
            Status::Utkast => "Utkast",
            Status::Forslag => "Förslag",
            Status::Beslutad => "Beslutad",
        }
    }
}

/// `decision:` in `plan.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The ärende's title, e.g. "Verksamhetsplan med budget 2031 för kulturnämnden".
    #[serde(default)]
    pub arende: Option<String>,
    /// Diarienummer, e.g. "SN 2023/1234".
    #[serde(default)]
    pub diarienummer: Option<String>,
    /// Who decides, e.g. "Kulturnämnden".
    #[serde(default)]
    pub beslutsinstans: Option<String>,
    /// The meeting's date, `YYYY-MM-DD`.
    #[serde(default)]
    pub sammantradesdatum: Option<String>,
    /// The paragraph of the minutes, e.g. "§ 84".
    #[serde(default)]
    pub paragraf: Option<String>,
    /// `utkast`, `forslag` or `beslutad`.
    #[serde(default)]
    pub status: Status,
    /// The date of the decision, `YYYY-MM-DD`; required when `beslutad`.
    #[serde(default)]
    pub beslutsdatum: Option<String>,
    /// The appendices that are part of the decision, by id, in order (default: every
    /// appendix of the content). Each is also built as its own document with `--split`.
    #[serde(default)]
    pub bilagor: Option<Vec<String>>,
}

/// `content/tjansteskrivelse.yaml`: the decision paper that takes the plan to the nämnd. The
/// ärende, diarienummer and meeting come from `decision:` in `plan.yaml`; the list of
/// documents (beslutsunderlag) with their page counts is made by `vplan build`. Prose may
/// quote computed figures with `{{ table/row/column }}` references.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionPaper {
    /// The paper's heading (default: `decision.arende`, else the plan's title).
    #[serde(default)]
    pub rubrik: Option<String>,
    /// Who writes it, e.g. the förvaltning.
    #[serde(default)]
    pub avsandare: Option<String>,
    /// The date of the paper, `YYYY-MM-DD`.
    #[serde(default)]
    pub datum: Option<String>,
    /// Sammanfattning, in Markdown.
    pub sammanfattning: String,
    /// Ärendebeskrivning, in Markdown.
    #[serde(default)]
    pub arendebeskrivning: Option<String>,
    /// Förslag till beslut: the att-satser, numbered in order, each in Markdown (at least one).
    #[schemars(length(min = 1))]
    pub forslag_till_beslut: Vec<String>,
    /// The signature block: one entry per signatory.
    #[serde(default)]
    pub underskrifter: Vec<Signatory>,
    /// Who the decision is sent to (expedieras till).
    #[serde(default)]
    pub skickas_till: Vec<String>,
}

/// A signatory of the decision paper. The name may be left out until it is known; the line
/// for the signature is printed either way.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    /// The signatory's name (may be left out until it is known).
    #[serde(default)]
    pub namn: Option<String>,
    /// The signatory's title, e.g. "Förvaltningschef".
    pub titel: String,
}

/// A typed figure from a decision that a computed cell must equal.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetFrame {
    /// The amount decided.
    #[serde(deserialize_with = "crate::content::amount::one")]
    #[schemars(schema_with = "crate::content::amount::schema")]
    pub amount: Decimal,
    /// The cell that must equal it: `table/row/column`.
    pub cell: String,
}

fn default_appendix_heading() -> String {
    "Bilagor".to_string()
}

/// An image on the cover.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Logo {
    /// The image file's path relative to the content directory: PNG, JPEG, GIF, WebP or SVG.
    pub file: String,
    /// Its text alternative, read aloud to readers who cannot see it (never empty).
    pub alt: String,
}

/// One file under `content/chapters/`: a numbered chapter.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    /// The chapter's id (a slug, e.g. `inledning`), unique in the plan.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// The chapter's heading, numbered by the order of the files.
    pub title: String,
    /// The chapter's content, in reading order: prose, sections, goals, tables, …
    #[serde(default)]
    pub blocks: Vec<Block>,
}

/// One file under `content/appendices/`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Appendix {
    /// The appendix's id (a slug, e.g. `bilaga-1`), used by `decision.bilagor` and
    /// `build --only`.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// Short label, e.g. "Bilaga 1".
    pub label: String,
    /// Title as listed in the table of contents.
    pub title: String,
    /// Lines of a title block printed at the top of the appendix (instead of the title).
    #[serde(default)]
    pub title_block: Vec<String>,
    /// Whether the appendix's sections are numbered (1., 1.1.) on their own.
    #[serde(default)]
    pub numbered: bool,
    /// A word or two naming the appendix in its file name, e.g. "Investeringar" →
    /// `…-bilaga-1-investeringar.pdf` (default: the first word of the title).
    #[serde(default)]
    pub short_title: Option<String>,
    /// The appendix's content, in reading order: prose, sections, tables, …
    #[serde(default)]
    pub blocks: Vec<Block>,
}

/// A piece of a chapter, section or appendix, in reading order.
///
/// In YAML a block is a map with one key naming its kind (`- text: |`, `- table: id`,
/// `- section: {…}`), or a bare word for the kinds without data (`- perspectives`).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// Markdown prose: paragraphs, lists, **bold**, *italic*.
    Text(String),
    /// A sub-section with its own heading.
    Section(Section),
    /// A goal with its indicators.
    Goal(Goal),
    /// An assignment (uppdrag).
    Assignment(Item),
    /// A table defined under `content/tables/`, by id.
    Table(String),
    /// A table of text cells (e.g. a goal table).
    TextTable(TextTable),
    /// A matrix of marks (■) for rows × columns.
    Matrix(Matrix),
    /// The goal structure of `content/goals.yaml` (perspectives → strategies → goals).
    Perspectives,
    /// The internal-control plan of `content/internkontroll.yaml`.
    InternalControl,
    /// An organisation chart drawn from its tree.
    OrgChart(OrgChart),
}

/// A sub-section: a heading with blocks of its own.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The section's id (a slug), unique in the plan.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// The section's heading.
    pub title: String,
    /// Numbered in the chapter numbering; defaults to true for the first two levels.
    #[serde(default)]
    pub numbered: Option<bool>,
    /// `strategy`: unnumbered, italic, listed in the table of contents.
    /// `minor`: unnumbered, italic, not listed.
    #[serde(default)]
    pub style: SectionStyle,
    /// The section's content, in reading order.
    #[serde(default)]
    pub blocks: Vec<Block>,
}

/// How a section's heading is printed.
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SectionStyle {
    /// A numbered heading (at the first two levels), listed in the table of contents.
    #[default]
    Normal,
    /// Unnumbered and italic, listed in the table of contents.
    Strategy,
    /// Unnumbered and italic, not listed in the table of contents.
    Minor,
}

/// `content/goals.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goals {
    /// The perspectives, in order: each printed as a sub-chapter at the `- perspectives` block.
    pub perspectives: Vec<Perspective>,
}

/// A perspective of the goal structure: prose, goals, assignments and strategies under one
/// heading.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Perspective {
    /// The perspective's id (a slug), unique in the plan.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// Its heading, e.g. "Perspektiv: Process" (in quotes: it holds `: `).
    pub title: String,
    /// Prose and other blocks printed before its goals.
    #[serde(default)]
    pub blocks: Vec<Block>,
    /// Its goals, each with its indicators.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Its assignments (uppdrag), each with an id and a text.
    #[serde(default)]
    pub assignments: Vec<Item>,
    /// Its strategies, printed after its goals and assignments.
    #[serde(default)]
    pub strategies: Vec<Strategy>,
}

/// A strategy of a perspective: prose, goals and assignments under one heading.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Strategy {
    /// The strategy's id (a slug), unique in the plan.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// Its heading.
    pub title: String,
    /// Prose and other blocks printed before its goals.
    #[serde(default)]
    pub blocks: Vec<Block>,
    /// Its goals, each with its indicators.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Its assignments (uppdrag), each with an id and a text.
    #[serde(default)]
    pub assignments: Vec<Item>,
}

/// A goal of the plan, with the indicators it is measured by.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// The goal's id (a slug), unique in the plan: the follow-up reports name it.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// `mal` (the nämnd's own goal) or `effektmal` (a goal set by the council, with a number).
    #[serde(default)]
    pub kind: GoalKind,
    /// The effektmål's number, printed before its text.
    #[serde(default)]
    pub number: Option<u32>,
    /// The goal in words.
    pub text: String,
    /// How the goal is measured: its indicators, in order.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
}

/// How a goal is measured: its text, and where the plan sets one, the value aimed at (`target`,
/// a text such as "minst 85 %": the follow-up reports set the outcome against it).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// The indicator's id (a slug), unique among the goal's indicators.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// The indicator in words.
    pub text: String,
    /// The value aimed at, as text (`target: "minst 85 %"`; a bare number in quotes): printed
    /// after the indicator as "(målvärde: …)", set against the outcome in the reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// Whose goal it is: the nämnd's own (`mal`) or the council's (`effektmal`).
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum GoalKind {
    /// The nämnd's own goal.
    #[default]
    Mal,
    /// A goal set by the council, printed with its number.
    Effektmal,
}

/// Anything with an id and a text: an assignment, a measure.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Its id (a slug), unique in the plan.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// Its text.
    pub text: String,
}

/// A table of text cells, typed in place.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextTable {
    /// The table's id (a slug), unique in the plan.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// A caption line above the table.
    #[serde(default)]
    pub caption: Option<String>,
    /// The column titles, a list of texts.
    pub columns: Vec<String>,
    /// The rows, each with one cell per column.
    pub rows: Vec<TextRow>,
}

/// A row of a text table.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextRow {
    /// The row's id, unique in its table.
    pub id: String,
    /// Markdown per cell (lists allowed).
    pub cells: Vec<String>,
    /// Print the row's first cell in bold, as the header of its row (tagged so for a screen
    /// reader too).
    #[serde(default)]
    pub header: bool,
}

/// A matrix of marks (■): rows × columns, a mark where a row meets a column.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    /// The matrix's id (a slug), unique in the plan.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// The column titles.
    pub columns: Vec<String>,
    /// A bold heading row spanning the table, under the column header.
    #[serde(default)]
    pub heading: Option<String>,
    /// The rows, each with one mark or none per column.
    pub rows: Vec<MatrixRow>,
}

/// A row of a matrix.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatrixRow {
    /// The row's id, unique in its matrix.
    pub id: String,
    /// The row's label, in the first column.
    pub label: String,
    /// One `true` (a mark) or `false` per column.
    pub marks: Vec<bool>,
}

/// An organisation chart: boxes drawn from a tree.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgChart {
    /// The chart's id (a slug), unique in the plan.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// Alternative text describing the chart for readers who cannot see it.
    pub alt: String,
    /// The top box, with the boxes below it.
    pub root: OrgNode,
}

/// A box of an organisation chart.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgNode {
    /// The box's text.
    pub label: String,
    /// Nodes drawn beside the line below this node (staff functions).
    #[serde(default)]
    pub staff: Vec<OrgNode>,
    /// The boxes below this one.
    #[serde(default)]
    pub children: Vec<OrgNode>,
}

/// `content/internkontroll.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InternalControl {
    /// Exactly three column titles, e.g. `[Verksamhet, Risk, Åtgärd]`.
    pub columns: [String; 3],
    /// The areas (the first column), in order.
    pub areas: Vec<IcArea>,
}

/// An area of the internal-control plan, with its risks.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IcArea {
    /// The area's id (a slug), unique in the plan.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// The area's name.
    pub area: String,
    /// Its risks (the second column).
    pub risks: Vec<IcRisk>,
}

/// A risk of the internal-control plan, with the measures against it.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IcRisk {
    /// The risk's id (a slug), unique in the plan: the follow-up reports name it.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// The risk in words.
    pub risk: String,
    /// The measures against it (the third column), each with an id and a text.
    pub measures: Vec<Item>,
}

/// The block kinds, as written in YAML.
pub const BLOCK_KINDS: &[&str] = &[
    "text",
    "section",
    "goal",
    "assignment",
    "table",
    "text_table",
    "matrix",
    "perspectives",
    "internal_control",
    "org_chart",
];

impl<'de> Deserialize<'de> for Block {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BlockVisitor)
    }
}

struct BlockVisitor;

impl<'de> serde::de::Visitor<'de> for BlockVisitor {
    type Value = Block;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "a block: a map with one key ({}) or the word `perspectives` or `internal_control`",
            BLOCK_KINDS.join(", ")
        )
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Block, E> {
        match v {
            "perspectives" => Ok(Block::Perspectives),
            "internal_control" => Ok(Block::InternalControl),
            other => Err(E::custom(unknown_kind(other))),
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Block, A::Error> {
        use serde::de::Error;
        let Some(kind) = map.next_key::<String>()? else {
            return Err(A::Error::custom("an empty map is not a block"));
        };
        let block = match kind.as_str() {
            "text" => Block::Text(map.next_value()?),
            "section" => Block::Section(map.next_value()?),
            "goal" => Block::Goal(map.next_value()?),
            "assignment" => Block::Assignment(map.next_value()?),
            "table" => Block::Table(map.next_value()?),
            "text_table" => Block::TextTable(map.next_value()?),
            "matrix" => Block::Matrix(map.next_value()?),
            "org_chart" => Block::OrgChart(map.next_value()?),
            "perspectives" | "internal_control" => {
                let _: serde::de::IgnoredAny = map.next_value()?;
                return Err(A::Error::custom(format!(
                    "`{kind}` takes no value: write `- {kind}` on its own"
                )));
            }
            other => return Err(A::Error::custom(unknown_kind(other))),
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(A::Error::custom(format!(
                "a block has exactly one key, its kind; `{extra}` is a second key (indent it under `{kind}`?)"
            )));
        }
        Ok(block)
    }
}

fn unknown_kind(kind: &str) -> String {
    let mut msg = format!(
        "unknown block kind `{kind}`, expected one of {}",
        BLOCK_KINDS.join(", ")
    );
    if let Some(hint) = crate::suggest::did_you_mean(kind, BLOCK_KINDS) {
        msg.push_str(&format!(" ({hint})"));
    }
    msg
}
