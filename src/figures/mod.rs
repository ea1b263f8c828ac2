//! The one model of a cell. Every amount of the plan is a cell `table/row/column`
//! ([`CellRef`], parsed once), and every cell is an expression ([`Expr`]) over other cells:
//! a typed amount (a *leaf*), a reference to another cell, the sum of a set of rows of its
//! table, the sum of the same row in the tables of `sum_of`, or (built by code, for a
//! follow-up's outcomes) the difference of two cells or one's share of another. The
//! expressions form a graph that is evaluated once, with checked arithmetic, into [`Figures`];
//! everything else asks it: the tables and charts of the PDF, figure references in prose,
//! control figures, the spreadsheet formulas, `diff`'s moved totals (a changed leaf moves
//! exactly the cells that depend on it) and `new-year`'s column shifts.
//!
//! No sum is ever typed: a figure the user does type as a control (`control:` on a row, a
//! typed value beside a reference, the plan's `budget_frame`) is checked against the computed
//! value, like a balance assertion.
//!
//! Bounds (docs/commands/check.md): a column has at most [`MAX_PRECISION`] decimals, a typed
//! amount at most [`MAX_INTEGER_DIGITS`] digits before the decimal point, a table at most
//! [`MAX_ROWS`] rows and [`MAX_COLUMNS`] columns. Within them every sum, unit conversion and
//! chart total fits a `Decimal`; beyond them, or if a sum still overflows, the error names the
//! cell.
//!
//! Here are the model, its queries, [`compute`] and [`Figures::from_exprs`] with the builder's
//! error helpers; the graph is built in `build.rs`, evaluated and checked for double counting
//! in `eval.rs`, and typed figures are checked in `checks.rs`.

mod build;
mod checks;
mod eval;
pub mod followup;
pub mod refs;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::content::{Plan, RowKind, Table, ValuePath};
use crate::diag::{Code, Diagnostic};

/// Most decimals a column may print (and a typed amount may have).
pub const MAX_PRECISION: u32 = 10;
/// Most digits before the decimal point of a typed amount: below 10^15 (a thousand billion)
/// in any unit. With [`MAX_PRECISION`] that is 25 significant digits, and a `Decimal` holds 28,
/// so sums of many such amounts and conversions up to ×10^9 (mdkr → kr) stay exact.
pub const MAX_INTEGER_DIGITS: u32 = 15;
/// Most rows of one table.
pub const MAX_ROWS: usize = 2_000;
/// Most amount columns of one table.
pub const MAX_COLUMNS: usize = 60;
/// Steps the double-counting check may take over the whole plan before it gives up with an
/// error (a plan nests sums a few levels deep; only a hostile file comes near this).
const CHECK_BUDGET: usize = 20_000_000;

const DOUBLE_HINT: &str =
    "name each row once: a group already includes its rows, a sub-total its terms";

/// The largest typed amount, in magnitude: 10^15 − 10^−10.
pub fn max_amount() -> Decimal {
    Decimal::from(10i64.pow(MAX_INTEGER_DIGITS)) - Decimal::new(1, MAX_PRECISION)
}

/// A cell of a table: `table/row/column`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct CellRef {
    pub table: String,
    pub row: String,
    pub column: String,
}

impl CellRef {
    pub fn new(table: &str, row: &str, column: &str) -> CellRef {
        CellRef {
            table: table.to_string(),
            row: row.to_string(),
            column: column.to_string(),
        }
    }

    /// Parses `table/row/column` (spaces around the parts are allowed): exactly three
    /// non-empty ids.
    pub fn parse(text: &str) -> Result<CellRef, String> {
        let parts: Vec<&str> = text.split('/').map(str::trim).collect();
        match parts[..] {
            [t, r, c] if !t.is_empty() && !r.is_empty() && !c.is_empty() => {
                Ok(CellRef::new(t, r, c))
            }
            _ => Err(format!(
                "`{}` is not a cell reference of the form `table/row/column`",
                text.trim()
            )),
        }
    }

    /// Parses a row's reference: `table/row/column`, or `table/row` for the cell of `column`
    /// (the referring cell's own column id). The second value tells whether the column was
    /// given.
    pub fn parse_for_column(text: &str, column: &str) -> Result<(CellRef, bool), String> {
        let parts: Vec<&str> = text.split('/').map(str::trim).collect();
        match parts[..] {
            [t, r] if !t.is_empty() && !r.is_empty() => Ok((CellRef::new(t, r, column), false)),
            [_, _, _] => CellRef::parse(text).map(|c| (c, true)),
            _ => Err(format!(
                "reference `{}` must be `table/row` or `table/row/column`",
                text.trim()
            )),
        }
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.table, self.row, self.column)
    }
}

