//! `content/uppfoljning/*.yaml`: a follow-up report (tertialrapport, delårsrapport,
//! verksamhetsberättelse) of the plan. Every entry names an item of the plan by its id (goal,
//! indicator, assignment, table, row, risk); nothing of the plan is repeated. What a report adds
//! is the period's outcome: assessments and statuses with texts, and the outcomes (`utfall`) and
//! forecasts (`prognos`) of the plan tables' detail rows. Sums and deviations are computed
//! (`figures::followup`), never typed.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Decision, DecisionPaper};
use crate::content::path::ValuePath;

/// One follow-up report.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    /// The report's id, for `vplan build --report ID` (unique among the reports).
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// `tertial` (a tertialrapport), `delar` (the delårsrapport) or `helar` (the
    /// verksamhetsberättelse, the whole year).
    pub kind: PeriodKind,
    /// The period in words, e.g. "Januari–augusti 2031": the cover and the outcome columns.
    pub label: String,
    /// The period's last day, `YYYY-MM-DD`, in the plan's year (`helar`: 12-31).
    pub period_end: String,
    /// The report's date, `YYYY-MM-DD`: the PDF's creation date (deterministic output).
    pub decision_date: String,
    /// The title (default by kind: "Delårsrapport 2031" and so on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The decision the report is (or will be) part of, as `decision:` in `plan.yaml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// The report's own prose, in Markdown; may quote `{{ table/row/column }}` of the report.
    #[serde(default)]
    pub texts: FollowUpTexts,
    /// The assessment of each goal of the plan, with its indicators' outcomes.
    #[serde(default)]
    pub goals: Vec<GoalFollowUp>,
    /// The status of each assignment of the plan.
    #[serde(default)]
    pub assignments: Vec<AssignmentFollowUp>,
    /// The outcomes of the amount tables' detail rows.
    #[serde(default)]
    pub tables: Vec<TableFollowUp>,
    /// The Handlingsplan's summary table (a table with `sum_of`), printed as "Handlingsplanens
    /// genomförande" with the realised effect against the planned one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub handlingsplan: Option<String>,
    /// The result of the controls of each risk of `internkontroll.yaml`.
    #[serde(default)]
    pub internal_control: Vec<RiskFollowUp>,
    /// The report's decision paper (tjänsteskrivelse), built with `--split`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tjansteskrivelse: Option<DecisionPaper>,
}

/// What period a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodKind {
    /// A tertialrapport (January–April, or the second tertial).
    Tertial,
    /// The delårsrapport (January–August).
    Delar,
    /// The verksamhetsberättelse: the whole year.
    Helar,
}

impl PeriodKind {
    /// The YAML word.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Tertial => "tertial",
            PeriodKind::Delar => "delar",
            PeriodKind::Helar => "helar",
        }
    }

    /// The document's name, as in its default title.
    pub fn word(self) -> &'static str {
        match self {
            PeriodKind::Tertial => "Tertialrapport",
            PeriodKind::Delar => "Delårsrapport",
            PeriodKind::Helar => "Verksamhetsberättelse",
        }
    }

    /// Whether the report looks ahead to the year's end (a forecast column).
    pub fn forecasts(self) -> bool {
        self != PeriodKind::Helar
    }
}

/// A report's own prose, every text optional, in Markdown.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpTexts {
    /// Printed first, under "Sammanfattning".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sammanfattning: Option<String>,
    /// Introduces "Måluppfyllelse".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maluppfyllelse: Option<String>,
    /// Introduces "Ekonomi".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ekonomi: Option<String>,
    /// Introduces "Handlingsplanens genomförande".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handlingsplan: Option<String>,
    /// Introduces "Intern kontroll".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intern_kontroll: Option<String>,
}

impl FollowUpTexts {
    /// Each text with its key, in print order.
    pub fn all(&self) -> [(&'static str, Option<&String>); 5] {
        [
            ("sammanfattning", self.sammanfattning.as_ref()),
            ("maluppfyllelse", self.maluppfyllelse.as_ref()),
            ("ekonomi", self.ekonomi.as_ref()),
            ("handlingsplan", self.handlingsplan.as_ref()),
            ("intern_kontroll", self.intern_kontroll.as_ref()),
        ]
    }
}

/// A goal of the plan, assessed.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalFollowUp {
    /// The plan's goal id.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// How far the goal is met: `uppfylld`, `delvis`, `ej` or `ej-bedomd` (`~` while not
    /// assessed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    /// The assessment in words, Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The outcomes of this goal's indicators.
    #[serde(default)]
    pub indicators: Vec<IndicatorFollowUp>,
}

