//! How a figure of a table is computed, for a reader who clicks it (`vplan preview`): the
//! cell's expression ([`crate::figures::Expr`]) told as one line a board member reads
//! (`Summa 2 380,0 = Område fastigheter 1 135,0 + Område försörjning 370,0 + …`), with every
//! term's label, printed value and the file, line and column where it is written. Numbers are
//! printed as the table prints them (`numfmt::format_amount` with the column's precision), so
//! the terms read exactly as in the document; an empty cell is empty, never 0, and says why.
//!
//! A subject's model is the plan, the marked plan of a redline, or a report's projection of the
//! plan: a report's typed outcomes, forecasts and period budgets are located in the report's
//! own file, every other cell at its row of the plan's table file.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::content::{Column, FollowUp, Plan, Row, RowKind, Sourced, Table, ValuePath};
use crate::figures::followup::{
    self, annual_column, months_span, GOALS_TABLE, PERIODBUDGET, PROGNOS, UTFALL,
};
use crate::figures::{CellRef, Expr, Figures};
use crate::numfmt::format_amount;
use crate::pipeline::subject::Subject;
use crate::render::escape::{DEL_CLOSE, DEL_OPEN, INS_CLOSE, INS_OPEN};

/// Where a value is written: its file relative to the content directory and as an absolute
/// path, and its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub file: PathBuf,
    pub absolute: PathBuf,
    pub line: usize,
    pub column: usize,
}

/// How one cell is computed.
#[derive(Debug, Clone, Serialize)]
pub struct Derivation {
    pub cell: CellRef,
    /// The row's label › the column's name, as the table prints them.
    pub label: String,
    /// The value as the table prints it (`""` when empty).
    pub shown: String,
    pub value: Option<Decimal>,
    /// `typed`, `empty`, `sum`, `sum_of`, `ref`, `difference`, `share` or `part`.
    pub kind: &'static str,
    /// One line a reader reads: the cell, `=`, its terms.
    pub formula: String,
    /// What the formula does not say: which way a deviation goes (the sign note under the
    /// table), how a period budget is rounded, that empty terms count as nothing.
    pub note: Option<String>,
    pub terms: Vec<Term>,
    /// Where the cell itself is written or defined.
    pub at: Option<Place>,
}

/// One term of a [`Derivation`].
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub cell: CellRef,
    pub label: String,
    pub shown: String,
    pub value: Option<Decimal>,
    /// How it enters: `+`, `−` (subtracted), `×` (multiplied), `÷` (divided by), `=` (taken as
    /// it is).
    pub sign: char,
    pub at: Option<Place>,
}

/// How the cell of `cell` is computed in `subject`; `None` for a cell its figures do not have.
pub fn explain(subject: Subject<'_>, cell: &CellRef) -> Option<Derivation> {
    let cx = Cx::new(subject);
    let expr = cx.figures.expr(cell)?;
    let c = cx.cell(cell)?;
    let mut d = Derivation {
        cell: cell.clone(),
        label: c.full(),
        shown: c.shown(),
        value: c.value,
        kind: "",
        formula: String::new(),
        note: None,
        terms: Vec::new(),
        at: cx.place(cell),
    };
    match expr {
        Expr::Empty => cx.empty(&c, &mut d),
        Expr::Typed(_) => cx.typed(&c, &mut d),
        Expr::Ref(to) => cx.reference(&c, to, &mut d),
        Expr::Sum(rows) => cx.sum(&c, rows, &mut d),
        Expr::SumOf(cells) => cx.sum_of(&c, cells, &mut d),
        Expr::Difference(a, b) => cx.difference(&c, a, b, &mut d),
        Expr::Share(a, b) => cx.share(&c, a, b, &mut d),
        Expr::Part(of, part, whole) => cx.part(&c, of, (*part, *whole), &mut d),
    }
    Some(d)
}

/// The cell a reader points at in a table as the document prints it: the `row`-th row of the
/// table's view (a redline's view also lists the removed rows, which have no cell: `None`) and
/// its `column`-th amount column (a view's amount columns are the table's, in order).
pub fn cell_at(subject: Subject<'_>, table: &str, row: usize, column: usize) -> Option<CellRef> {
    let t = &subject.model().tables.get(table)?.value;
    if !subject.figures().has_table(table) {
        return None;
    }
    let col = t.columns.get(column)?;
    let removed = subject
        .marks()
        .and_then(|m| m.old_cells.removed_rows.get(table))
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let removed_after = |after: Option<&str>| {
        let n = removed
            .iter()
            .filter(|rr| rr.after.as_deref() == after)
            .count();
        std::iter::repeat_n(None, n)
    };
    let mut rows: Vec<Option<&str>> = removed_after(None).collect();
    for r in &t.rows {
        rows.push(Some(r.id.as_str()));
        rows.extend(removed_after(Some(&r.id)));
    }
    let id = rows.get(row).copied().flatten()?;
    Some(CellRef::new(table, id, &col.id))
}