/// What a cell is, as the content defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// No value: a group row's cell, or a data cell left empty (`~`).
    Empty,
    /// A typed amount: a leaf of every sum that reaches it.
    Typed(Decimal),
    /// The value of another cell (`refs:`).
    Ref(CellRef),
    /// A sum row: the sum of these rows (their positions) of its own table, in the same
    /// column (groups expanded to their members); zero when none has a value. The list is
    /// shared by the row's cells.
    Sum(Arc<[usize]>),
    /// A row of a summary table: the same row and column in each table of `sum_of`; empty when
    /// none has a value.
    SumOf(Vec<CellRef>),
    /// `a − b` (an *avvikelse*): empty unless both are given.
    Difference(CellRef, CellRef),
    /// `part × 100 / whole`, exact (rounded once, when printed); empty unless both are given
    /// and `whole` is not zero.
    Share(CellRef, CellRef),
    /// A period's part of an annual figure: `of × part / whole` (the budget of January to
    /// August is `årsbudget × 8 / 12`), rounded half away from zero to the precision of the
    /// cell's own column, since it is a budget of its own that the sums over it add up; empty
    /// when `of` is.
    Part(CellRef, Decimal, Decimal),
}

impl Expr {
    /// Whether the cell is computed (not typed, not empty).
    pub fn is_computed(&self) -> bool {
        !matches!(self, Expr::Empty | Expr::Typed(_))
    }
}

/// One table's cells: ids to positions, and the position of its first cell in the graph.
#[derive(Debug, Clone)]
pub struct TableFigures {
    base: usize,
    rows: HashMap<String, usize>,
    columns: HashMap<String, usize>,
    row_ids: Vec<String>,
    column_ids: Vec<String>,
}

impl TableFigures {
    pub fn row(&self, id: &str) -> Option<usize> {
        self.rows.get(id).copied()
    }

    pub fn column(&self, id: &str) -> Option<usize> {
        self.columns.get(id).copied()
    }

    fn node(&self, r: usize, c: usize) -> usize {
        self.base + r * self.column_ids.len() + c
    }
}

/// Every cell of the plan: its expression and its value.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    tables: BTreeMap<String, TableFigures>,
    /// Per node: the table, row and column ids.
    cells: Vec<CellRef>,
    exprs: Vec<Expr>,
    values: Vec<Option<Decimal>>,
    /// Number of control figures checked.
    pub controls_checked: usize,
    /// For each node, the nodes computed directly from it (built when first asked for).
    users: std::sync::OnceLock<HashMap<usize, Vec<usize>>>,
}

impl Figures {
    fn node(&self, cell: &CellRef) -> Option<usize> {
        let t = self.tables.get(&cell.table)?;
        Some(t.node(t.row(&cell.row)?, t.column(&cell.column)?))
    }

    /// The value of a cell, if it exists and is not empty.
    pub fn value(&self, cell: &CellRef) -> Option<Decimal> {
        self.values[self.node(cell)?]
    }

    /// The value of a cell by ids.
    pub fn get(&self, table: &str, row: &str, column: &str) -> Option<Decimal> {
        let t = self.tables.get(table)?;
        self.values[t.node(t.row(row)?, t.column(column)?)]
    }

    /// The value of a table's cell by position (row and amount column index).
    pub fn at(&self, table: &str, r: usize, c: usize) -> Option<Decimal> {
        let t = self.tables.get(table)?;
        if r >= t.row_ids.len() || c >= t.column_ids.len() {
            return None;
        }
        self.values[t.node(r, c)]
    }

    /// The row and amount-column index of a cell in its table.
    pub fn position(&self, cell: &CellRef) -> Option<(usize, usize)> {
        let t = self.tables.get(&cell.table)?;
        Some((t.row(&cell.row)?, t.column(&cell.column)?))
    }

    /// The cells a cell is computed from directly (none for a typed or empty cell).
    pub fn terms(&self, cell: &CellRef) -> Vec<CellRef> {
        match self.node(cell) {
            Some(n) => self
                .edges(n)
                .into_iter()
                .map(|m| self.cells[m].clone())
                .collect(),
            None => Vec::new(),
        }
    }

