//! The figures of a follow-up report (`content/uppfoljning/*.yaml`): the plan's tables
//! projected onto the report's period, with the outcome (`utfall`), the deviation
//! (`avvikelse`) and, before the year's end, the forecast (`prognos`) beside the budget column.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::content::items::items;
use crate::content::{
    budget_column, AmountKind, Assessment, Chart, ChartKind, Column, DeviationSign, FollowUp, Plan,
    Row, RowFollowUp, RowKind, Sourced, SumSpec, Table, TableFollowUp, TextColumn, ValuePath,
};
use crate::diag::{Code, Diagnostic};
use crate::figures::{CellRef, Expr, Figures};

/// The budget of the report's period (tertial and delår reports): the annual budget's share of
/// the months to `period_end`, or typed per row.
pub const PERIODBUDGET: &str = "periodbudget";
/// The outcome column of a projected table.
pub const UTFALL: &str = "utfall";
/// The deviation of the outcome from the budget.
pub const AVVIKELSE: &str = "avvikelse";
/// The forecast for the whole year.
pub const PROGNOS: &str = "prognos";
/// The deviation of the forecast from the budget.
pub const AVVIKELSE_PROGNOS: &str = "avvikelse-prognos";
/// The share of the Handlingsplan's planned effect that is realised.
pub const GENOMFORANDE: &str = "genomforande";
/// The ids of the columns a report adds to a plan table: a plan table may not use them.
pub const RESERVED_COLUMNS: [&str; 6] = [
    PERIODBUDGET,
    UTFALL,
    AVVIKELSE,
    PROGNOS,
    AVVIKELSE_PROGNOS,
    GENOMFORANDE,
];
/// The generated table of goals per assessment (`maluppfyllelse/uppfylld/andel`).
pub const GOALS_TABLE: &str = "maluppfyllelse";
/// Its columns: the number of goals, and their share of all assessed goals in percent.
pub const ANTAL: &str = "antal";
pub const ANDEL: &str = "andel";
/// Its sum row.
pub const SUMMA: &str = "summa";
/// Its row of the goals not assessed yet (only while there are any).
pub const UNASSESSED: &str = "utan-bedomning";
/// The text column of a projected table with the report's comments.
pub const KOMMENTAR: &str = "kommentar";

/// Which signs the amounts of a table's column have (zeros and empty cells aside).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signs {
    pub negative: bool,
    pub positive: bool,
}

/// The signs of the amounts of column `column` of table `t`: what the note under a projected
/// table, the warning of a table of both signs without `belopp` and the skeleton's `belopp`
/// all read.
pub fn signs(t: &Table, column: &str, computed: &Figures) -> Signs {
    let mut signs = Signs::default();
    for row in &t.rows {
        match computed.value(&CellRef::new(&t.id, &row.id, column)) {
            Some(v) if v.is_zero() => {}
            Some(v) if v.is_sign_negative() => signs.negative = true,
            Some(_) => signs.positive = true,
            None => {}
        }
    }
    signs
}

/// The annual budget of a projected table: the plan's column it follows, the first column
/// that is not one of the report's own ([`RESERVED_COLUMNS`]).
pub fn annual_column(t: &Table) -> Option<&Column> {
    t.columns
        .iter()
        .find(|c| !RESERVED_COLUMNS.contains(&c.id.as_str()))
}

/// A report's figures: the plan projected onto the report's period. Its `plan` is the plan with
/// the report's document metadata, decision paper and projected tables (the goals, chapters and
/// appendices as they are); its `figures` are computed from the report's outcomes. The
/// projected tables have no typed values of their own: a projection's plan is only ever used
/// with its own figures, never given to [`crate::figures::compute`].
pub struct Projection {
    pub plan: Plan,
    pub figures: Figures,
}