/// How far a goal (or an indicator) is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Assessment {
    /// Met (Uppfyllt).
    Uppfylld,
    /// Partly met (Delvis uppfyllt).
    Delvis,
    /// Not met (Ej uppfyllt).
    Ej,
    /// Not assessed (Ej bedömt).
    EjBedomd,
}

impl Assessment {
    pub const ALL: [Assessment; 4] = [
        Assessment::Uppfylld,
        Assessment::Delvis,
        Assessment::Ej,
        Assessment::EjBedomd,
    ];

    /// The YAML word, also the row id of the generated `maluppfyllelse` table.
    pub fn as_str(self) -> &'static str {
        match self {
            Assessment::Uppfylld => "uppfylld",
            Assessment::Delvis => "delvis",
            Assessment::Ej => "ej",
            Assessment::EjBedomd => "ej-bedomd",
        }
    }

    /// The assessment in words, printed beside its symbol (never the symbol alone).
    pub fn label(self) -> &'static str {
        match self {
            Assessment::Uppfylld => "Uppfyllt",
            Assessment::Delvis => "Delvis uppfyllt",
            Assessment::Ej => "Ej uppfyllt",
            Assessment::EjBedomd => "Ej bedömt",
        }
    }
}

/// An indicator of the goal, with its outcome.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorFollowUp {
    /// The plan's indicator id (of this goal).
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// The outcome as a text, e.g. "78" or "41 200 besök".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// How far the indicator's target is met: `uppfylld`, `delvis`, `ej` or `ej-bedomd` (`~`
    /// while not assessed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    /// A comment, Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// An assignment of the plan, with its status.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentFollowUp {
    /// The plan's assignment id.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// Where the assignment stands: `genomfort`, `pagar`, `ej-paborjat` or `avbrutet` (`~`
    /// while not reported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AssignmentStatus>,
    /// The status in words, Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Where an assignment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AssignmentStatus {
    /// Done (Genomfört).
    Genomfort,
    /// Under way (Pågår).
    Pagar,
    /// Not started (Ej påbörjat).
    EjPaborjat,
    /// Cancelled (Avbrutet).
    Avbrutet,
}

impl AssignmentStatus {
    pub fn label(self) -> &'static str {
        match self {
            AssignmentStatus::Genomfort => "Genomfört",
            AssignmentStatus::Pagar => "Pågår",
            AssignmentStatus::EjPaborjat => "Ej påbörjat",
            AssignmentStatus::Avbrutet => "Avbrutet",
        }
    }
}

/// The outcomes of one amount table of the plan.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableFollowUp {
    /// The plan's table id.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// The plan column followed up (default: the table's first column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub budget: Option<String>,
    /// The sign of the deviation: `budget-utfall` (positive = an outcome under budget) or
    /// `utfall-budget` (positive = an outcome over budget). Default: what `belopp` makes
    /// favourable (`budget-utfall` for costs, `utfall-budget` for income and results), else
    /// `budget-utfall`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avvikelse: Option<DeviationSign>,
    /// What the table's amounts are, so that the note under it says in words which way a
    /// deviation goes: `kostnader` (costs as positive amounts), `intakter` (income or effects as
    /// positive amounts) or `resultat` (income positive, costs negative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub belopp: Option<AmountKind>,
    /// A seasonal profile: twelve monthly weights (January to December, of any scale, such as
    /// percent or days) by which the annual budget is spread over the months; the period's
    /// budget is the share of the months up to `period_end`. Default: evenly, 1/12 a month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::content::amount::profile_schema")]
    #[serde(deserialize_with = "crate::content::amount::optional_list")]
    pub profil: Option<Vec<Decimal>>,
    /// The outcomes of the table's detail rows; sums are computed.
    #[serde(default)]
    pub rows: Vec<RowFollowUp>,
    /// The heading over the table in the report (default: the plan's heading of the table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Notes under the table, Markdown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// A chart of budget against outcome per row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<FollowUpChart>,
}

/// What the amounts of a followed-up table are: the words of the note that says which way a
/// deviation goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AmountKind {
    /// Costs, held as positive amounts (a negative amount is a net income).
    Kostnader,
    /// Income or effects (savings, revenue), held as positive amounts.
    Intakter,
    /// A result: income as positive amounts, costs as negative ones.
    Resultat,
}

