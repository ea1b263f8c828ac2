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
    #[serde(default)]
    pub namn: Option<String>,
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

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Logo {
    pub file: String,
    pub alt: String,
}

/// One file under `content/chapters/`: a numbered chapter.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub blocks: Vec<Block>,
}

/// One file under `content/appendices/`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Appendix {
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

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    pub title: String,
    /// Numbered in the chapter numbering; defaults to true for the first two levels.
    #[serde(default)]
    pub numbered: Option<bool>,
    /// `strategy`: unnumbered, italic, listed in the table of contents.
    /// `minor`: unnumbered, italic, not listed.
    #[serde(default)]
    pub style: SectionStyle,
    #[serde(default)]
    pub blocks: Vec<Block>,
}

#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SectionStyle {
    #[default]
    Normal,
    Strategy,
    Minor,
}

/// `content/goals.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goals {
    pub perspectives: Vec<Perspective>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Perspective {
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub blocks: Vec<Block>,
    #[serde(default)]
    pub goals: Vec<Goal>,
    #[serde(default)]
    pub assignments: Vec<Item>,
    #[serde(default)]
    pub strategies: Vec<Strategy>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Strategy {
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub blocks: Vec<Block>,
    #[serde(default)]
    pub goals: Vec<Goal>,
    #[serde(default)]
    pub assignments: Vec<Item>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// `mal` (the nämnd's own goal) or `effektmal` (a goal set by the council, with a number).
    #[serde(default)]
    pub kind: GoalKind,
    #[serde(default)]
    pub number: Option<u32>,
    pub text: String,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
}

/// How a goal is measured: its text, and where the plan sets one, the value aimed at (`target`,
/// a text such as "minst 85 %": the follow-up reports set the outcome against it).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum GoalKind {
    #[default]
    Mal,
    Effektmal,
}

/// Anything with an id and a text: an assignment, a measure.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextTable {
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// A caption line above the table.
    #[serde(default)]
    pub caption: Option<String>,
    pub columns: Vec<String>,
    pub rows: Vec<TextRow>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextRow {
    pub id: String,
    /// Markdown per cell (lists allowed).
    pub cells: Vec<String>,
    /// Print the row's first cell in bold, as the header of its row (tagged so for a screen
    /// reader too).
    #[serde(default)]
    pub header: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    pub columns: Vec<String>,
    /// A bold heading row spanning the table, under the column header.
    #[serde(default)]
    pub heading: Option<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatrixRow {
    pub id: String,
    pub label: String,
    pub marks: Vec<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgChart {
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// Alternative text describing the chart for readers who cannot see it.
    pub alt: String,
    pub root: OrgNode,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgNode {
    pub label: String,
    /// Nodes drawn beside the line below this node (staff functions).
    #[serde(default)]
    pub staff: Vec<OrgNode>,
    #[serde(default)]
    pub children: Vec<OrgNode>,
}

/// `content/internkontroll.yaml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InternalControl {
    pub columns: [String; 3],
    pub areas: Vec<IcArea>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IcArea {
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    pub area: String,
    pub risks: Vec<IcRisk>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IcRisk {
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    pub risk: String,
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