/// Projects the plan onto a report that `check::followup` found sound: for every table of the
/// plan a table with, in a tertial or delår report, the period's budget (`periodbudget`), its
/// outcome (`utfall`) and deviation (`avvikelse`), then the annual budget (the followed plan
/// column) and, when the report gives forecasts for the table or a table it draws from, the
/// forecast (`prognos`) and its deviation from the annual budget (`avvikelse-prognos`); in a
/// verksamhetsberättelse the annual budget, the outcome and the deviation. Sums, references and
/// `sum_of` rows have the same shape as the budget's. A sum, deviation or share is empty unless
/// every figure it depends on is given. The Handlingsplan's summary also gets the share
/// realised (`genomforande`); the generated table `maluppfyllelse` counts the goals per
/// assessment.
pub fn project(
    plan: &Plan,
    computed: &Figures,
    report: &Sourced<FollowUp>,
) -> Result<Projection, Vec<Diagnostic>> {
    let f = &report.value;
    let year = plan.meta.value.year;
    let ctx = Ctx {
        f,
        computed,
        year,
        forecasts: forecast_tables(plan, computed, f),
    };
    let mut tables = BTreeMap::new();
    let mut exprs: Vec<(CellRef, Expr)> = Vec::new();
    for (id, table) in &plan.tables {
        let entry = f.tables.iter().find(|e| &e.id == id);
        let handlingsplan = f.handlingsplan.as_deref() == Some(id.as_str());
        let Some(projected) = project_table(&ctx, &table.value, entry, handlingsplan, &mut exprs)
        else {
            continue;
        };
        tables.insert(
            id.clone(),
            Sourced {
                file: table.file.clone(),
                value: projected,
            },
        );
    }
    let (goals, goal_exprs) = goals_table(plan, f);
    exprs.extend(goal_exprs);
    tables.insert(
        GOALS_TABLE.to_string(),
        Sourced {
            file: report.file.clone(),
            value: goals,
        },
    );
    let mut projected = plan.clone();
    // The meta keeps plan.yaml as its file: the content directory is where it stands.
    projected.meta = Sourced {
        file: plan.meta.file.clone(),
        value: f.document_meta(&plan.meta.value),
    };
    projected.paper = f.tjansteskrivelse.clone().map(|value| Sourced {
        file: report.file.clone(),
        value,
    });
    projected.tables = tables;
    projected.reports = vec![report.clone()];
    projected.unread = Vec::new();
    empty_the_incomplete(&projected, computed, &mut exprs);
    let figures = Figures::from_exprs(&projected, exprs).map_err(|diags| {
        diags
            .into_iter()
            .map(|d| {
                Diagnostic::error(
                    Code::Computation,
                    &report.file,
                    format!("{} (in the report's figures)", d.message),
                )
                // The report's figures: at its `tables` (or the document, if it has none).
                .at_pos(plan.pos_or_ancestor(&report.file, &ValuePath::of("tables")))
            })
            .collect::<Vec<_>>()
    })?;
    Ok(Projection {
        plan: projected,
        figures,
    })
}

/// What every table's projection shares.
struct Ctx<'a> {
    f: &'a FollowUp,
    computed: &'a Figures,
    year: i32,
    /// The tables that get forecast columns.
    forecasts: HashSet<String>,
}