    /// The nodes a node is computed from directly: the graph's edges.
    fn edges(&self, node: usize) -> Vec<usize> {
        match &self.exprs[node] {
            Expr::Empty | Expr::Typed(_) => Vec::new(),
            Expr::Ref(c) => self.node(c).into_iter().collect(),
            Expr::SumOf(cells) => cells.iter().filter_map(|c| self.node(c)).collect(),
            Expr::Difference(a, b) | Expr::Share(a, b) => {
                [a, b].into_iter().filter_map(|c| self.node(c)).collect()
            }
            Expr::Part(of, ..) => self.node(of).into_iter().collect(),
            Expr::Sum(rows) => {
                let Some(t) = self.tables.get(&self.cells[node].table) else {
                    return Vec::new();
                };
                let c = (node - t.base) % t.column_ids.len();
                rows.iter().map(|&r| t.node(r, c)).collect()
            }
        }
    }

    /// Whether a node is a leaf: typed or empty.
    fn is_leaf(&self, node: usize) -> bool {
        matches!(self.exprs[node], Expr::Empty | Expr::Typed(_))
    }

    /// The expression of a cell.
    pub fn expr(&self, cell: &CellRef) -> Option<&Expr> {
        Some(&self.exprs[self.node(cell)?])
    }

    /// Whether the plan has this table.
    pub fn has_table(&self, table: &str) -> bool {
        self.tables.contains_key(table)
    }

    /// The computed cells whose value depends on `cell`, directly or through other cells, in
    /// document order (tables by id, then rows, then columns). A change of `cell` moves
    /// exactly these.
    pub fn dependents(&self, cell: &CellRef) -> Vec<CellRef> {
        let Some(start) = self.node(cell) else {
            return Vec::new();
        };
        let users = self.users.get_or_init(|| {
            let mut users: HashMap<usize, Vec<usize>> = HashMap::new();
            for n in 0..self.exprs.len() {
                for m in self.edges(n) {
                    users.entry(m).or_default().push(n);
                }
            }
            users
        });
        let mut seen = HashSet::new();
        let mut stack = vec![start];
        while let Some(n) = stack.pop() {
            for &u in users.get(&n).map(Vec::as_slice).unwrap_or(&[]) {
                if seen.insert(u) {
                    stack.push(u);
                }
            }
        }
        let mut out: Vec<usize> = seen.into_iter().filter(|&n| n != start).collect();
        out.sort_unstable();
        out.into_iter().map(|n| self.cells[n].clone()).collect()
    }

    /// The checked sum of some cells of a table's column (empty cells count as nothing), or
    /// `None` if it does not fit a `Decimal`.
    pub fn column_total(&self, table: &str, rows: &[usize], c: usize) -> Option<Decimal> {
        rows.iter().try_fold(Decimal::ZERO, |acc, &r| {
            acc.checked_add(self.at(table, r, c).unwrap_or_default())
        })
    }
}

impl Figures {
    /// Figures whose expressions code builds itself instead of reading them from the tables'
    /// rows (the follow-up projection): every cell of every table of `plan.tables` gets its
    /// node, laid out and checked as [`compute`] does it (ids, sizes, precisions); a cell is
    /// [`Expr::Empty`] unless `exprs` gives it an expression (a later one for the same cell
    /// replaces an earlier one); then the graph is evaluated as [`compute`] evaluates it, with
    /// checked arithmetic, cycles and overflow being errors at the cell's table file. A
    /// `Share`'s precision is its column's in `plan`.
    ///
    /// Not done here: typed amounts are taken as given (the caller checks their size and
    /// precision), and the double-counting check, control figures and the budget frame of
    /// [`compute`] do not run. An expression for a cell that does not exist, or one that names
    /// a cell or a row (`Sum`) that does not exist, is an error (a fault of the code that built
    /// it; an unchecked one would read as an empty cell).
    pub fn from_exprs(
        plan: &Plan,
        exprs: impl IntoIterator<Item = (CellRef, Expr)>,
    ) -> Result<Figures, Vec<Diagnostic>> {
        let mut b = Builder::new(plan);
        b.index();
        if b.diags.is_empty() {
            for (cell, expr) in exprs {
                b.install(cell, expr);
            }
        }
        if b.diags.is_empty() {
            b.evaluate();
        }
        if b.diags.is_empty() {
            Ok(b.figures)
        } else {
            Err(b.diags)
        }
    }
}

