//! The parts of the plan as the templates see them: plain structs, serialised for the
//! templates and for nothing else, made from the content model. A template a project overrides
//! reads these fields (`docs/templates-reference.md` lists every one), so a field of the content
//! model can be renamed without changing what a template sees: only the `From` here changes.
//! They hold no type of `crate::content` (the architecture test refuses one); the follow-up
//! report's rows are here too, so that the block enum of `view.rs` can hold them without
//! importing the report's view.

use serde::Serialize;

use crate::content::{
    Assessment, BudgetFrame, Decision, Goal, GoalKind, IcArea, IcRisk, Indicator, Item, Logo,
    Matrix, MatrixRow, OrgChart, OrgNode, PlanMeta, Signatory, Status, TextRow, TextTable,
};

/// `plan` in every template: the plan's `plan.yaml`.
#[derive(Debug, Serialize)]
pub struct PlanMetaView<'a> {
    pub organisation: &'a str,
    pub namnd: &'a str,
    pub year: i32,
    pub title: &'a str,
    pub subtitle: Option<&'a str>,
    pub status_line: Option<&'a str>,
    pub decision_date: &'a str,
    pub author: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub keywords: &'a [String],
    pub logo: Option<LogoView<'a>>,
    pub appendix_heading: &'a str,
    pub budget_frame: Option<BudgetFrameView<'a>>,
    pub decision: Option<DecisionView<'a>>,
}

impl<'a> From<&'a PlanMeta> for PlanMetaView<'a> {
    fn from(m: &'a PlanMeta) -> Self {
        PlanMetaView {
            organisation: &m.organisation,
            namnd: &m.namnd,
            year: m.year,
            title: &m.title,
            subtitle: m.subtitle.as_deref(),
            status_line: m.status_line.as_deref(),
            decision_date: &m.decision_date,
            author: m.author.as_deref(),
            subject: m.subject.as_deref(),
            keywords: &m.keywords,
            logo: m.logo.as_ref().map(Into::into),
            appendix_heading: &m.appendix_heading,
            budget_frame: m.budget_frame.as_ref().map(Into::into),
            decision: m.decision.as_ref().map(Into::into),
        }
    }
}

/// The cover's logo.
#[derive(Debug, Serialize)]
pub struct LogoView<'a> {
    pub file: &'a str,
    pub alt: &'a str,
}

impl<'a> From<&'a Logo> for LogoView<'a> {
    fn from(l: &'a Logo) -> Self {
        LogoView {
            file: &l.file,
            alt: &l.alt,
        }
    }
}

/// The budget frame of the council's decision.
#[derive(Debug, Serialize)]
pub struct BudgetFrameView<'a> {
    pub amount: rust_decimal::Decimal,
    pub cell: &'a str,
}

impl<'a> From<&'a BudgetFrame> for BudgetFrameView<'a> {
    fn from(b: &'a BudgetFrame) -> Self {
        BudgetFrameView {
            amount: b.amount,
            cell: &b.cell,
        }
    }
}

/// `plan.decision`: the decision the plan is part of.
#[derive(Debug, Serialize)]
pub struct DecisionView<'a> {
    pub arende: Option<&'a str>,
    pub diarienummer: Option<&'a str>,
    pub beslutsinstans: Option<&'a str>,
    pub sammantradesdatum: Option<&'a str>,
    pub paragraf: Option<&'a str>,
    /// `utkast`, `forslag` or `beslutad`.
    pub status: &'static str,
    pub beslutsdatum: Option<&'a str>,
    pub bilagor: Option<&'a [String]>,
}

impl<'a> From<&'a Decision> for DecisionView<'a> {
    fn from(d: &'a Decision) -> Self {
        DecisionView {
            arende: d.arende.as_deref(),
            diarienummer: d.diarienummer.as_deref(),
            beslutsinstans: d.beslutsinstans.as_deref(),
            sammantradesdatum: d.sammantradesdatum.as_deref(),
            paragraf: d.paragraf.as_deref(),
            status: status_id(d.status),
            beslutsdatum: d.beslutsdatum.as_deref(),
            bilagor: d.bilagor.as_deref(),
        }
    }
}