/// The tables that show a forecast: in a tertial or delår report, those for which the report
/// gives one, and every table that takes figures from one of them (`refs`, `sum_of`), so that a
/// summary has the forecast of its sources.
fn forecast_tables(plan: &Plan, computed: &Figures, f: &FollowUp) -> HashSet<String> {
    let mut out: HashSet<String> = HashSet::new();
    if !f.kind.forecasts() {
        return out;
    }
    out.extend(
        f.tables
            .iter()
            .filter(|e| e.rows.iter().any(|r| r.prognos.is_some()))
            .map(|e| e.id.clone()),
    );
    // The tables each table takes figures from, in its followed column.
    let sources: Vec<(String, Vec<String>)> = plan
        .tables
        .iter()
        .map(|(id, t)| {
            let t = &t.value;
            let entry = f.tables.iter().find(|e| &e.id == id);
            let Some(b) = budget_column(
                t,
                entry.and_then(|e| e.budget.as_deref()),
                plan.meta.value.year,
            ) else {
                return (id.clone(), Vec::new());
            };
            let column = &t.columns[b].id;
            let from = t
                .rows
                .iter()
                .flat_map(
                    |row| match computed.expr(&CellRef::new(id, &row.id, column)) {
                        Some(Expr::Ref(c)) => vec![c.table.clone()],
                        Some(Expr::SumOf(cells)) => cells.iter().map(|c| c.table.clone()).collect(),
                        _ => Vec::new(),
                    },
                )
                .collect();
            (id.clone(), from)
        })
        .collect();
    loop {
        let before = out.len();
        for (id, from) in &sources {
            if from.iter().any(|s| out.contains(s)) {
                out.insert(id.clone());
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

/// One plan table projected (`None` for a table without columns).
fn project_table(
    ctx: &Ctx,
    t: &Table,
    entry: Option<&TableFollowUp>,
    handlingsplan: bool,
    exprs: &mut Vec<(CellRef, Expr)>,
) -> Option<Table> {
    let b = budget_column(t, entry.and_then(|e| e.budget.as_deref()), ctx.year)?;
    let budget = &t.columns[b];
    let periodised = ctx.f.kind.forecasts();
    let forecasts = ctx.forecasts.contains(&t.id);
    let mut p = TableProjection {
        ctx,
        t,
        budget,
        entry,
        periodised,
        forecasts,
        handlingsplan,
        months: ctx.f.months(),
        sign: entry.map(TableFollowUp::sign).unwrap_or_default(),
        table_profile: entry.and_then(|e| e.profil.as_deref()),
        typed_period: Vec::new(),
        own_profile: Vec::new(),
        spread: 0,
        taken: Vec::new(),
    };
    let columns = p.columns();
    let text_columns = text_columns(t, entry);
    let mut rows = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        rows.push(p.row(row, exprs));
    }
    let notes = p.notes();
    Some(Table {
        id: t.id.clone(),
        unit: t.unit.clone(),
        caption: t.caption.clone(),
        text_columns,
        columns,
        sum_of: t.sum_of.clone(),
        rows,
        notes,
        chart: entry.and_then(|e| e.chart.as_ref()).map(|c| Chart {
            kind: ChartKind::Grouped,
            title: c.title.clone(),
            alt: c.alt.clone(),
            columns: chart_columns(periodised, forecasts, &budget.id),
            show: true,
        }),
    })
}

/// A plan table's text columns, with the report's comments when it has any.
fn text_columns(t: &Table, entry: Option<&TableFollowUp>) -> Vec<TextColumn> {
    let comments = entry.is_some_and(|e| e.rows.iter().any(|r| r.kommentar.is_some()));
    let mut text_columns = t.text_columns.clone();
    if comments {
        text_columns.push(TextColumn {
            id: KOMMENTAR.to_string(),
            title: "Kommentar".to_string(),
        });
    }
    text_columns
}

/// A plan table being projected: what it is projected with, and what its rows have shown of
/// the period's budget so far (what the note under the table says).
struct TableProjection<'p> {
    ctx: &'p Ctx<'p>,
    t: &'p Table,
    /// The plan's budget column.
    budget: &'p Column,
    /// What the report says of the table.
    entry: Option<&'p TableFollowUp>,
    /// A tertial or delår report: the period's budget beside the annual one.
    periodised: bool,
    /// The table gets forecast columns.
    forecasts: bool,
    /// The Handlingsplan's table: the share realised.
    handlingsplan: bool,
    /// The months to `period_end`.
    months: u32,
    sign: DeviationSign,
    /// The table's seasonal profile.
    table_profile: Option<&'p [Decimal]>,
    /// Detail rows whose period budget is typed in the report.
    typed_period: Vec<&'p str>,
    /// Detail rows whose period budget is computed by their own profile.
    own_profile: Vec<&'p str>,
    /// Detail rows whose period budget is computed by the months or the table's profile.
    spread: usize,
    /// Rows that take their budget from other tables (`refs`, `sum_of`).
    taken: Vec<&'p str>,
}

impl<'p> TableProjection<'p> {
    /// The projected table's columns: the period's, the year's, the share realised.
    fn columns(&self) -> Vec<Column> {
        let f = self.ctx.f;
        let budget = self.budget;
        let column = |id: &str, title: &str, group: Option<&str>| Column {
            id: id.to_string(),
            title: title.to_string(),
            group: group.map(str::to_string),
            precision: budget.precision,
            unit: budget.unit.clone(),
        };
        let year_group = format!("Helår {}", self.ctx.year);
        let mut columns = Vec::new();
        if self.periodised {
            columns.push(column(PERIODBUDGET, "Budget", Some(&f.label)));
            columns.push(column(UTFALL, "Utfall", Some(&f.label)));
            columns.push(column(AVVIKELSE, "Avvikelse", Some(&f.label)));
            columns.push(column(&budget.id, "Budget", Some(&year_group)));
            if self.forecasts {
                columns.push(column(PROGNOS, "Prognos", Some(&year_group)));
                columns.push(column(AVVIKELSE_PROGNOS, "Avvikelse", Some(&year_group)));
            }
        } else {
            columns.push(column(&budget.id, &budget.name(), None));
            columns.push(column(UTFALL, "Utfall", Some(&f.label)));
            columns.push(column(AVVIKELSE, "Avvikelse", Some(&f.label)));
        }
        if self.handlingsplan {
            columns.push(Column {
                id: GENOMFORANDE.to_string(),
                title: "Andel genomförd, %".to_string(),
                group: None,
                precision: 0,
                unit: Some("procent".to_string()),
            });
        }
        columns
    }

    /// One row projected: its cells' expressions pushed to `exprs`, and the row as shown.
    fn row(&mut self, row: &'p Row, exprs: &mut Vec<(CellRef, Expr)>) -> Row {
        let first = exprs.len();
        let computed = self.ctx.computed;
        let plan_cell = CellRef::new(&self.t.id, &row.id, &self.budget.id);
        let cells = RowCells {
            table: &self.t.id,
            row: &row.id,
            plan_expr: computed.expr(&plan_cell).cloned().unwrap_or(Expr::Empty),
            plan_cell,
            group: row.kind == RowKind::Group,
            sign: self.sign,
        };
        let given = self
            .entry
            .and_then(|e| e.rows.iter().find(|r| r.id == row.id));
        // The budget: the plan's sums stay sums (so a sheet's formula and diff's moved totals
        // are real); every other cell is the plan's checked value.
        let budget_expr = match &cells.plan_expr {
            Expr::Sum(rows) => Expr::Sum(rows.clone()),
            _ if cells.group => Expr::Empty,
            _ => computed
                .value(&cells.plan_cell)
                .map_or(Expr::Empty, Expr::Typed),
        };
        if self.periodised {
            self.period_cells(row, given, &cells, budget_expr, exprs);
        } else {
            exprs.push((cells.plan_cell.clone(), budget_expr));
            exprs.push((
                cells.cell(UTFALL),
                cells.shaped(UTFALL, typed(given.and_then(|g| g.utfall))),
            ));
            exprs.push((
                cells.cell(AVVIKELSE),
                cells.deviation(cells.plan_cell.clone(), UTFALL),
            ));
        }
        if self.handlingsplan {
            let share = if cells.group {
                Expr::Empty
            } else {
                Expr::Share(cells.cell(UTFALL), cells.plan_cell.clone())
            };
            exprs.push((cells.cell(GENOMFORANDE), share));
        }
        shown_row(row, given, &cells, &exprs[first..])
    }

    /// A row's cells in a tertial or delår report: the period's budget, outcome and
    /// deviation, the annual budget, and the forecast with its deviation.
    fn period_cells(
        &mut self,
        row: &'p Row,
        given: Option<&'p RowFollowUp>,
        cells: &RowCells,
        budget_expr: Expr,
        exprs: &mut Vec<(CellRef, Expr)>,
    ) {
        let leaf = self.period_budget(row, given, cells);
        if matches!(cells.plan_expr, Expr::Ref(_) | Expr::SumOf(_)) {
            self.taken.push(row.label.as_str());
        }
        let cell = |column: &str| cells.cell(column);
        exprs.push((cell(PERIODBUDGET), cells.shaped(PERIODBUDGET, leaf)));
        exprs.push((
            cell(UTFALL),
            cells.shaped(UTFALL, typed(given.and_then(|g| g.utfall))),
        ));
        exprs.push((cell(AVVIKELSE), cells.deviation(cell(PERIODBUDGET), UTFALL)));
        exprs.push((cells.plan_cell.clone(), budget_expr));
        if self.forecasts {
            exprs.push((
                cell(PROGNOS),
                cells.shaped(PROGNOS, typed(given.and_then(|g| g.prognos))),
            ));
            exprs.push((
                cell(AVVIKELSE_PROGNOS),
                cells.deviation(cells.plan_cell.clone(), PROGNOS),
            ));
        }
    }

    /// The period's budget of a detail row: typed in the report, or the annual budget's share
    /// of the months to `period_end` (by the row's or the table's seasonal profile, else
    /// evenly).
    fn period_budget(
        &mut self,
        row: &'p Row,
        given: Option<&'p RowFollowUp>,
        cells: &RowCells,
    ) -> Expr {
        let own = !cells.group && matches!(cells.plan_expr, Expr::Typed(_) | Expr::Empty);
        match given.and_then(|g| g.periodbudget) {
            Some(v) => {
                if own {
                    self.typed_period.push(row.label.as_str());
                }
                Expr::Typed(v)
            }
            None if self.ctx.computed.value(&cells.plan_cell).is_none() => Expr::Empty,
            None => {
                let row_profile = given.and_then(|g| g.profil.as_deref());
                match (own, row_profile.is_some()) {
                    (false, _) => {}
                    (true, true) => self.own_profile.push(row.label.as_str()),
                    (true, false) => self.spread += 1,
                }
                let (part, whole) = share_of_year(row_profile.or(self.table_profile), self.months);
                Expr::Part(cells.plan_cell.clone(), part, whole)
            }
        }
    }

    /// The notes under the table: the report's, how the period's budget is derived, the
    /// deviation's sign, the share realised.
    fn notes(&self) -> Vec<String> {
        let f = self.ctx.f;
        let budget = self.budget;
        let mut notes = self.entry.map(|e| e.notes.clone()).unwrap_or_default();
        if self.periodised {
            notes.push(period_note(
                f,
                self.table_profile.filter(|_| self.spread > 0),
                budget.precision,
                budget.unit(self.t),
                &PeriodRows {
                    spread: self.spread,
                    typed: &self.typed_period,
                    own_profile: &self.own_profile,
                    taken: &self.taken,
                },
            ));
        }
        notes.push(sign_note(
            self.sign,
            self.entry.and_then(|e| e.belopp),
            signs(self.t, &budget.id, self.ctx.computed).negative,
            self.forecasts,
        ));
        if self.handlingsplan {
            notes.push(if self.periodised {
                "Andel genomförd = utfall hittills i procent av årets budgeterade effekt."
                    .to_string()
            } else {
                "Andel genomförd = utfall i procent av årets budgeterade effekt.".to_string()
            });
        }
        notes
    }
}

/// A row of a projected table as shown: its text with the report's comment, and a detail row's
/// typed figures (`cells`, the expressions of its cells in order).
fn shown_row(
    row: &Row,
    given: Option<&RowFollowUp>,
    cells: &RowCells,
    exprs: &[(CellRef, Expr)],
) -> Row {
    let mut text = row.text.clone();
    if let Some(k) = given.and_then(|g| g.kommentar.as_ref()) {
        text.insert(KOMMENTAR.to_string(), k.clone());
    }
    // A detail row's typed figures (the budgets, the outcome, the forecast), one per column
    // in order, as a plan row's `values`: what `diff` compares as amounts, the deviations
    // and sums they move following as totals.
    let leaf_row = !cells.group && matches!(cells.plan_expr, Expr::Typed(_) | Expr::Empty);
    let values = leaf_row.then(|| {
        exprs
            .iter()
            .map(|(_, e)| match e {
                Expr::Typed(v) => Some(*v),
                _ => None,
            })
            .collect()
    });
    Row {
        id: row.id.clone(),
        label: row.label.clone(),
        kind: row.kind,
        values,
        refs: Default::default(),
        text,
        sum: row.sum.clone(),
        control: None,
    }
}

/// A typed figure, or an empty cell.
fn typed(value: Option<Decimal>) -> Expr {
    value.map_or(Expr::Empty, Expr::Typed)
}

/// One row of a projected table: its cells, and how the plan computes its budget cell.
struct RowCells<'r> {
    table: &'r str,
    row: &'r str,
    /// The plan's budget cell of the row.
    plan_cell: CellRef,
    /// How the plan computes it.
    plan_expr: Expr,
    /// A group row (its cells empty).
    group: bool,
    sign: DeviationSign,
}

impl RowCells<'_> {
    /// The row's cell in `column`.
    fn cell(&self, column: &str) -> CellRef {
        CellRef::new(self.table, self.row, column)
    }

    /// A column other than the budget: the budget's shape, with the report's `leaf`.
    fn shaped(&self, column: &str, leaf: Expr) -> Expr {
        match &self.plan_expr {
            Expr::Sum(rows) => Expr::Sum(rows.clone()),
            Expr::Ref(c) => Expr::Ref(CellRef::new(&c.table, &c.row, column)),
            Expr::SumOf(cells) => Expr::SumOf(
                cells
                    .iter()
                    .map(|c| CellRef::new(&c.table, &c.row, column))
                    .collect(),
            ),
            _ if self.group => Expr::Empty,
            _ => leaf,
        }
    }

    /// The deviation of the row's `actual` from `budget`, by the table's sign.
    fn deviation(&self, budget: CellRef, actual: &str) -> Expr {
        if self.group {
            return Expr::Empty;
        }
        match self.sign {
            DeviationSign::BudgetUtfall => Expr::Difference(budget, self.cell(actual)),
            DeviationSign::UtfallBudget => Expr::Difference(self.cell(actual), budget),
        }
    }
}