/// Builds the graph of every table's cells, evaluates it and checks every control figure.
/// All problems found are returned together. (For a plan loaded from content: a report's
/// projection comes with its own figures, [`followup::Projection`].)
pub fn compute(plan: &Plan) -> Result<Figures, Vec<Diagnostic>> {
    let mut b = Builder::new(plan);
    b.index();
    b.exprs();
    b.evaluate();
    b.double_counting();
    b.controls();
    b.budget_frame();
    if b.diags.is_empty() {
        Ok(b.figures)
    } else {
        Err(b.diags)
    }
}

struct Builder<'a> {
    plan: &'a Plan,
    diags: Vec<Diagnostic>,
    figures: Figures,
    /// Nodes whose expression failed (not evaluated further, not reported twice).
    faulty: HashSet<usize>,
}

/// Where a cell's definition is written in its table's file: the most precise value written.
fn cell_path(t: &Table, r: usize, c: usize) -> ValuePath {
    let row = &t.rows[r];
    let rp = ValuePath::of("rows").index(r);
    if row.kind == RowKind::Sum {
        // A sum row without `sum:` is an error of its own, at the row.
        return if row.sum.is_some() { rp.key("sum") } else { rp };
    }
    if let Some(col) = t.columns.get(c) {
        if row.refs.contains_key(&col.id) {
            return rp.key("refs").key(&col.id);
        }
    }
    if let Some(values) = &row.values {
        // A list too short for the table (an error of its own) is located at the list.
        let values_path = rp.key("values");
        return if c < values.len() {
            values_path.index(c)
        } else {
            values_path
        };
    }
    if !t.sum_of.is_empty() {
        return ValuePath::of("sum_of");
    }
    rp
}

impl<'a> Builder<'a> {
    fn new(plan: &'a Plan) -> Builder<'a> {
        Builder {
            plan,
            diags: Vec::new(),
            figures: Figures::default(),
            faulty: HashSet::new(),
        }
    }

    /// An error in a table's file at a YAML path.
    fn err(
        &mut self,
        code: Code,
        table: &str,
        path: &ValuePath,
        message: String,
    ) -> &mut Diagnostic {
        let file = self
            .plan
            .tables
            .get(table)
            .map(|t| t.file.clone())
            .unwrap_or_default();
        let pos = self.plan.pos(&file, path);
        self.diags
            .push(Diagnostic::error(code, file, message).at_pos(pos));
        self.diags.last_mut().expect("just pushed")
    }

    /// An error for an id that names nothing, with the closest known id as a hint.
    fn unknown<'k>(
        &mut self,
        table: &str,
        path: &ValuePath,
        message: String,
        word: &str,
        known: impl Iterator<Item = &'k str>,
    ) {
        let known: Vec<&str> = known.collect();
        let hint = crate::suggest::did_you_mean(word, &known);
        self.err(Code::UnknownReference, table, path, message).hint = hint;
    }

    /// The YAML path where a cell is defined.
    fn path_of(&self, cell: &CellRef) -> ValuePath {
        let Some(t) = self.plan.tables.get(&cell.table) else {
            return ValuePath::ROOT;
        };
        let tf = &self.figures.tables[&cell.table];
        match (tf.row(&cell.row), tf.column(&cell.column)) {
            (Some(r), Some(c)) => cell_path(&t.value, r, c),
            _ => ValuePath::ROOT,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cell_refs() {
        assert_eq!(
            CellRef::parse(" a / b / c ").unwrap(),
            CellRef::new("a", "b", "c")
        );
        assert!(CellRef::parse("a/b").is_err());
        assert!(CellRef::parse("a/b/c/d").is_err());
        assert!(CellRef::parse("a//c").is_err());
        assert_eq!(
            CellRef::parse_for_column("t/r", "b2024").unwrap(),
            (CellRef::new("t", "r", "b2024"), false)
        );
        assert!(CellRef::parse_for_column("t/r/c/x", "b").is_err());
        assert!(CellRef::parse_for_column("t", "b").is_err());
    }

    #[test]
    fn the_largest_amount() {
        assert_eq!(max_amount().to_string(), "999999999999999.9999999999");
        // Sums of ten thousand such amounts and the largest unit conversion still fit.
        let big = max_amount() * Decimal::from(10_000i64);
        assert!(big.checked_mul(Decimal::from(1_000_000_000i64)).is_some());
    }
}