/// A status as the templates compare it: `utkast`, `forslag`, `beslutad`.
pub fn status_id(status: Status) -> &'static str {
    match status {
        Status::Utkast => "utkast",
        Status::Forslag => "forslag",
        Status::Beslutad => "beslutad",
    }
}

/// A signatory of the decision paper.
#[derive(Debug, Serialize)]
pub struct SignatoryView<'a> {
    pub namn: Option<&'a str>,
    pub titel: &'a str,
}

impl<'a> From<&'a Signatory> for SignatoryView<'a> {
    fn from(s: &'a Signatory) -> Self {
        SignatoryView {
            namn: s.namn.as_deref(),
            titel: &s.titel,
        }
    }
}

/// A goal with its indicators.
#[derive(Debug, Serialize)]
pub struct GoalView<'a> {
    pub id: &'a str,
    /// `mal` or `effektmal`.
    pub kind: &'static str,
    pub number: Option<u32>,
    pub text: &'a str,
    pub indicators: Vec<IndicatorView<'a>>,
}

impl<'a> From<&'a Goal> for GoalView<'a> {
    fn from(g: &'a Goal) -> Self {
        GoalView {
            id: &g.id,
            kind: match g.kind {
                GoalKind::Mal => "mal",
                GoalKind::Effektmal => "effektmal",
            },
            number: g.number,
            text: &g.text,
            indicators: g.indicators.iter().map(Into::into).collect(),
        }
    }
}

/// An indicator of a goal.
#[derive(Debug, Serialize)]
pub struct IndicatorView<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub target: Option<&'a str>,
}

impl<'a> From<&'a Indicator> for IndicatorView<'a> {
    fn from(i: &'a Indicator) -> Self {
        IndicatorView {
            id: &i.id,
            text: &i.text,
            target: i.target.as_deref(),
        }
    }
}

/// An assignment, or a measure of the internal-control plan: an id and a text.
#[derive(Debug, Serialize)]
pub struct ItemView<'a> {
    pub id: &'a str,
    pub text: &'a str,
}

impl<'a> From<&'a Item> for ItemView<'a> {
    fn from(i: &'a Item) -> Self {
        ItemView {
            id: &i.id,
            text: &i.text,
        }
    }
}

/// A table of text cells.
#[derive(Debug, Serialize)]
pub struct TextTableView<'a> {
    pub id: &'a str,
    pub caption: Option<&'a str>,
    pub columns: &'a [String],
    pub rows: Vec<TextRowView<'a>>,
}

impl<'a> From<&'a TextTable> for TextTableView<'a> {
    fn from(t: &'a TextTable) -> Self {
        TextTableView {
            id: &t.id,
            caption: t.caption.as_deref(),
            columns: &t.columns,
            rows: t.rows.iter().map(Into::into).collect(),
        }
    }
}

/// A row of a text table: Markdown per cell.
#[derive(Debug, Serialize)]
pub struct TextRowView<'a> {
    pub id: &'a str,
    pub cells: &'a [String],
    pub header: bool,
}

impl<'a> From<&'a TextRow> for TextRowView<'a> {
    fn from(r: &'a TextRow) -> Self {
        TextRowView {
            id: &r.id,
            cells: &r.cells,
            header: r.header,
        }
    }
}

/// A matrix of marks.
#[derive(Debug, Serialize)]
pub struct MatrixView<'a> {
    pub id: &'a str,
    pub columns: &'a [String],
    pub heading: Option<&'a str>,
    pub rows: Vec<MatrixRowView<'a>>,
}

impl<'a> From<&'a Matrix> for MatrixView<'a> {
    fn from(m: &'a Matrix) -> Self {
        MatrixView {
            id: &m.id,
            columns: &m.columns,
            heading: m.heading.as_deref(),
            rows: m.rows.iter().map(Into::into).collect(),
        }
    }
}