/// The columns a report's chart of a table draws: the period's budget and outcome, and the
/// annual budget and forecast beside them (a verksamhetsberättelse: budget and outcome).
pub fn chart_columns(periodised: bool, forecasts: bool, budget: &str) -> Vec<String> {
    let mut out = Vec::new();
    if periodised {
        out.extend([PERIODBUDGET, UTFALL].map(str::to_string));
        if forecasts {
            out.extend([budget, PROGNOS].map(str::to_string));
        }
    } else {
        out.extend([budget, UTFALL].map(str::to_string));
    }
    out
}

/// The share of the year's budget that falls in the first `months` months: of a seasonal
/// profile (twelve monthly weights), the first months' weights and all of them; evenly,
/// `months` and 12.
pub fn share_of_year(profile: Option<&[Decimal]>, months: u32) -> (Decimal, Decimal) {
    match profile.filter(|p| p.len() == 12) {
        Some(p) => {
            let part = p.iter().take(months as usize).copied().sum::<Decimal>();
            let whole = p.iter().copied().sum::<Decimal>();
            (part, whole)
        }
        None => (Decimal::from(months), Decimal::from(12)),
    }
}

/// How the rows of a table get their period budget: how many are spread by the months (or the
/// table's profile), and the labels of those with a profile of their own, a typed period
/// budget, or a period budget taken from other tables (`refs`, `sum_of`).
struct PeriodRows<'a> {
    spread: usize,
    typed: &'a [&'a str],
    own_profile: &'a [&'a str],
    taken: &'a [&'a str],
}