impl AmountKind {
    /// The key as the YAML spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            AmountKind::Kostnader => "kostnader",
            AmountKind::Intakter => "intakter",
            AmountKind::Resultat => "resultat",
        }
    }

    /// The deviation's sign that makes a positive figure the favourable one.
    pub fn favourable(self) -> DeviationSign {
        match self {
            AmountKind::Kostnader => DeviationSign::BudgetUtfall,
            AmountKind::Intakter | AmountKind::Resultat => DeviationSign::UtfallBudget,
        }
    }
}

impl TableFollowUp {
    /// The deviation's sign: as given, else what `belopp` makes favourable, else
    /// `budget-utfall`.
    pub fn sign(&self) -> DeviationSign {
        self.avvikelse
            .or(self.belopp.map(AmountKind::favourable))
            .unwrap_or_default()
    }
}

/// Which way a deviation (avvikelse) is computed.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum DeviationSign {
    /// budget − utfall: a positive deviation is an outcome under budget.
    #[default]
    BudgetUtfall,
    /// utfall − budget: a positive deviation is an outcome over budget.
    UtfallBudget,
}

impl DeviationSign {
    /// The key as the YAML spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviationSign::BudgetUtfall => "budget-utfall",
            DeviationSign::UtfallBudget => "utfall-budget",
        }
    }
}

/// The outcome of one detail row.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RowFollowUp {
    /// The plan's row id.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// The outcome of the period (`~` while unknown).
    #[serde(default, deserialize_with = "crate::content::amount::optional")]
    #[schemars(schema_with = "crate::content::amount::optional_schema")]
    pub utfall: Option<Decimal>,
    /// The forecast for the whole year (tertial and delår reports).
    #[serde(default, deserialize_with = "crate::content::amount::optional")]
    #[schemars(schema_with = "crate::content::amount::optional_schema")]
    pub prognos: Option<Decimal>,
    /// The row's budget for the report's period, typed (a budget of its own, as the economy
    /// system periodises it): it replaces the share of the annual budget. Tertial and delår.
    #[serde(default, deserialize_with = "crate::content::amount::optional")]
    #[schemars(schema_with = "crate::content::amount::optional_schema")]
    pub periodbudget: Option<Decimal>,
    /// The row's own seasonal profile (twelve monthly weights), over the table's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::content::amount::profile_schema")]
    #[serde(deserialize_with = "crate::content::amount::optional_list")]
    pub profil: Option<Vec<Decimal>>,
    /// A short comment, printed in the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kommentar: Option<String>,
}

impl RowFollowUp {
    /// The amounts a row may give, by their keys: the outcome, the forecast, the period's
    /// budget.
    pub fn amounts(&self) -> [(&'static str, Option<Decimal>); 3] {
        [
            ("utfall", self.utfall),
            ("prognos", self.prognos),
            ("periodbudget", self.periodbudget),
        ]
    }
}

/// A chart of a followed-up table: budget against outcome (and forecast) per row.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpChart {
    /// The caption above the chart.
    pub title: String,
    /// The chart described in words, for a screen reader.
    pub alt: String,
}

/// A risk of the internal-control plan, with the result of its controls.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskFollowUp {
    /// The plan's risk id.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// What the controls found: `utan-anmarkning`, `brister` or `ej-genomford` (`~` while not
    /// reported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<ControlResult>,
    /// What the controls found, Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// What the controls of a risk found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ControlResult {
    /// No remarks (Utan anmärkning).
    UtanAnmarkning,
    /// Shortcomings found (Brister).
    Brister,
    /// The controls were not carried out (Ej genomförd).
    EjGenomford,
}

impl ControlResult {
    pub fn label(self) -> &'static str {
        match self {
            ControlResult::UtanAnmarkning => "Utan anmärkning",
            ControlResult::Brister => "Brister",
            ControlResult::EjGenomford => "Ej genomförd",
        }
    }
}