/// A cell of the subject's model with its value.
struct Cell<'a> {
    table: &'a Table,
    file: &'a Path,
    r: usize,
    row: &'a Row,
    k: usize,
    column: &'a Column,
    value: Option<Decimal>,
}

impl Cell<'_> {
    /// The value as the table prints it.
    fn shown(&self) -> String {
        match self.value {
            Some(v) if self.row.kind != RowKind::Group => format_amount(v, self.column.precision),
            _ => String::new(),
        }
    }

    /// The row's label (a redline's without its marks: as it reads now).
    fn label(&self) -> String {
        unmarked(&self.row.label)
    }

    /// The column's title.
    fn title(&self) -> String {
        unmarked(&self.column.title)
    }

    /// The column's name, `group › title`.
    fn name(&self) -> String {
        unmarked(&self.column.name())
    }

    /// `row label › column name`, as the table prints them.
    fn full(&self) -> String {
        format!("{} › {}", self.label(), self.name())
    }

    /// The value as a formula reads it: `(tom)` when empty.
    fn said(&self) -> String {
        match self.shown() {
            s if s.is_empty() => "(tom)".to_string(),
            s => s,
        }
    }
}

/// What an explanation reads.
struct Cx<'a> {
    plan: &'a Plan,
    figures: &'a Figures,
    report: Option<&'a Sourced<FollowUp>>,
    /// The content directory.
    root: PathBuf,
    /// The tables' names (their headings in the document), when first asked for.
    names: OnceCell<HashMap<String, String>>,
}

impl<'a> Cx<'a> {
    fn new(subject: Subject<'a>) -> Cx<'a> {
        let plan = subject.model();
        let report = match subject {
            Subject::Report { report, .. } => Some(report),
            Subject::Plan { .. } | Subject::Redline { .. } => None,
        };
        Cx {
            plan,
            figures: subject.figures(),
            report,
            root: plan
                .meta
                .file
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            names: OnceCell::new(),
        }
    }

    fn cell(&self, c: &CellRef) -> Option<Cell<'a>> {
        let sourced = self.plan.tables.get(&c.table)?;
        let t = &sourced.value;
        let (r, k) = self.figures.position(c)?;
        Some(Cell {
            table: t,
            file: &sourced.file,
            r,
            row: t.rows.get(r)?,
            k,
            column: t.columns.get(k)?,
            value: self.figures.value(c),
        })
    }

    /// The name of a table as the document heads it (its id when no section places it).
    fn table_name(&self, id: &str) -> String {
        let names = self.names.get_or_init(|| {
            let ids: Vec<&str> = self.plan.tables.keys().map(String::as_str).collect();
            crate::render::followup::headings(self.plan, &ids)
        });
        names
            .get(id)
            .map_or_else(|| id.to_string(), |n| unmarked(n))
    }