/// A row of a matrix: one mark (`true`) or none per column.
#[derive(Debug, Serialize)]
pub struct MatrixRowView<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub marks: &'a [bool],
}

impl<'a> From<&'a MatrixRow> for MatrixRowView<'a> {
    fn from(r: &'a MatrixRow) -> Self {
        MatrixRowView {
            id: &r.id,
            label: &r.label,
            marks: &r.marks,
        }
    }
}

/// An organisation chart.
#[derive(Debug, Serialize)]
pub struct OrgChartView<'a> {
    pub id: &'a str,
    pub alt: &'a str,
    pub root: OrgNodeView<'a>,
}

impl<'a> From<&'a OrgChart> for OrgChartView<'a> {
    fn from(c: &'a OrgChart) -> Self {
        OrgChartView {
            id: &c.id,
            alt: &c.alt,
            root: (&c.root).into(),
        }
    }
}

/// A box of an organisation chart.
#[derive(Debug, Serialize)]
pub struct OrgNodeView<'a> {
    pub label: &'a str,
    pub staff: Vec<OrgNodeView<'a>>,
    pub children: Vec<OrgNodeView<'a>>,
}

impl<'a> From<&'a OrgNode> for OrgNodeView<'a> {
    fn from(n: &'a OrgNode) -> Self {
        OrgNodeView {
            label: &n.label,
            staff: n.staff.iter().map(Into::into).collect(),
            children: n.children.iter().map(Into::into).collect(),
        }
    }
}

/// An area of the internal-control plan with its risks.
#[derive(Debug, Serialize)]
pub struct IcAreaPartView<'a> {
    pub id: &'a str,
    pub area: &'a str,
    pub risks: Vec<IcRiskView<'a>>,
}

impl<'a> From<&'a IcArea> for IcAreaPartView<'a> {
    fn from(a: &'a IcArea) -> Self {
        IcAreaPartView {
            id: &a.id,
            area: &a.area,
            risks: a.risks.iter().map(Into::into).collect(),
        }
    }
}

/// A risk with the measures against it.
#[derive(Debug, Serialize)]
pub struct IcRiskView<'a> {
    pub id: &'a str,
    pub risk: &'a str,
    pub measures: Vec<ItemView<'a>>,
}

impl<'a> From<&'a IcRisk> for IcRiskView<'a> {
    fn from(r: &'a IcRisk) -> Self {
        IcRiskView {
            id: &r.id,
            risk: &r.risk,
            measures: r.measures.iter().map(Into::into).collect(),
        }
    }
}

/// An assessment as printed: a drawn mark (`id` says which) and always the word.
#[derive(Debug, Serialize)]
pub struct AssessmentView {
    pub id: &'static str,
    pub word: &'static str,
}

impl From<Assessment> for AssessmentView {
    fn from(a: Assessment) -> Self {
        AssessmentView {
            id: a.as_str(),
            word: a.label(),
        }
    }
}

/// An indicator of a followed-up goal: the plan's text and target, the report's outcome.
#[derive(Debug, Serialize)]
pub struct IndicatorFollowUpView<'a> {
    pub text: &'a str,
    pub target: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub assessment: Option<AssessmentView>,
    pub markdown: Option<std::borrow::Cow<'a, str>>,
}

/// An assignment with its status.
#[derive(Debug, Serialize)]
pub struct AssignmentFollowUpView<'a> {
    pub text: &'a str,
    pub status: Option<&'static str>,
    pub markdown: Option<std::borrow::Cow<'a, str>>,
}

/// A risk of the internal-control plan with the result of its controls. `span` is the number
/// of rows its area spans on the area's first risk, else 0.
#[derive(Debug, Serialize)]
pub struct ControlResultView<'a> {
    pub area: &'a str,
    pub span: usize,
    pub risk: &'a str,
    pub measures: Vec<&'a str>,
    pub result: Option<&'static str>,
    pub markdown: Option<std::borrow::Cow<'a, str>>,
}