/// The note under a table of a tertial or delår report that says how the period's budget is
/// derived: only what its figures really are (a profile no row uses is not mentioned).
fn period_note(
    f: &FollowUp,
    profile: Option<&[Decimal]>,
    precision: u32,
    unit: &str,
    rows: &PeriodRows,
) -> String {
    let months = f.months();
    let span = months_span(months);
    let rounded = match precision {
        0 => format!("avrundad till hela {unit}"),
        1 => "avrundad till en decimal".to_string(),
        n => format!("avrundad till {n} decimaler"),
    };
    let mut parts = Vec::new();
    if rows.spread > 0 {
        parts.push(match profile.filter(|p| p.len() == 12) {
            Some(p) => {
                let (part, whole) = share_of_year(Some(p), months);
                let percent = (part * Decimal::ONE_HUNDRED)
                    .checked_div(whole)
                    .map(|x| crate::numfmt::format_amount(x, 1))
                    .unwrap_or_default();
                format!(
                    "Budget {span} = årsbudget × säsongsprofilens andel för {span} ({percent} %), per rad {rounded}; summorna är summan av raderna."
                )
            }
            None => format!(
                "Budget {span} = årsbudget × {months}/12, per rad {rounded}; summorna är summan av raderna."
            ),
        });
    } else if rows.own_profile.is_empty() && rows.typed.is_empty() {
        parts.push(format!("Budget {span}: summorna är summan av raderna."));
    }
    if !rows.own_profile.is_empty() {
        parts.push(format!(
            "{} följer en egen säsongsprofil (per rad {rounded}).",
            rows.own_profile.join(", ")
        ));
    }
    if !rows.typed.is_empty() {
        parts.push(format!(
            "Periodens budget för {} är angiven i rapporten.",
            rows.typed.join(", ")
        ));
    }
    if !rows.taken.is_empty() {
        parts.push(format!(
            "{} har periodens budget från de tabeller raderna hämtas från.",
            rows.taken.join(", ")
        ));
    }
    parts.join(" ")
}