    /// Where `file` writes the value at `path` (or its nearest written ancestor).
    fn at(&self, file: &Path, path: &ValuePath) -> Option<Place> {
        let pos = self.plan.pos_or_ancestor(file, path)?;
        Some(Place {
            file: file.strip_prefix(&self.root).unwrap_or(file).to_path_buf(),
            absolute: std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf()),
            line: pos.line,
            column: pos.column,
        })
    }

    /// Where a cell is written or defined: a report's typed figure in the report, a report's
    /// generated table at the report's goals, every other cell of a report at its row of the
    /// plan's table, a plan's cell at the value that defines it.
    fn place(&self, c: &CellRef) -> Option<Place> {
        let cell = self.cell(c)?;
        let row = ValuePath::of("rows").index(cell.r);
        let Some(report) = self.report else {
            return self.at(cell.file, &plan_cell_path(&cell, row));
        };
        if c.table == GOALS_TABLE {
            return self.at(&report.file, &ValuePath::of("goals"));
        }
        self.report_value(report, c)
            .or_else(|| self.at(cell.file, &row))
    }

    /// Where the report types a cell of its own (an outcome, a forecast, a period budget).
    fn report_value(&self, report: &Sourced<FollowUp>, c: &CellRef) -> Option<Place> {
        let key = [UTFALL, PROGNOS, PERIODBUDGET]
            .into_iter()
            .find(|k| *k == c.column)?;
        if !matches!(self.figures.expr(c), Some(Expr::Typed(_))) {
            return None;
        }
        let tables = &report.value.tables;
        let i = tables.iter().position(|e| e.id == c.table)?;
        let j = tables[i].rows.iter().position(|r| r.id == c.row)?;
        let path = ValuePath::of("tables")
            .index(i)
            .key("rows")
            .index(j)
            .key(key);
        self.at(&report.file, &path)
    }

    fn term(&self, c: &CellRef, label: String, sign: char) -> Term {
        let cell = self.cell(c);
        Term {
            cell: c.clone(),
            label,
            shown: cell.as_ref().map(Cell::shown).unwrap_or_default(),
            value: self.figures.value(c),
            sign,
            at: self.place(c),
        }
    }

    /// How a formula names a term of `of`: by its row where the row differs, by its column's
    /// title where the column does.
    fn term_name(&self, of: &Cell, c: &CellRef) -> String {
        let Some(t) = self.cell(c) else {
            return c.to_string();
        };
        let mut name = Vec::new();
        if c.table != of.table.id {
            name.push(self.table_name(&c.table));
        }
        if c.table != of.table.id || c.row != of.row.id {
            name.push(t.label());
        }
        if c.column != of.column.id || name.is_empty() {
            name.push(self.column_word(&t));
        }
        name.join(" › ")
    }

    /// A column as a formula names it: its title, or in a tertial or delår report, where two
    /// columns are titled `Budget`, `Budget januari–augusti` and `Årsbudget`.
    fn column_word(&self, c: &Cell) -> String {
        let Some(report) = self.report else {
            return c.title();
        };
        let periodised = c.table.columns.iter().any(|col| col.id == PERIODBUDGET);
        let annual = annual_column(c.table).is_some_and(|a| a.id == c.column.id);
        if c.column.id == PERIODBUDGET {
            format!("Budget {}", months_span(report.value.months()))
        } else if periodised && annual {
            "Årsbudget".to_string()
        } else {
            c.title()
        }
    }

    /// A term as a formula reads it: its name and printed value.
    fn said(&self, of: &Cell, c: &CellRef) -> String {
        let value = self.cell(c).map_or("(tom)".to_string(), |t| t.said());
        format!("{} {value}", self.term_name(of, c))
    }
}

/// Where a plan's cell is defined in its table's file: its reference, its value in `values`,
/// its row's `sum`, or the row (a `sum_of` row, an empty one).
fn plan_cell_path(cell: &Cell, row: ValuePath) -> ValuePath {
    if cell.row.refs.contains_key(&cell.column.id) {
        return row.key("refs").key(&cell.column.id);
    }
    if cell.row.kind == RowKind::Sum && cell.row.sum.is_some() {
        return row.key("sum");
    }
    if cell.row.values.is_some() {
        return row.key("values").index(cell.k);
    }
    row
}

