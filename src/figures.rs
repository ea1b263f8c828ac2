//! The one model of a cell. Every amount of the plan is a cell `table/row/column`
//! ([`CellRef`], parsed once), and every cell is an expression ([`Expr`]) over other cells:
//! a typed amount (a *leaf*), a reference to another cell, the sum of a set of rows of its
//! table, or the sum of the same row in the tables of `sum_of`. The expressions form a graph
//! that is evaluated once, with checked arithmetic, into [`Figures`]; everything else asks it:
//! the tables and charts of the PDF, figure references in prose, control figures, the
//! spreadsheet formulas, `diff`'s moved totals (a changed leaf moves exactly the cells that
//! depend on it) and `new-year`'s column shifts.
//!
//! No sum is ever typed: a figure the user does type as a control (`control:` on a row, a
//! typed value beside a reference, the plan's `budget_frame`) is checked against the computed
//! value, like a balance assertion.
//!
//! Bounds (documented in the README): a column has at most [`MAX_PRECISION`] decimals, a typed
//! amount at most [`MAX_INTEGER_DIGITS`] digits before the decimal point, a table at most
//! [`MAX_ROWS`] rows and [`MAX_COLUMNS`] columns. Within them every sum, unit conversion and
//! chart total fits a `Decimal`; beyond them, or if a sum still overflows, the error names the
//! cell.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::content::{Plan, Row, RowKind, SumSpec, Table};
use crate::diag::{ContentError, Diagnostic};
use crate::numfmt::format_amount;

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
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
}

impl Expr {
    /// Whether the cell is computed (not typed, not empty).
    pub fn is_computed(&self) -> bool {
        matches!(self, Expr::Ref(_) | Expr::Sum(_) | Expr::SumOf(_))
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

/// Builds the graph of every table's cells, evaluates it and checks every control figure.
/// All problems found are returned together.
pub fn compute(plan: &Plan) -> Result<Figures, ContentError> {
    let mut b = Builder {
        plan,
        diags: Vec::new(),
        figures: Figures::default(),
        faulty: HashSet::new(),
    };
    b.index();
    b.exprs();
    b.evaluate();
    b.double_counting();
    b.controls();
    b.budget_frame();
    if b.diags.is_empty() {
        Ok(b.figures)
    } else {
        Err(ContentError(b.diags))
    }
}

struct Builder<'a> {
    plan: &'a Plan,
    diags: Vec<Diagnostic>,
    figures: Figures,
    /// Nodes whose expression failed (not evaluated further, not reported twice).
    faulty: HashSet<usize>,
}

/// Where a cell's definition is written in its table's file.
fn cell_path(t: &Table, r: usize, c: usize) -> String {
    let row = &t.rows[r];
    if row.kind == RowKind::Sum {
        return format!("rows.{r}.sum");
    }
    if let Some(col) = t.columns.get(c) {
        if row.refs.contains_key(&col.id) {
            return format!("rows.{r}.refs.{}", col.id);
        }
    }
    if row.values.is_some() {
        return format!("rows.{r}.values.{c}");
    }
    if !t.sum_of.is_empty() {
        return "sum_of".into();
    }
    format!("rows.{r}")
}

impl Builder<'_> {
    /// An error in a table's file at a YAML path.
    fn err(&mut self, table: &str, path: &str, message: String) -> &mut Diagnostic {
        let file = self
            .plan
            .tables
            .get(table)
            .map(|t| t.file.clone())
            .unwrap_or_default();
        let pos = self.plan.pos(&file, path);
        self.diags
            .push(Diagnostic::error(file, message).at_pos(pos));
        self.diags.last_mut().expect("just pushed")
    }