/// `januari–augusti` for the first `months` months (`januari` for one).
pub fn months_span(months: u32) -> String {
    let last = crate::content::dates::MONTHS[(months.clamp(1, 12) - 1) as usize];
    if months <= 1 {
        last.to_string()
    } else {
        format!("januari–{last}")
    }
}

/// Empties every outcome or forecast that depends on a figure not given yet: a detail row's
/// own (empty) outcome when its row has a budget, and every sum, `sum_of` row and reference
/// that reaches one. The deviations and shares over them are then empty too (a difference or a
/// share of an empty cell is empty), so a missing outcome never reads as a deviation of the
/// whole budget.
fn empty_the_incomplete(projected: &Plan, computed: &Figures, exprs: &mut [(CellRef, Expr)]) {
    let index: HashMap<CellRef, usize> = exprs
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (c.clone(), i))
        .collect();
    let watched = |c: &CellRef| c.column == UTFALL || c.column == PROGNOS;
    // Whether a projected row has an annual budget.
    let budgeted = |c: &CellRef| -> bool {
        projected
            .tables
            .get(&c.table)
            .and_then(|t| annual_column(&t.value))
            .is_some_and(|col| {
                computed
                    .value(&CellRef::new(&c.table, &c.row, &col.id))
                    .is_some()
            })
    };
    // A cell is missing (a figure it needs is not given) or void (nothing it adds up has a
    // value: its sum would read 0); both are printed empty.
    let mut missing = vec![false; exprs.len()];
    let mut void = vec![false; exprs.len()];
    for (i, (c, e)) in exprs.iter().enumerate() {
        if watched(c) && matches!(e, Expr::Empty) {
            missing[i] = budgeted(c);
            void[i] = true;
        }
    }
    // Until nothing changes: a cell is missing when a cell it adds up or takes is, and void
    // when every one of them is.
    loop {
        let mut changed = false;
        for i in 0..exprs.len() {
            let (c, e) = &exprs[i];
            if missing[i] || !watched(c) {
                continue;
            }
            let state = |r: &CellRef| {
                index
                    .get(r)
                    .map_or((true, true), |&j| (missing[j], void[j]))
            };
            let terms: Vec<CellRef> = match e {
                Expr::Sum(members) => {
                    let Some(t) = projected.tables.get(&c.table) else {
                        continue;
                    };
                    members
                        .iter()
                        .filter_map(|&m| t.value.rows.get(m))
                        .map(|row| CellRef::new(&c.table, &row.id, &c.column))
                        .collect()
                }
                Expr::Ref(r) => vec![r.clone()],
                Expr::SumOf(cells) => cells.clone(),
                _ => continue,
            };
            let states: Vec<(bool, bool)> = terms.iter().map(state).collect();
            if states.iter().any(|s| s.0) {
                missing[i] = true;
                changed = true;
            } else if !void[i] && states.iter().all(|s| s.1) {
                void[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (i, (_, e)) in exprs.iter_mut().enumerate() {
        if missing[i] || void[i] {
            *e = Expr::Empty;
        }
    }
}

/// The note under every projected table that says which way its deviations go, in the
/// table's own terms: what its amounts are (`belopp`), or, when the report does not say, what
/// their signs show.
pub fn sign_note(
    sign: DeviationSign,
    belopp: Option<AmountKind>,
    negatives: bool,
    forecasts: bool,
) -> String {
    let formula = match (sign, forecasts) {
        (DeviationSign::BudgetUtfall, false) => "Avvikelse = budget − utfall",
        (DeviationSign::BudgetUtfall, true) => {
            "Avvikelse = budget − utfall (för helåret: årsbudget − prognos)"
        }
        (DeviationSign::UtfallBudget, false) => "Avvikelse = utfall − budget",
        (DeviationSign::UtfallBudget, true) => {
            "Avvikelse = utfall − budget (för helåret: prognos − årsbudget)"
        }
    };
    // What an outcome above and below the budget means.
    let (prefix, above, below) = match belopp {
        Some(AmountKind::Kostnader) => (
            "Beloppen är kostnader. ",
            "högre kostnader än budget (ett underskott)",
            "lägre kostnader än budget (ett överskott)",
        ),
        Some(AmountKind::Intakter) => (
            "Beloppen är intäkter. ",
            "högre intäkter än budget (ett överskott)",
            "lägre intäkter än budget (ett underskott)",
        ),
        Some(AmountKind::Resultat) => (
            "Intäkter är positiva och kostnader negativa belopp. ",
            "högre intäkter eller lägre kostnader än budget (ett bättre resultat)",
            "lägre intäkter eller högre kostnader än budget (ett sämre resultat)",
        ),
        None if negatives => (
            "Tabellen har både positiva och negativa belopp. ",
            "ett utfall över budget (för ett negativt belopp, som en kostnad med minustecken: en lägre kostnad)",
            "ett utfall under budget (för ett negativt belopp, som en kostnad med minustecken: en högre kostnad)",
        ),
        None => ("", "ett utfall över budget", "ett utfall under budget"),
    };
    let (positive, negative) = match sign {
        DeviationSign::BudgetUtfall => (below, above),
        DeviationSign::UtfallBudget => (above, below),
    };
    format!("{prefix}{formula}: ett positivt tal är {positive}, ett negativt tal {negative}.")
}

/// The table `maluppfyllelse`: how many of the plan's goals the report assesses each way, and
/// their share of all the plan's goals in percent (exact, printed to whole percent, so the
/// printed shares need not add up to the sum row's 100). Goals not assessed yet (a warning of
/// `check`) are a row of their own, `utan-bedomning`, while there are any: they count in the
/// total, so a half-assessed report never reads as all goals met.
fn goals_table(plan: &Plan, f: &FollowUp) -> (Table, Vec<(CellRef, Expr)>) {
    let counts = goal_counts(plan, f);
    let mut rows = Vec::new();
    let mut exprs = Vec::new();
    let cell = |row: &str, column: &str| CellRef::new(GOALS_TABLE, row, column);
    let row = |id: &str, label: &str, kind: RowKind| Row {
        id: id.to_string(),
        label: label.to_string(),
        kind,
        values: None,
        refs: Default::default(),
        text: Default::default(),
        sum: (kind == RowKind::Sum).then(|| SumSpec::Keyword("all".to_string())),
        control: None,
    };
    for (id, label, n) in &counts {
        let mut r = row(id, label, RowKind::Data);
        r.values = Some(vec![Some(Decimal::from(*n)), None]);
        rows.push(r);
        exprs.push((cell(id, ANTAL), Expr::Typed(Decimal::from(*n))));
        exprs.push((
            cell(id, ANDEL),
            Expr::Share(cell(id, ANTAL), cell(SUMMA, ANTAL)),
        ));
    }
    rows.push(row(SUMMA, "Summa", RowKind::Sum));
    let members: Arc<[usize]> = (0..counts.len()).collect();
    exprs.push((cell(SUMMA, ANTAL), Expr::Sum(members)));
    exprs.push((
        cell(SUMMA, ANDEL),
        Expr::Share(cell(SUMMA, ANTAL), cell(SUMMA, ANTAL)),
    ));
    let total: usize = counts.iter().map(|c| c.2).sum();
    let said: Vec<String> = counts
        .iter()
        .map(|(_, label, n)| format!("{n} {}", label.to_lowercase()))
        .collect();
    let column = |id: &str, title: &str, unit: Option<&str>| Column {
        id: id.to_string(),
        title: title.to_string(),
        group: None,
        precision: 0,
        unit: unit.map(str::to_string),
    };
    let table = Table {
        id: GOALS_TABLE.to_string(),
        unit: "mål".to_string(),
        caption: "Bedömning".to_string(),
        text_columns: Vec::new(),
        columns: vec![
            column(ANTAL, "Antal mål", None),
            column(ANDEL, "Andel, %", Some("procent")),
        ],
        sum_of: Vec::new(),
        rows,
        notes: Vec::new(),
        chart: Some(Chart {
            kind: ChartKind::Bars,
            title: "Mål per bedömning".to_string(),
            alt: format!(
                "Stapeldiagram över nämndens {total} mål: {}.",
                said.join(", ")
            ),
            columns: vec![ANTAL.to_string()],
            show: true,
        }),
    };
    (table, exprs)
}

/// How many of the plan's goals the report assesses each way, as (row id, label, count), and
/// the goals not assessed yet, while there are any.
fn goal_counts(plan: &Plan, f: &FollowUp) -> Vec<(String, String, usize)> {
    let known = items(plan);
    let assessment = |goal: &str| {
        f.goals
            .iter()
            .find(|g| g.id == goal)
            .and_then(|g| g.assessment)
    };
    let mut counts: Vec<(String, String, usize)> = Assessment::ALL
        .iter()
        .map(|a| {
            let n = known
                .goals
                .iter()
                .filter(|g| assessment(&g.item.id) == Some(*a))
                .count();
            (a.as_str().to_string(), a.label().to_string(), n)
        })
        .collect();
    let unassessed = known
        .goals
        .iter()
        .filter(|g| assessment(&g.item.id).is_none())
        .count();
    if unassessed > 0 {
        counts.push((
            UNASSESSED.to_string(),
            "Inte bedömt än".to_string(),
            unassessed,
        ));
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn the_share_of_the_year_is_months_or_the_profiles_weights() {
        assert_eq!(share_of_year(None, 8), (d("8"), d("12")));
        let profile: Vec<Decimal> = [9, 9, 9, 9, 9, 4, 4, 9, 9, 9, 10, 10]
            .map(Decimal::from)
            .to_vec();
        assert_eq!(share_of_year(Some(&profile), 8), (d("62"), d("100")));
        assert_eq!(share_of_year(Some(&profile), 12), (d("100"), d("100")));
        // A profile of another length (refused by `check`) is not used.
        assert_eq!(share_of_year(Some(&profile[..11]), 4), (d("4"), d("12")));
    }

    #[test]
    fn a_span_of_months_is_named_in_swedish() {
        assert_eq!(months_span(1), "januari");
        assert_eq!(months_span(4), "januari–april");
        assert_eq!(months_span(8), "januari–augusti");
        assert_eq!(months_span(12), "januari–december");
    }

    #[test]
    fn the_sign_note_says_what_a_positive_figure_means_in_the_tables_terms() {
        use DeviationSign::*;
        // Costs as positive amounts, budget − utfall: positive is under budget, the good way.
        let costs = sign_note(BudgetUtfall, Some(AmountKind::Kostnader), false, false);
        assert!(costs.contains("ett positivt tal är lägre kostnader än budget (ett överskott)"));
        assert!(costs.contains("ett negativt tal högre kostnader än budget (ett underskott)"));
        // A result table (costs negative), utfall − budget: a cost overrun and an income
        // shortfall are both negative and both worse.
        let result = sign_note(UtfallBudget, Some(AmountKind::Resultat), true, true);
        assert!(result.starts_with("Intäkter är positiva och kostnader negativa belopp."));
        assert!(result.contains("(för helåret: prognos − årsbudget)"));
        assert!(result.contains(
            "ett negativt tal lägre intäkter eller högre kostnader än budget (ett sämre resultat)"
        ));
        // The same table read the other way: positive is now the worse outcome, and said so.
        let reversed = sign_note(BudgetUtfall, Some(AmountKind::Resultat), true, false);
        assert!(reversed.contains(
            "ett positivt tal är lägre intäkter eller högre kostnader än budget (ett sämre resultat)"
        ));
        // Without `belopp`, a table with negative amounts says what a minus means.
        let mixed = sign_note(BudgetUtfall, None, true, false);
        assert!(mixed
            .contains("för ett negativt belopp, som en kostnad med minustecken: en högre kostnad"));
        let plain = sign_note(BudgetUtfall, None, false, false);
        assert_eq!(
            plain,
            "Avvikelse = budget − utfall: ett positivt tal är ett utfall under budget, ett negativt tal ett utfall över budget."
        );
    }
}