impl FollowUp {
    /// Every Markdown text of the report (its decision paper's aside) in print order: the YAML
    /// path, the text, and the level of the heading it is printed under.
    pub fn markdown(&self) -> Vec<(ValuePath, &str, usize)> {
        let mut out = Vec::new();
        for (key, text) in self.texts.all() {
            if let Some(text) = text {
                out.push((ValuePath::of("texts").key(key), text.as_str(), 1));
            }
        }
        for (i, g) in self.goals.iter().enumerate() {
            let gp = ValuePath::of("goals").index(i);
            if let Some(text) = &g.text {
                out.push((gp.key("text"), text.as_str(), 2));
            }
            for (j, ind) in g.indicators.iter().enumerate() {
                if let Some(text) = &ind.text {
                    out.push((gp.key("indicators").index(j).key("text"), text.as_str(), 2));
                }
            }
        }
        for (i, a) in self.assignments.iter().enumerate() {
            if let Some(text) = &a.text {
                out.push((
                    ValuePath::of("assignments").index(i).key("text"),
                    text.as_str(),
                    2,
                ));
            }
        }
        for (i, t) in self.tables.iter().enumerate() {
            for (j, note) in t.notes.iter().enumerate() {
                let path = ValuePath::of("tables").index(i).key("notes").index(j);
                out.push((path, note.as_str(), 2));
            }
        }
        for (i, r) in self.internal_control.iter().enumerate() {
            if let Some(text) = &r.text {
                let path = ValuePath::of("internal_control").index(i).key("text");
                out.push((path, text.as_str(), 2));
            }
        }
        out
    }

    /// The title: the given one, else the kind's word and the plan's year.
    pub fn title(&self, year: i32) -> String {
        self.title
            .clone()
            .unwrap_or_else(|| format!("{} {year}", self.kind.word()))
    }

    /// The metadata of the report as a document: the plan's, with the report's title, period,
    /// date and decision (no budget frame: that is the plan's control).
    pub fn document_meta(&self, plan: &super::PlanMeta) -> super::PlanMeta {
        let title = self.title(plan.year);
        let mut keywords = plan.keywords.clone();
        keywords.push(self.kind.word().to_lowercase());
        super::PlanMeta {
            title: title.clone(),
            subtitle: Some(plan.namnd.clone()),
            status_line: Some(self.label.clone()),
            decision_date: self.decision_date.clone(),
            subject: Some(format!("{title}, {}", plan.namnd)),
            keywords,
            budget_frame: None,
            decision: self.decision.clone(),
            ..plan.clone()
        }
    }

    /// The word of the report's file name: `tertialrapport-1` (the tertial its period ends
    /// in), `delarsrapport`, `verksamhetsberattelse`.
    pub fn file_word(&self) -> String {
        file_word(self.kind, &self.period_end)
    }

    /// The decision's status (decided when the report gives none, as for the plan).
    /// The months of the year the report's period covers (January to the month of
    /// `period_end`; 12 in a verksamhetsberättelse).
    pub fn months(&self) -> u32 {
        if self.kind == PeriodKind::Helar {
            return 12;
        }
        crate::content::dates::parse_date(&self.period_end)
            .map_or(12, |d| u32::from(d.1).clamp(1, 12))
    }

    pub fn status(&self) -> super::Status {
        self.decision.as_ref().map(|d| d.status).unwrap_or_default()
    }
}

/// The column of a plan table a report follows: the report's `budget:` (`None` when the table
/// has no such column), else the first column that names the plan's `year` (in its id, title
/// or group), else the first column.
pub fn budget_column(t: &super::Table, budget: Option<&str>, year: i32) -> Option<usize> {
    match budget {
        Some(id) => t.columns.iter().position(|c| c.id == id),
        None => {
            let y = year.to_string();
            let names = |c: &super::Column| {
                c.id.contains(&y)
                    || c.title.contains(&y)
                    || c.group.as_deref().is_some_and(|g| g.contains(&y))
            };
            t.columns
                .iter()
                .position(names)
                .or((!t.columns.is_empty()).then_some(0))
        }
    }
}

/// The word of a report's file name by its kind and last day: `tertialrapport-1` (the tertial
/// its period ends in), `delarsrapport`, `verksamhetsberattelse`.
pub fn file_word(kind: PeriodKind, period_end: &str) -> String {
    match kind {
        PeriodKind::Tertial => {
            let month = crate::content::dates::parse_date(period_end).map_or(4, |d| d.1);
            format!("tertialrapport-{}", month.div_ceil(4).max(1))
        }
        PeriodKind::Delar => "delarsrapport".into(),
        PeriodKind::Helar => "verksamhetsberattelse".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `as_str` spells each key as the YAML (serde) does.
    #[test]
    fn keys_are_spelt_as_serde_spells_them() {
        fn yaml<T: Serialize>(v: &T) -> String {
            serde_yaml::to_string(v).unwrap().trim().to_string()
        }
        for k in [
            AmountKind::Kostnader,
            AmountKind::Intakter,
            AmountKind::Resultat,
        ] {
            assert_eq!(yaml(&k), k.as_str());
        }
        for d in [DeviationSign::BudgetUtfall, DeviationSign::UtfallBudget] {
            assert_eq!(yaml(&d), d.as_str());
        }
    }
}