    /// An error for an id that names nothing, with the closest known id as a hint.
    fn unknown<'k>(
        &mut self,
        table: &str,
        path: &str,
        message: String,
        word: &str,
        known: impl Iterator<Item = &'k str>,
    ) {
        let known: Vec<&str> = known.collect();
        let hint = crate::check::closest(word, &known).map(|c| format!("did you mean `{c}`?"));
        self.err(table, path, message).hint = hint;
    }

    /// Gives every cell of every table a node; checks ids, sizes and column precisions.
    fn index(&mut self) {
        let plan = self.plan;
        for (id, table) in &plan.tables {
            let t = &table.value;
            let rows = self.ids(id, "row", t.rows.iter().map(|r| r.id.as_str()));
            let columns = self.ids(id, "column", t.columns.iter().map(|c| c.id.as_str()));
            for (c, col) in t.columns.iter().enumerate() {
                if col.precision > MAX_PRECISION {
                    self.err(
                        id,
                        &format!("columns.{c}.precision"),
                        format!(
                            "table `{id}`, column `{}`: precision {} is more than the {MAX_PRECISION} decimals a column may have",
                            col.id, col.precision
                        ),
                    );
                }
            }
            if t.rows.len() > MAX_ROWS {
                self.err(
                    id,
                    "rows",
                    format!(
                        "table `{id}` has {} rows, more than the {MAX_ROWS} a table may have",
                        t.rows.len()
                    ),
                )
                .hint = Some("split it into several tables".into());
            }
            if t.columns.len() > MAX_COLUMNS {
                self.err(
                    id,
                    "columns",
                    format!(
                        "table `{id}` has {} columns, more than the {MAX_COLUMNS} a table may have",
                        t.columns.len()
                    ),
                );
            }
            let (nrows, ncols) = if t.rows.len() > MAX_ROWS || t.columns.len() > MAX_COLUMNS {
                (0, 0) // not computed at all
            } else {
                (t.rows.len(), t.columns.len())
            };
            let base = self.figures.cells.len();
            for r in 0..nrows {
                for c in 0..ncols {
                    self.figures
                        .cells
                        .push(CellRef::new(id, &t.rows[r].id, &t.columns[c].id));
                }
            }
            self.figures.tables.insert(
                id.clone(),
                TableFigures {
                    base,
                    rows: if nrows == 0 { HashMap::new() } else { rows },
                    columns: if ncols == 0 { HashMap::new() } else { columns },
                    row_ids: t.rows.iter().take(nrows).map(|r| r.id.clone()).collect(),
                    column_ids: t.columns.iter().take(ncols).map(|c| c.id.clone()).collect(),
                },
            );
        }
        let n = self.figures.cells.len();
        self.figures.exprs = vec![Expr::Empty; n];
        self.figures.values = vec![None; n];
    }

    /// Positions of a table's row or column ids; a repeated id is an error at its second place
    /// (the first keeps the position).
    fn ids<'i>(
        &mut self,
        table: &str,
        what: &str,
        ids: impl Iterator<Item = &'i str>,
    ) -> HashMap<String, usize> {
        let mut index = HashMap::new();
        for (i, id) in ids.enumerate() {
            let slug = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if !slug {
                self.err(
                    table,
                    &format!("{what}s.{i}.id"),
                    format!("table `{table}`: the {what} id `{id}` is not a slug"),
                )
                .hint = Some(format!(
                    "ids use a-z, 0-9, `-` and `_` (a `/` would break `table/row/column`), e.g. `{}`",
                    crate::content::slug::slug(id)
                ));
            }
            if let Some(&first) = index.get(id) {
                self.err(
                    table,
                    &format!("{what}s.{i}.id"),
                    format!("table `{table}`: duplicate {what} id `{id}`"),
                )
                .hint = Some(format!(
                    "{what} {} has the same id; every {what} needs its own",
                    first + 1
                ));
                continue;
            }
            index.insert(id.to_string(), i);
        }
        index
    }

    /// The expression of every cell.
    fn exprs(&mut self) {
        let plan = self.plan;
        for (id, table) in &plan.tables {
            let t = &table.value;
            let Some(tf) = self.figures.tables.get(id).cloned() else {
                continue;
            };
            if tf.row_ids.is_empty() && !t.rows.is_empty() {
                continue;
            }
            for (k, source) in t.sum_of.iter().enumerate() {
                if let Some(first) = t.sum_of[..k].iter().position(|x| x == source) {
                    self.err(
                        id,
                        &format!("sum_of.{k}"),
                        format!(
                            "table `{id}`: `sum_of` names table `{source}` twice (items {} and {}); it would be counted twice",
                            first + 1,
                            k + 1
                        ),
                    );
                }
            }
            for (r, row) in t.rows.iter().enumerate() {
                match row.kind {
                    RowKind::Group => {
                        if row.values.is_some() || !row.refs.is_empty() {
                            self.computed_row_with_values(t, r);
                        }
                    }
                    RowKind::Sum => {
                        if row.values.is_some() || !row.refs.is_empty() {
                            self.computed_row_with_values(t, r);
                        }
                        let terms: Arc<[usize]> = self.sum_terms(t, r).into();
                        for c in 0..tf.column_ids.len() {
                            self.figures.exprs[tf.node(r, c)] = Expr::Sum(terms.clone());
                        }
                    }
                    RowKind::Data => self.data_row(t, &tf, r),
                }
            }
        }
    }

    fn computed_row_with_values(&mut self, t: &Table, r: usize) {
        let row = &t.rows[r];
        let kind = match row.kind {
            RowKind::Data => "data",
            RowKind::Group => "group",
            RowKind::Sum => "sum",
        };
        self.err(
            &t.id,
            &format!("rows.{r}.values"),
            format!(
                "table `{}`, row `{}`: a {kind} row cannot have typed values; its values are computed",
                t.id, row.id
            ),
        )
        .hint = Some("to check a typed total, write it as `control: [...]`".into());
    }

    /// The rows a sum row adds up, groups expanded to their members, each named once.
    fn sum_terms(&mut self, t: &Table, r: usize) -> Vec<usize> {
        let row = &t.rows[r];
        let path = format!("rows.{r}.sum");
        match &row.sum {
            None => {
                self.err(
                    &t.id,
                    &format!("rows.{r}"),
                    format!(
                        "table `{}`, row `{}`: a sum row needs `sum: all` or `sum: [row ids]`",
                        t.id, row.id
                    ),
                );
                Vec::new()
            }
            Some(SumSpec::Keyword(k)) if k == "all" => (0..t.rows.len())
                .filter(|&i| t.rows[i].kind == RowKind::Data)
                .collect(),
            Some(SumSpec::Keyword(k)) => {
                self.err(
                    &t.id,
                    &path,
                    format!(
                        "table `{}`, row `{}`: `sum: {k}` is not understood; use `all` or a list of row ids",
                        t.id, row.id
                    ),
                );
                Vec::new()
            }
            Some(SumSpec::Of(ids)) if ids.is_empty() => {
                self.err(
                    &t.id,
                    &path,
                    format!("table `{}`, row `{}`: `sum: []` sums nothing", t.id, row.id),
                )
                .hint = Some("name the rows or groups it sums, or `sum: all`".into());
                Vec::new()
            }
            Some(SumSpec::Of(ids)) => {
                let mut terms = Vec::new();
                let mut named: HashMap<&str, usize> = HashMap::new();
                // Each row summed, and the naming that brought it in (a group's id or its own).
                let mut via: HashMap<usize, String> = HashMap::new();
                for (k, id) in ids.iter().enumerate() {
                    let term_path = format!("{path}.{k}");
                    if let Some(first) = named.insert(id.as_str(), k) {
                        named.insert(id.as_str(), first);
                        self.err(
                            &t.id,
                            &term_path,
                            format!(
                                "table `{}`, row `{}`: `sum` names row `{id}` twice (items {} and {}); it would be counted twice",
                                t.id, row.id, first + 1, k + 1
                            ),
                        );
                        continue;
                    }
                    let (members, how) = match t.rows.iter().position(|x| &x.id == id) {
                        Some(i) if i == r => {
                            self.err(
                                &t.id,
                                &term_path,
                                format!(
                                    "table `{}`, row `{id}`: a sum cannot include itself",
                                    t.id
                                ),
                            );
                            continue;
                        }
                        Some(i) if t.rows[i].kind == RowKind::Group => {
                            (group_members(t, i), format!("`{id}` (group) → "))
                        }
                        Some(i) => (vec![i], String::new()),
                        None => {
                            self.unknown(
                                &t.id,
                                &term_path,
                                format!(
                                    "table `{}`, row `{}`: sums row `{id}`, which does not exist in this table",
                                    t.id, row.id
                                ),
                                id,
                                t.rows.iter().map(|x| x.id.as_str()),
                            );
                            continue;
                        }
                    };
                    for m in members {
                        let this = format!("{how}`{}`", t.rows[m].id);
                        if let Some(before) = via.get(&m) {
                            let message = format!(
                                "table `{}`, row `{}`: row `{}` would be counted twice, via {before} and via {this}",
                                t.id, row.id, t.rows[m].id
                            );
                            self.err(&t.id, &term_path, message).hint = Some(DOUBLE_HINT.into());
                            continue;
                        }
                        via.insert(m, this);
                        terms.push(m);
                    }
                }
                terms
            }
        }
    }

    fn data_row(&mut self, t: &Table, tf: &TableFigures, r: usize) {
        let row = &t.rows[r];
        if row.sum.is_some() {
            self.err(
                &t.id,
                &format!("rows.{r}.sum"),
                format!(
                    "table `{}`, row `{}`: `sum` needs `kind: sum`",
                    t.id, row.id
                ),
            );
        }
        let ncols = tf.column_ids.len();
        if let Some(typed) = &row.values {
            self.check_width(t, r, "values", typed.len());
            for (c, v) in typed.iter().enumerate().take(ncols) {
                let Some(v) = v else { continue };
                if !self.check_amount(t, r, c, "values", *v) {
                    self.faulty.insert(tf.node(r, c));
                    continue;
                }
                if !row.refs.contains_key(&t.columns[c].id) {
                    self.figures.exprs[tf.node(r, c)] = Expr::Typed(*v);
                }
            }
        } else if row.refs.is_empty() && !t.sum_of.is_empty() {
            for c in 0..ncols {
                let mut cells = Vec::new();
                for (k, source) in t.sum_of.iter().enumerate() {
                    let cell = CellRef::new(source, &row.id, &t.columns[c].id);
                    let path = format!("sum_of.{k}");
                    if let Some(cell) = self.resolve(t, row, c, &path, cell, true) {
                        cells.push(cell);
                    }
                }
                self.figures.exprs[tf.node(r, c)] = Expr::SumOf(cells);
            }
        }
        for (col, target) in &row.refs {
            let path = format!("rows.{r}.refs.{col}");
            let Some(c) = tf.column(col) else {
                self.unknown(
                    &t.id,
                    &path,
                    format!(
                        "table `{}`, row `{}`: reference for unknown column `{col}`",
                        t.id, row.id
                    ),
                    col,
                    tf.column_ids.iter().map(String::as_str),
                );
                continue;
            };
            let parsed = CellRef::parse_for_column(target, col);
            let (cell, explicit) = match parsed {
                Ok(ok) => ok,
                Err(e) => {
                    self.err(
                        &t.id,
                        &path,
                        format!("table `{}`, row `{}`: {e}", t.id, row.id),
                    );
                    continue;
                }
            };
            if let Some(cell) = self.resolve(t, row, c, &path, cell, explicit) {
                self.figures.exprs[tf.node(r, c)] = Expr::Ref(cell);
            } else {
                self.faulty.insert(tf.node(r, c));
            }
        }
    }

    /// Checks that a referenced cell exists. Without an explicit column, a table with a single
    /// column gives that column.
    /// The cell taken must have figures (not a group row), the same unit as column `into` of
    /// the referring table, and no more decimals than it prints (or the printed rows would not
    /// add up to the printed total).
    fn resolve(
        &mut self,
        from: &Table,
        row: &Row,
        into: usize,
        path: &str,
        mut cell: CellRef,
        explicit_column: bool,
    ) -> Option<CellRef> {
        let plan = self.plan;
        let Some(other) = plan.tables.get(&cell.table) else {
            self.unknown(
                &from.id,
                path,
                format!(
                    "table `{}`, row `{}`: refers to table `{}`, which does not exist",
                    from.id, row.id, cell.table
                ),
                &cell.table,
                plan.tables.keys().map(String::as_str),
            );
            return None;
        };
        let other = &other.value;
        if !other.rows.iter().any(|x| x.id == cell.row) {
            self.unknown(
                &from.id,
                path,
                format!(
                    "table `{}`, row `{}`: table `{}` has no row `{}`",
                    from.id, row.id, cell.table, cell.row
                ),
                &cell.row,
                other.rows.iter().map(|x| x.id.as_str()),
            );
            return None;
        }
        if !other.columns.iter().any(|x| x.id == cell.column) {
            if !explicit_column && other.columns.len() == 1 {
                cell.column = other.columns[0].id.clone();
            } else {
                let known: Vec<&str> = other.columns.iter().map(|x| x.id.as_str()).collect();
                let close = crate::check::closest(&cell.column, &known);
                let d = self.err(
                    &from.id,
                    path,
                    format!(
                        "table `{}`, row `{}`: table `{}` has no column `{}`",
                        from.id, row.id, cell.table, cell.column
                    ),
                );
                d.hint = Some(match close {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("its columns are: {}", known.join(", ")),
                });
                return None;
            }
        }
        let source_row = other.rows.iter().find(|x| x.id == cell.row)?;
        let source = other.columns.iter().find(|x| x.id == cell.column)?;
        let target = &from.columns[into];
        let problem = if source_row.kind == RowKind::Group {
            Some((
                format!("`{cell}` is a group row, which has no figures"),
                "take the figure from a data or sum row".to_string(),
            ))
        } else if !same_unit(source.unit(other), target.unit(from)) {
            Some((
                format!(
                    "`{cell}` is in {}, but column `{}` is in {}",
                    source.unit(other),
                    target.id,
                    target.unit(from)
                ),
                "a figure is taken as it is, never converted: give both columns the same unit"
                    .to_string(),
            ))
        } else if source.precision > target.precision {
            Some((
                format!(
                    "`{cell}` has {} decimals, but column `{}` prints {}",
                    source.precision, target.id, target.precision
                ),
                format!(
                    "the printed figures would not add up to the printed totals: give `{}` a precision of at least {}",
                    target.id, source.precision
                ),
            ))
        } else {
            None
        };
        if let Some((message, hint)) = problem {
            self.err(
                &from.id,
                path,
                format!("table `{}`, row `{}`: {message}", from.id, row.id),
            )
            .hint = Some(hint);
            return None;
        }
        Some(cell)
    }

    fn check_width(&mut self, t: &Table, r: usize, key: &str, given: usize) {
        let ncols = t.columns.len();
        if given != ncols {
            let ids: Vec<&str> = t.columns.iter().map(|c| c.id.as_str()).collect();
            self.err(
                &t.id,
                &format!("rows.{r}.{key}"),
                format!(
                    "table `{}`, row `{}`: {given} {key} given but the table has {ncols} columns ({})",
                    t.id,
                    t.rows[r].id,
                    ids.join(", ")
                ),
            )
            .hint = Some("write `~` for an empty cell".into());
        }
    }

    /// A typed amount within bounds and the column's decimals; false (with an error) if not.
    fn check_amount(&mut self, t: &Table, r: usize, c: usize, key: &str, v: Decimal) -> bool {
        let col = &t.columns[c];
        if v.abs() > max_amount() {
            self.err(
                &t.id,
                &format!("rows.{r}.{key}.{c}"),
                format!(
                    "table `{}`, row `{}`, column `{}`: {v} is too large: an amount has at most {MAX_INTEGER_DIGITS} digits before the decimal point",
                    t.id, t.rows[r].id, col.id
                ),
            )
            .hint = Some(format!(
                "write it in a larger unit (the column is in {})",
                col.unit(t)
            ));
            return false;
        }
        let precision = col.precision;
        if precision <= MAX_PRECISION && v.normalize().scale() > precision {
            self.err(
                &t.id,
                &format!("rows.{r}.{key}.{c}"),
                format!(
                    "table `{}`, row `{}`, column `{}`: {v} has more decimals than the column's {precision}",
                    t.id, t.rows[r].id, col.id
                ),
            )
            .label = Some(format!("at most {precision} decimals in `{}`", col.title));
            return false;
        }
        true
    }

    /// Evaluates every cell once, in dependency order, with checked arithmetic. Cycles are
    /// errors naming the cells of the cycle.
    fn evaluate(&mut self) {
        const TODO: u8 = 0;
        const BUSY: u8 = 1;
        const DONE: u8 = 2;
        let n = self.figures.exprs.len();
        let mut state = vec![TODO; n];
        // Iterative depth-first evaluation: no recursion, however long the chains.
        for start in 0..n {
            if state[start] != TODO {
                continue;
            }
            let mut stack: Vec<(usize, Vec<usize>, usize)> =
                vec![(start, self.figures.edges(start), 0)];
            state[start] = BUSY;
            while let Some((node, edges, k)) = stack.last_mut() {
                let node = *node;
                let Some(&m) = edges.get(*k) else {
                    stack.pop();
                    state[node] = DONE;
                    let value = self.value_of(node);
                    self.figures.values[node] = value;
                    continue;
                };
                *k += 1;
                match state[m] {
                    TODO => {
                        state[m] = BUSY;
                        stack.push((m, self.figures.edges(m), 0));
                    }
                    BUSY => {
                        let from = stack.iter().position(|(x, _, _)| *x == m).unwrap_or(0);
                        let mut cycle: Vec<String> = stack[from..]
                            .iter()
                            .map(|(x, _, _)| self.figures.cells[*x].to_string())
                            .collect();
                        cycle.push(self.figures.cells[m].to_string());
                        for (x, _, _) in &stack[from..] {
                            self.faulty.insert(*x);
                        }
                        let cell = self.figures.cells[node].clone();
                        let path = self.path_of(&cell);
                        self.err(
                            &cell.table,
                            &path,
                            format!(
                                "cells refer to each other in a cycle: {}",
                                cycle.join(" → ")
                            ),
                        )
                        .hint = Some("a cell cannot be computed from itself".into());
                    }
                    _ => {}
                }
            }
        }
    }

    /// The value of a node whose terms are evaluated.
    fn value_of(&mut self, node: usize) -> Option<Decimal> {
        if self.faulty.contains(&node) {
            return None;
        }
        let zero_if_none = match &self.figures.exprs[node] {
            Expr::Empty => return None,
            Expr::Typed(v) => return Some(*v),
            Expr::Ref(c) => {
                let m = self.figures.node(c)?;
                if self.faulty.contains(&m) {
                    self.faulty.insert(node);
                }
                return self.figures.values[m];
            }
            Expr::Sum(_) => true,
            Expr::SumOf(_) => false,
        };
        let mut total: Option<Decimal> = zero_if_none.then_some(Decimal::ZERO);
        let mut overflow = false;
        let mut upstream_faulty = false;
        for m in self.figures.edges(node) {
            upstream_faulty |= self.faulty.contains(&m);
            if let Some(v) = self.figures.values[m] {
                match total.unwrap_or_default().checked_add(v) {
                    Some(s) => total = Some(s),
                    None => {
                        overflow = true;
                        break;
                    }
                }
            }
        }
        if upstream_faulty {
            self.faulty.insert(node);
        }
        if overflow {
            self.faulty.insert(node);
            let cell = self.figures.cells[node].clone();
            let path = self.path_of(&cell);
            self.err(
                &cell.table,
                &path,
                format!(
                    "table `{}`, row `{}`, column `{}`: the sum is too large to compute exactly",
                    cell.table, cell.row, cell.column
                ),
            );
            return None;
        }
        total
    }

    /// The YAML path where a cell is defined.
    fn path_of(&self, cell: &CellRef) -> String {
        let Some(t) = self.plan.tables.get(&cell.table) else {
            return String::new();
        };
        let tf = &self.figures.tables[&cell.table];
        match (tf.row(&cell.row), tf.column(&cell.column)) {
            (Some(r), Some(c)) => cell_path(&t.value, r, c),
            _ => String::new(),
        }
    }

    /// No sum reaches a cell twice: a row named directly and through its group, a sub-total
    /// and one of its rows, a table named twice in `sum_of`. The error names both paths.
    fn double_counting(&mut self) {
        let mut budget = CHECK_BUDGET;
        let mut reported: HashSet<(String, String)> = HashSet::new();
        let n = self.figures.exprs.len();
        for start in 0..n {
            if !matches!(self.figures.exprs[start], Expr::Sum(_) | Expr::SumOf(_))
                || self.faulty.contains(&start)
            {
                continue;
            }
            // Depth first, terms in the order they are named: the parent of each node reached
            // from `start` by its first path.
            let mut parent: HashMap<usize, usize> = HashMap::new();
            // Terms are named once each (checked where the sum is read), so a sum of leaves
            // alone cannot count anything twice: only sums over computed cells are walked.
            let direct = self.figures.edges(start);
            if direct.iter().all(|&m| self.figures.is_leaf(m)) {
                continue;
            }
            let push = |stack: &mut Vec<(usize, usize)>, x: usize, figures: &Figures| {
                for m in figures.edges(x).into_iter().rev() {
                    stack.push((m, x));
                }
            };
            let mut stack = Vec::new();
            push(&mut stack, start, &self.figures);
            let mut found: Option<(usize, usize)> = None; // (node reached again, second parent)
            while let Some((m, from)) = stack.pop() {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                if m == start || parent.contains_key(&m) {
                    found = Some((m, from));
                    break;
                }
                parent.insert(m, from);
                push(&mut stack, m, &self.figures);
            }
            if budget == 0 {
                let cell = self.figures.cells[start].clone();
                let path = self.path_of(&cell);
                self.err(
                    &cell.table,
                    &path,
                    "the sums of the plan are too intricate to check (they nest too deeply)".into(),
                )
                .hint = Some("sums should build on a few levels of sub-totals".into());
                return;
            }
            let Some((twice, second_parent)) = found else {
                continue;
            };
            let cell = self.figures.cells[start].clone();
            self.faulty.insert(start);
            if !reported.insert((cell.table.clone(), cell.row.clone())) {
                continue;
            }
            let chain = |mut x: usize| {
                let mut names = vec![];
                while x != start {
                    names.push(x);
                    x = parent[&x];
                }
                names.reverse();
                names
            };
            let first = chain(twice);
            let mut second = chain(second_parent);
            second.push(twice);
            let name = |nodes: &[usize]| {
                nodes
                    .iter()
                    .map(|&x| {
                        let c = &self.figures.cells[x];
                        if c.table == cell.table {
                            format!("`{}`", c.row)
                        } else {
                            format!("`{c}`")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" → ")
            };
            let what = &self.figures.cells[twice];
            let what = if what.table == cell.table {
                format!("row `{}`", what.row)
            } else {
                format!("`{what}`")
            };
            let message = format!(
                "table `{}`, row `{}`: {what} would be counted twice, via {} and via {}",
                cell.table,
                cell.row,
                name(&first),
                name(&second)
            );
            let path = self.path_of(&cell);
            self.err(&cell.table, &path, message).hint = Some(DOUBLE_HINT.into());
        }
    }

    /// Checks the `control:` figures of every row and every typed figure beside a reference.
    fn controls(&mut self) {
        let plan = self.plan;
        for (id, table) in &plan.tables {
            let t = &table.value;
            let Some(tf) = self.figures.tables.get(id).cloned() else {
                continue;
            };
            let ncols = tf.column_ids.len();
            for (r, row) in t.rows.iter().enumerate().take(tf.row_ids.len()) {
                if let Some(typed) = &row.values {
                    for (c, v) in typed.iter().enumerate().take(ncols) {
                        let Some(target) = row.refs.get(&t.columns[c].id) else {
                            continue;
                        };
                        if let Some(v) = v {
                            if !self.faulty.contains(&tf.node(r, c)) {
                                self.control(
                                    t,
                                    &tf,
                                    r,
                                    c,
                                    *v,
                                    format!("rows.{r}.values.{c}"),
                                    format!("the value taken from `{target}`"),
                                );
                            }
                        }
                    }
                }
                let Some(controls) = &row.control else {
                    continue;
                };
                self.check_width(t, r, "control", controls.len());
                for (c, typed) in controls.iter().enumerate().take(ncols) {
                    let Some(typed) = typed else { continue };
                    if !self.check_amount(t, r, c, "control", *typed) {
                        continue;
                    }
                    if self.faulty.contains(&tf.node(r, c)) {
                        continue;
                    }
                    let against = control_source(t, row);
                    self.control(
                        t,
                        &tf,
                        r,
                        c,
                        *typed,
                        format!("rows.{r}.control.{c}"),
                        against,
                    );
                }
            }
        }
    }

    /// Compares a typed control figure with the computed value.
    #[allow(clippy::too_many_arguments)]
    fn control(
        &mut self,
        t: &Table,
        tf: &TableFigures,
        r: usize,
        c: usize,
        typed: Decimal,
        path: String,
        against: String,
    ) {
        self.figures.controls_checked += 1;
        let computed = self.figures.values[tf.node(r, c)];
        let computed_value = computed.unwrap_or_default();
        if computed_value == typed {
            return;
        }
        let col = &t.columns[c];
        let unit = col.unit(t);
        let p = col.precision.min(MAX_PRECISION);
        let fmt = |v: Decimal| format!("{} {unit}", format_amount(v, p));
        let Some(diff) = typed.checked_sub(computed_value) else {
            self.err(
                &t.id,
                &path,
                "control figure does not match: the difference is too large to compute".into(),
            );
            return;
        };
        let message = format!(
            "control figure does not match: {} › {} › {}: typed {}, computed {}, difference {}{}",
            t.id,
            t.rows[r].label,
            col.title,
            fmt(typed),
            if computed.is_some() {
                fmt(computed_value)
            } else {
                "nothing (the cell is empty)".to_string()
            },
            if diff > Decimal::ZERO { "+" } else { "" },
            fmt(diff),
        );
        let label = format!("typed {}, computed {}", fmt(typed), fmt(computed_value));
        let hint = format!(
            "the typed figure is checked against {against}; correct the detail rows or the control"
        );
        let d = self.err(&t.id, &path, message);
        d.label = Some(label);
        d.hint = Some(hint);
    }

    /// The plan's budget frame must equal the cell it names.
    fn budget_frame(&mut self) {
        let plan = self.plan;
        let meta = &plan.meta;
        let Some(frame) = &meta.value.budget_frame else {
            return;
        };
        let at = |path: &str| plan.pos(&meta.file, path);
        let error = |message: String| {
            Diagnostic::error(&meta.file, message).at_pos(at("budget_frame.cell"))
        };
        let cell = match CellRef::parse(&frame.cell) {
            Ok(c) => c,
            Err(e) => {
                self.diags.push(error(format!("budget_frame.cell: {e}")));
                return;
            }
        };
        let Some(table) = plan.tables.get(&cell.table) else {
            let known: Vec<&str> = plan.tables.keys().map(String::as_str).collect();
            let mut d = error(format!(
                "budget_frame.cell: there is no table `{}`",
                cell.table
            ));
            d.hint =
                crate::check::closest(&cell.table, &known).map(|c| format!("did you mean `{c}`?"));
            self.diags.push(d);
            return;
        };
        let t = &table.value;
        let tf = &self.figures.tables[&cell.table];
        let (Some(r), Some(c)) = (tf.row(&cell.row), tf.column(&cell.column)) else {
            self.diags.push(error(format!(
                "budget_frame.cell: table `{}` has no row `{}` or no column `{}`",
                cell.table, cell.row, cell.column
            )));
            return;
        };
        let node = tf.node(r, c);
        if self.faulty.contains(&node) {
            return; // the table has errors of its own
        }
        if frame.amount.abs() > max_amount() {
            self.diags.push(
                Diagnostic::error(
                    &meta.file,
                    format!(
                        "budget_frame.amount {} is too large: an amount has at most {MAX_INTEGER_DIGITS} digits before the decimal point",
                        frame.amount
                    ),
                )
                .at_pos(at("budget_frame.amount")),
            );
            return;
        }
        let precision = t.columns[c].precision;
        if precision <= MAX_PRECISION && frame.amount.normalize().scale() > precision {
            self.diags.push(
                Diagnostic::error(
                    &meta.file,
                    format!(
                        "budget_frame.amount {} has more decimals than the {precision} of `{}`",
                        frame.amount, frame.cell
                    ),
                )
                .at_pos(at("budget_frame.amount"))
                .with_hint("give the frame as the cell prints it, or more decimals to the column"),
            );
            return;
        }
        self.figures.controls_checked += 1;
        let computed = self.figures.values[node].unwrap_or_default();
        if computed != frame.amount {
            let p = t.columns[c].precision.min(MAX_PRECISION);
            let unit = t.columns[c].unit(t);
            let fmt = |v: Decimal| format!("{} {unit}", format_amount(v, p));
            let diff = computed.checked_sub(frame.amount).unwrap_or(Decimal::MAX);
            self.diags.push(
                Diagnostic::error(
                    &meta.file,
                    format!(
                        "{} › {} › {} is {}, but the budget frame is {} (difference {}{})",
                        cell.table,
                        t.rows[r].label,
                        t.columns[c].title,
                        fmt(computed),
                        fmt(frame.amount),
                        if diff > Decimal::ZERO { "+" } else { "" },
                        fmt(diff)
                    ),
                )
                .at_pos(at("budget_frame.amount"))
                .with_label(format!("the frame decided: {}", fmt(frame.amount)))
                .with_hint(format!("the computed cell is `{}`", frame.cell)),
            );
        }
    }
}

/// Whether two units are the same (`Tkr` and `tkr` are).
fn same_unit(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The data rows that follow a group row, up to the next group or sum row: a sum row closes
/// the group above it, so rows after a *Summa* never count into the group.
fn group_members(t: &Table, group: usize) -> Vec<usize> {
    t.rows[group + 1..]
        .iter()
        .enumerate()
        .take_while(|(_, row)| row.kind == RowKind::Data)
        .map(|(i, _)| group + 1 + i)
        .collect()
}

/// Where a row's computed value comes from, in words, for the hint of a failed control.
fn control_source(t: &Table, row: &Row) -> String {
    match row.kind {
        RowKind::Sum => "the sum of the rows this row names under `sum`".into(),
        _ if row.values.is_none() && !t.sum_of.is_empty() => format!(
            "the sum of row `{}` in the {} tables of `sum_of` ({})",
            row.id,
            t.sum_of.len(),
            t.sum_of.join(", ")
        ),
        _ => "the row's computed value".into(),
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
