//! The figures of a follow-up report (`content/uppfoljning/*.yaml`): the plan's tables
//! projected onto the report's period, with the outcome (`utfall`), the deviation
//! (`avvikelse`) and, before the year's end, the forecast (`prognos`) beside the budget column.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::content::items::items;
use crate::content::{
    budget_column, Assessment, Chart, ChartKind, Column, DeviationSign, FollowUp, Plan, Row,
    RowKind, Sourced, SumSpec, Table, TableFollowUp, TextColumn,
};
use crate::diag::Diagnostic;
use crate::figures::{CellRef, Expr, Figures};

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
pub const RESERVED_COLUMNS: [&str; 5] =
    [UTFALL, AVVIKELSE, PROGNOS, AVVIKELSE_PROGNOS, GENOMFORANDE];
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

/// The label of the outcome column's group when the report gives none.
const FORECAST_GROUP: &str = "Helårsprognos";

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
/// plan a table with the followed budget column, `utfall`, `avvikelse` and (before the year's
/// end, when the report gives forecasts for the table) `prognos` and `avvikelse-prognos`,
/// whose sums, references and `sum_of` rows have the same shape as the budget's; the
/// Handlingsplan's summary also gets the share realised (`genomforande`); and the generated
/// table `maluppfyllelse` counts the goals per assessment.
pub fn project(
    plan: &Plan,
    computed: &Figures,
    report: &Sourced<FollowUp>,
) -> Result<Projection, Vec<Diagnostic>> {
    let f = &report.value;
    let mut tables = BTreeMap::new();
    let mut exprs: Vec<(CellRef, Expr)> = Vec::new();
    for (id, table) in &plan.tables {
        let entry = f.tables.iter().find(|e| &e.id == id);
        let handlingsplan = f.handlingsplan.as_deref() == Some(id.as_str());
        let Some(projected) = project_table(
            &table.value,
            entry,
            f,
            handlingsplan,
            computed,
            plan.meta.value.year,
            &mut exprs,
        ) else {
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
    projected.projection_of = Some(f.id.clone());
    projected.unread = Vec::new();
    let evaluate = |exprs: &[(CellRef, Expr)]| {
        Figures::from_exprs(&projected, exprs.iter().cloned()).map_err(|diags| {
            diags
                .into_iter()
                .map(|d| {
                    Diagnostic::error(
                        &report.file,
                        format!("{} (in the report's figures)", d.message),
                    )
                    .at_pos(plan.pos(&report.file, "tables"))
                })
                .collect::<Vec<_>>()
        })
    };
    let mut figures = evaluate(&exprs)?;
    // An outcome's sum over rows none of which has a value yet (its rows' outcomes not given,
    // or taken from tables without any) is empty, not 0; emptying one may empty the sums and
    // references over it, so until nothing changes (a sum's terms are never its own sums, so
    // this ends within the depth of the nesting).
    loop {
        let mut emptied = false;
        for (cell, expr) in exprs.iter_mut() {
            let Expr::Sum(members) = expr else { continue };
            if cell.column != UTFALL && cell.column != PROGNOS {
                continue;
            }
            let t = &projected.tables[&cell.table].value;
            let none = members.iter().all(|&m| {
                t.rows
                    .get(m)
                    .is_none_or(|row| figures.get(&cell.table, &row.id, &cell.column).is_none())
            });
            if none {
                *expr = Expr::Empty;
                emptied = true;
            }
        }
        if !emptied {
            break;
        }
        figures = evaluate(&exprs)?;
    }
    Ok(Projection {
        plan: projected,
        figures,
    })
}

/// One plan table projected (`None` for a table without columns).
fn project_table(
    t: &Table,
    entry: Option<&TableFollowUp>,
    f: &FollowUp,
    handlingsplan: bool,
    computed: &Figures,
    year: i32,
    exprs: &mut Vec<(CellRef, Expr)>,
) -> Option<Table> {
    let b = budget_column(t, entry.and_then(|e| e.budget.as_deref()), year)?;
    let budget = &t.columns[b];
    let forecasts =
        f.kind.forecasts() && entry.is_some_and(|e| e.rows.iter().any(|r| r.prognos.is_some()));
    let column = |id: &str, title: &str, group: Option<&str>| Column {
        id: id.to_string(),
        title: title.to_string(),
        group: group.map(str::to_string),
        precision: budget.precision,
        unit: budget.unit.clone(),
    };
    let mut columns = vec![Column {
        id: budget.id.clone(),
        title: budget.name(),
        group: None,
        precision: budget.precision,
        unit: budget.unit.clone(),
    }];
    columns.push(column(UTFALL, "Utfall", Some(&f.label)));
    columns.push(column(AVVIKELSE, "Avvikelse", Some(&f.label)));
    if forecasts {
        columns.push(column(PROGNOS, "Prognos", Some(FORECAST_GROUP)));
        columns.push(column(AVVIKELSE_PROGNOS, "Avvikelse", Some(FORECAST_GROUP)));
    }
    if handlingsplan {
        columns.push(Column {
            id: GENOMFORANDE.to_string(),
            title: "Andel genomförd".to_string(),
            group: None,
            precision: 0,
            unit: Some("procent".to_string()),
        });
    }
    let outcome = |row: &str| entry.and_then(|e| e.rows.iter().find(|r| r.id == row));
    let comments = entry.is_some_and(|e| e.rows.iter().any(|r| r.kommentar.is_some()));
    let mut text_columns = t.text_columns.clone();
    if comments {
        text_columns.push(TextColumn {
            id: KOMMENTAR.to_string(),
            title: "Kommentar".to_string(),
        });
    }
    let sign = entry.map(|e| e.avvikelse).unwrap_or_default();
    let complete_utfall = complete(t, &budget.id, computed, |r| {
        outcome(r).and_then(|g| g.utfall)
    });
    let complete_prognos = complete(t, &budget.id, computed, |r| {
        outcome(r).and_then(|g| g.prognos)
    });
    let mut rows = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let first = exprs.len();
        let plan_cell = CellRef::new(&t.id, &row.id, &budget.id);
        let cell = |column: &str| CellRef::new(&t.id, &row.id, column);
        let plan_expr = computed.expr(&plan_cell).cloned().unwrap_or(Expr::Empty);
        let group = row.kind == RowKind::Group;
        // The budget: the plan's sums stay sums (so a sheet's formula and diff's moved totals
        // are real); every other cell is the plan's checked value.
        let budget_expr = match &plan_expr {
            Expr::Sum(rows) => Expr::Sum(rows.clone()),
            _ if group => Expr::Empty,
            _ => computed.value(&plan_cell).map_or(Expr::Empty, Expr::Typed),
        };
        exprs.push((plan_cell.clone(), budget_expr));
        // The outcome and the forecast: the budget's shape with the report's leaves.
        let leaf = |value: Option<Decimal>| value.map_or(Expr::Empty, Expr::Typed);
        let r = rows.len();
        let complete_in = |column: &str| {
            if column == UTFALL {
                complete_utfall[r]
            } else {
                complete_prognos[r]
            }
        };
        let shaped = |column: &str, value: Option<Decimal>| match &plan_expr {
            Expr::Sum(rows) => Expr::Sum(rows.clone()),
            Expr::Ref(c) => Expr::Ref(CellRef::new(&c.table, &c.row, column)),
            Expr::SumOf(cells) => Expr::SumOf(
                cells
                    .iter()
                    .map(|c| CellRef::new(&c.table, &c.row, column))
                    .collect(),
            ),
            _ if group => Expr::Empty,
            _ => leaf(value),
        };
        let given = outcome(&row.id);
        // A deviation from an outcome (or forecast) not given yet would be the whole budget: it
        // stays empty until every row it depends on has one.
        let deviation = |actual: &str| {
            if group || !complete_in(actual) {
                return Expr::Empty;
            }
            match sign {
                DeviationSign::BudgetUtfall => Expr::Difference(plan_cell.clone(), cell(actual)),
                DeviationSign::UtfallBudget => Expr::Difference(cell(actual), plan_cell.clone()),
            }
        };
        exprs.push((cell(UTFALL), shaped(UTFALL, given.and_then(|g| g.utfall))));
        exprs.push((cell(AVVIKELSE), deviation(UTFALL)));
        if forecasts {
            exprs.push((
                cell(PROGNOS),
                shaped(PROGNOS, given.and_then(|g| g.prognos)),
            ));
            exprs.push((cell(AVVIKELSE_PROGNOS), deviation(PROGNOS)));
        }
        if handlingsplan {
            let share = if group {
                Expr::Empty
            } else {
                Expr::Share(cell(UTFALL), plan_cell.clone())
            };
            exprs.push((cell(GENOMFORANDE), share));
        }
        let mut text = row.text.clone();
        if let Some(k) = given.and_then(|g| g.kommentar.as_ref()) {
            text.insert(KOMMENTAR.to_string(), k.clone());
        }
        // A detail row's typed figures (the budget, the outcome, the forecast), one per column
        // in order, as a plan row's `values`: what `diff` compares as amounts, the deviations
        // and sums they move following as totals.
        let leaf_row = !group && matches!(plan_expr, Expr::Typed(_) | Expr::Empty);
        let values = leaf_row.then(|| {
            exprs[first..]
                .iter()
                .map(|(_, e)| match e {
                    Expr::Typed(v) => Some(*v),
                    _ => None,
                })
                .collect()
        });
        rows.push(Row {
            id: row.id.clone(),
            label: row.label.clone(),
            kind: row.kind,
            values,
            refs: Default::default(),
            text,
            sum: row.sum.clone(),
            control: None,
        });
    }
    let mut notes = entry.map(|e| e.notes.clone()).unwrap_or_default();
    notes.push(sign_note(sign).to_string());
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
            columns: [budget.id.as_str(), UTFALL]
                .into_iter()
                .chain(forecasts.then_some(PROGNOS))
                .map(str::to_string)
                .collect(),
            show: true,
        }),
    })
}