impl Cx<'_> {
    fn empty(&self, c: &Cell, d: &mut Derivation) {
        d.kind = "empty";
        d.formula = format!("{} › {}: tom, {}", c.label(), c.title(), self.why_empty(c));
    }

    /// Why a cell is empty, in a reader's words.
    fn why_empty(&self, c: &Cell) -> String {
        if c.row.kind == RowKind::Group {
            return "en grupprubrik har inget belopp".to_string();
        }
        let Some(_) = self.report else {
            return match self.figures.expr(&cref(c)) {
                Some(Expr::Empty) => "cellen är tom (~) i tabellfilen".to_string(),
                _ => "ingen av raderna den bygger på har ett värde".to_string(),
            };
        };
        let what = match c.column.id.as_str() {
            UTFALL => "utfall",
            PROGNOS => "prognos",
            PERIODBUDGET => return "raden har ingen budget i planen".to_string(),
            _ if c.table.id == GOALS_TABLE => return "inget att räkna".to_string(),
            _ => return self.why_computed_is_empty(c),
        };
        let leaf = c.row.values.is_some();
        if leaf {
            format!("rapporten anger ännu inget {what} för raden")
        } else {
            format!("{what} saknas för minst en av raderna den bygger på, och en summa skrivs inte ut förrän alla ingår")
        }
    }

    /// Why a computed cell of a report is empty: which of its terms is.
    fn why_computed_is_empty(&self, c: &Cell) -> String {
        let missing: Vec<String> = self
            .figures
            .terms(&cref(c))
            .iter()
            .filter(|t| self.figures.value(t).is_none())
            .filter_map(|t| self.cell(t))
            .map(|t| {
                format!(
                    "{} är tom ({})",
                    self.term_name(c, &cref(&t)),
                    self.why_empty(&t)
                )
            })
            .collect();
        match self.figures.expr(&cref(c)) {
            Some(Expr::Share(..)) if missing.is_empty() => "det hela är noll".to_string(),
            _ if missing.is_empty() => "raden har ingen budget i planen".to_string(),
            _ => missing.join("; "),
        }
    }

    fn typed(&self, c: &Cell, d: &mut Derivation) {
        d.kind = "typed";
        let head = format!("{} › {} {}", c.label(), c.title(), c.said());
        let place =
            d.at.as_ref()
                .map(|p| format!(" ({}, rad {})", p.file.display(), p.line))
                .unwrap_or_default();
        let what = match self.report {
            None => "inskrivet värde",
            Some(_) if c.table.id == GOALS_TABLE => {
                "antal av planens mål med den bedömningen i rapporten"
            }
            Some(_) if [UTFALL, PROGNOS, PERIODBUDGET].contains(&c.column.id.as_str()) => {
                "inskrivet värde i rapporten"
            }
            Some(_) => "årsbudgeten ur planen",
        };
        d.formula = format!("{head}: {what}{place}");
    }

    fn reference(&self, c: &Cell, to: &CellRef, d: &mut Derivation) {
        d.kind = "ref";
        let mut label = format!("{} › {}", self.table_name(&to.table), self.row_label(to));
        if to.column != c.column.id {
            if let Some(t) = self.cell(to) {
                label = format!("{label} › {}", t.name());
            }
        }
        d.terms.push(self.term(to, label, '='));
        d.formula = format!("{} {} = {}", c.label(), c.said(), self.said(c, to));
    }

    fn row_label(&self, c: &CellRef) -> String {
        self.cell(c).map_or_else(|| c.row.clone(), |t| t.label())
    }

    fn sum(&self, c: &Cell, rows: &[usize], d: &mut Derivation) {
        d.kind = "sum";
        for &r in rows {
            let Some(row) = c.table.rows.get(r) else {
                continue;
            };
            let term = CellRef::new(&c.table.id, &row.id, &c.column.id);
            d.terms.push(self.term(&term, unmarked(&row.label), '+'));
        }
        d.formula = self.addition(c, d);
        if d.terms.iter().any(|t| t.value.is_none()) {
            d.note = Some("Tomma rader räknas inte med.".to_string());
        }
    }

    /// `Label value = A a + B b + …` of the terms of `d`.
    fn addition(&self, c: &Cell, d: &Derivation) -> String {
        let terms: Vec<String> = d
            .terms
            .iter()
            .map(|t| {
                let v = if t.shown.is_empty() {
                    "(tom)"
                } else {
                    &t.shown
                };
                format!("{} {v}", t.label)
            })
            .collect();
        let sum = if terms.is_empty() {
            "0 (inga rader)".to_string()
        } else {
            terms.join(" + ")
        };
        format!("{} {} = {sum}", c.label(), c.said())
    }

    fn sum_of(&self, c: &Cell, cells: &[CellRef], d: &mut Derivation) {
        d.kind = "sum_of";
        for cell in cells {
            let label = format!(
                "{} › {}",
                self.table_name(&cell.table),
                self.row_label(cell)
            );
            d.terms.push(self.term(cell, label, '+'));
        }
        d.formula = self.addition(c, d);
        d.note = Some(
            "Samma rad i var och en av tabellerna i `sum_of`; tomma celler räknas inte med."
                .to_string(),
        );
    }
}