/// Per row of `t`, whether its outcome (as `given` says, by row id) is complete wherever the
/// budget asks for one: a detail row with a budget needs its own; a sum needs all of its rows'.
/// A row that takes its figures from other tables is judged there.
fn complete(
    t: &Table,
    column: &str,
    computed: &Figures,
    given: impl Fn(&str) -> Option<Decimal>,
) -> Vec<bool> {
    let mut out = vec![true; t.rows.len()];
    let mut sums = Vec::new();
    for (r, row) in t.rows.iter().enumerate() {
        let cell = CellRef::new(&t.id, &row.id, column);
        match computed.expr(&cell) {
            Some(Expr::Sum(members)) => sums.push((r, members.clone())),
            Some(Expr::Typed(_)) if row.kind == RowKind::Data => {
                out[r] = given(&row.id).is_some();
            }
            _ => {}
        }
    }
    // Sub-totals before the totals that add them up (a sum lists rows before it as a rule;
    // two passes settle one that lists a later sub-total).
    for _ in 0..2 {
        for (r, members) in &sums {
            out[*r] = members.iter().all(|&m| out.get(m).copied().unwrap_or(true));
        }
    }
    out
}

/// The note under every projected table that says which way its deviations go.
pub fn sign_note(sign: DeviationSign) -> &'static str {
    match sign {
        DeviationSign::BudgetUtfall => {
            "Avvikelse = budget − utfall: ett positivt tal är ett utfall under budget."
        }
        DeviationSign::UtfallBudget => {
            "Avvikelse = utfall − budget: ett positivt tal är ett utfall över budget."
        }
    }
}

/// The table `maluppfyllelse`: how many of the plan's goals the report assesses each way, and
/// their share of all the plan's goals (rounded to whole percent, so the shares need not add
/// up to 100: the sum row's share is left empty). Goals not assessed yet (a warning of
/// `check`) are a row of their own, `utan-bedomning`, while there are any: they count in the
/// total, so a half-assessed report never reads as all goals met.
fn goals_table(plan: &Plan, f: &FollowUp) -> (Table, Vec<(CellRef, Expr)>) {
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
    exprs.push((cell(SUMMA, ANDEL), Expr::Empty));
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