impl Cx<'_> {
    fn difference(&self, c: &Cell, a: &CellRef, b: &CellRef, d: &mut Derivation) {
        d.kind = "difference";
        self.two_terms(c, [(a, '+'), (b, '−')], d, |x, y| format!("{x} − {y}"));
        d.note = self.sign_note(c.table);
    }

    /// The terms and formula of a cell computed from two others (`a`, `b`, each with how it
    /// enters): `shape` writes the right-hand side from their values as said.
    fn two_terms(
        &self,
        c: &Cell,
        [(a, sa), (b, sb)]: [(&CellRef, char); 2],
        d: &mut Derivation,
        shape: impl Fn(&str, &str) -> String,
    ) {
        for (cell, sign) in [(a, sa), (b, sb)] {
            let label = self
                .cell(cell)
                .map_or_else(|| cell.to_string(), |t| t.full());
            d.terms.push(self.term(cell, label, sign));
        }
        let rhs = shape(&self.said(c, a), &self.said(c, b));
        d.formula = format!("{} {} = {rhs}", c.title(), c.said());
        if c.value.is_none() {
            d.formula = format!("{}: tom, {}", d.formula, self.why_computed_is_empty(c));
        }
    }

    /// The note under a report's table that says which way its deviations go.
    fn sign_note(&self, t: &Table) -> Option<String> {
        let report = self.report?;
        let entry = report.value.tables.iter().find(|e| e.id == t.id);
        let budget = annual_column(t)?;
        let negative = followup::signs(t, &budget.id, self.figures).negative;
        let forecasts = t.columns.iter().any(|col| col.id == PROGNOS);
        Some(followup::sign_note(
            entry.map(|e| e.sign()).unwrap_or_default(),
            entry.and_then(|e| e.belopp),
            negative,
            forecasts,
        ))
    }

    fn share(&self, c: &Cell, a: &CellRef, b: &CellRef, d: &mut Derivation) {
        d.kind = "share";
        self.two_terms(c, [(a, '×'), (b, '÷')], d, |x, y| {
            format!("{x} × 100 / {y}")
        });
        d.note = Some(format!(
            "Räknas exakt och avrundas först när andelen skrivs ut, till {}.",
            decimals(c.column.precision)
        ));
    }

    fn part(&self, c: &Cell, of: &CellRef, (part, whole): (Decimal, Decimal), d: &mut Derivation) {
        d.kind = "part";
        let annual = self.cell(of);
        let label = annual.as_ref().map_or_else(|| of.to_string(), |t| t.full());
        d.terms.push(self.term(of, label, '×'));
        let months = self.report.map_or(12, |r| r.value.months());
        let span = months_span(months);
        let by = if self.has_profile(c) {
            format!(
                "{} / {} (säsongsprofilens andel för {span})",
                plain(part),
                plain(whole)
            )
        } else {
            format!("{} / {}", plain(part), plain(whole))
        };
        let annual_said = annual.as_ref().map_or("(tom)".to_string(), Cell::said);
        d.formula = format!(
            "Budget {span} {} = Årsbudget {annual_said} × {by}",
            c.said()
        );
        let unit = c.column.unit(c.table);
        d.note = Some(match c.column.precision {
            0 => format!("Avrundat per rad till hela {unit}; summorna är summan av raderna."),
            n => format!(
                "Avrundat per rad till {}; summorna är summan av raderna.",
                decimals(n)
            ),
        });
    }

    /// Whether a row's period budget follows a seasonal profile (its own or its table's).
    fn has_profile(&self, c: &Cell) -> bool {
        let Some(report) = self.report else {
            return false;
        };
        let Some(entry) = report.value.tables.iter().find(|e| e.id == c.table.id) else {
            return false;
        };
        let twelve = |p: &Option<Vec<Decimal>>| p.as_ref().is_some_and(|p| p.len() == 12);
        twelve(&entry.profil)
            || entry
                .rows
                .iter()
                .any(|r| r.id == c.row.id && twelve(&r.profil))
    }
}

/// The cell's reference.
fn cref(c: &Cell) -> CellRef {
    CellRef::new(&c.table.id, &c.row.id, &c.column.id)
}

/// `en decimal`, `hela tal`, `3 decimaler`.
fn decimals(n: u32) -> String {
    match n {
        0 => "hela tal".to_string(),
        1 => "en decimal".to_string(),
        n => format!("{n} decimaler"),
    }
}

/// A factor of a period's share, as written in Swedish (`8`, `62,5`).
fn plain(v: Decimal) -> String {
    format_amount(v.normalize(), v.normalize().scale())
}

/// A text of the marked plan of a redline as it reads now: what is struck through left out,
/// the marks taken away (the plan's and a report's texts have no marks: `check` refuses
/// private-use characters).
fn unmarked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut struck = false;
    for ch in text.chars() {
        match ch {
            DEL_OPEN => struck = true,
            DEL_CLOSE => struck = false,
            INS_OPEN | INS_CLOSE => {}
            _ if !struck => out.push(ch),
            _ => {}
        }
    }
    out
}
