//! Building the graph: every cell of every table gets a node (row and column ids, table sizes
//! and column precisions checked on the way) and an expression: a typed amount, a reference,
//! the rows a sum row adds up (groups expanded to their members), or the same row of the tables
//! of `sum_of`. Expressions built by code (`Figures::from_exprs`) are installed over the same
//! nodes, each cell it names checked to exist.

use std::collections::HashMap;
use std::sync::Arc;

use crate::content::{RowKind, SumSpec, Table, ValuePath};
use crate::diag::Code;

use super::{
    Builder, CellRef, Expr, TableFigures, DOUBLE_HINT, MAX_COLUMNS, MAX_PRECISION, MAX_ROWS,
};

impl Builder<'_> {
    /// Gives every cell of every table a node; checks ids, sizes and column precisions.
    pub(super) fn index(&mut self) {
        let plan = self.plan;
        for (id, table) in &plan.tables {
            let t = &table.value;
            let rows = self.ids(id, ("row", "rows"), t.rows.iter().map(|r| r.id.as_str()));
            let columns = self.ids(
                id,
                ("column", "columns"),
                t.columns.iter().map(|c| c.id.as_str()),
            );
            for (c, col) in t.columns.iter().enumerate() {
                if col.precision > MAX_PRECISION {
                    self.err(
                        Code::Precision,
                        id,
                        &ValuePath::of("columns").index(c).key("precision"),
                        format!(
                            "table `{id}`, column `{}`: precision {} is more than the {MAX_PRECISION} decimals a column may have",
                            col.id, col.precision
                        ),
                    );
                }
            }
            if t.rows.len() > MAX_ROWS {
                self.err(
                    Code::TableShape,
                    id,
                    &ValuePath::of("rows"),
                    format!(
                        "table `{id}` has {} rows, more than the {MAX_ROWS} a table may have",
                        t.rows.len()
                    ),
                )
                .hint = Some("split it into several tables".into());
            }
            if t.columns.len() > MAX_COLUMNS {
                self.err(
                    Code::TableShape,
                    id,
                    &ValuePath::of("columns"),
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

    /// Gives a cell an expression built by code ([`super::Figures::from_exprs`]), after
    /// checking that the cell and every cell or row it names exist.
    pub(super) fn install(&mut self, cell: CellRef, expr: Expr) {
        let missing = |figures: &super::Figures, c: &CellRef| figures.node(c).is_none();
        let bad: Vec<String> = match &expr {
            Expr::Empty | Expr::Typed(_) => Vec::new(),
            Expr::Ref(c) => vec![c.clone()],
            Expr::SumOf(cells) => cells.clone(),
            Expr::Difference(a, b) | Expr::Share(a, b) => vec![a.clone(), b.clone()],
            Expr::Part(of, ..) => vec![of.clone()],
            Expr::Sum(rows) => {
                let n = self
                    .figures
                    .tables
                    .get(&cell.table)
                    .map_or(0, |t| t.row_ids.len());
                if let Some(&r) = rows.iter().find(|&&r| r >= n) {
                    let message = format!(
                        "`{cell}` sums row {} of a table of {n} rows (an internal error)",
                        r + 1
                    );
                    self.err(Code::Computation, &cell.table, &ValuePath::ROOT, message);
                }
                Vec::new()
            }
        }
        .into_iter()
        .filter(|c| missing(&self.figures, c))
        .map(|c| format!("`{c}`"))
        .collect();
        if !bad.is_empty() {
            let message = format!(
                "`{cell}` is computed from {}, which does not exist (an internal error)",
                bad.join(", ")
            );
            self.err(Code::Computation, &cell.table, &ValuePath::ROOT, message);
        }
        match self.figures.node(&cell) {
            Some(n) => self.figures.exprs[n] = expr,
            None => {
                let message = format!("there is no cell `{cell}` (an internal error)");
                self.err(Code::Computation, &cell.table, &ValuePath::ROOT, message);
            }
        }
    }

    /// Positions of a table's row or column ids; a repeated id is an error at its second place
    /// (the first keeps the position).
    fn ids<'i>(
        &mut self,
        table: &str,
        (what, list): (&str, &str),
        ids: impl Iterator<Item = &'i str>,
    ) -> HashMap<String, usize> {
        let mut index = HashMap::new();
        for (i, id) in ids.enumerate() {
            if !crate::content::slug::is_slug(id) {
                self.err(
                    Code::InvalidId,
                    table,
                    &ValuePath::of(list).index(i).key("id"),
                    format!("table `{table}`: the {what} id `{id}` is not a slug"),
                )
                .hint = Some(format!(
                    "ids use a-z, 0-9, `-` and `_` (a `/` would break `table/row/column`), e.g. `{}`",
                    crate::content::slug::slug(id)
                ));
            }
            if let Some(&first) = index.get(id) {
                self.err(
                    Code::DuplicateId,
                    table,
                    &ValuePath::of(list).index(i).key("id"),
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
    pub(super) fn exprs(&mut self) {
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
                        Code::Computation,
                        id,
                        &ValuePath::of("sum_of").index(k),
                        format!(
                            "table `{id}`: `sum_of` names table `{source}` twice (items {} and {}); it would be counted twice",
                            first + 1,
                            k + 1
                        ),
                    );
                }
            }
            let usable = self.sum_of_sources(t);
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
                    RowKind::Data => self.data_row(t, &tf, r, &usable),
                }
            }
        }
    }

    /// Checks the tables of a summary's `sum_of` as wholes, so that each problem is reported
    /// once rather than once per cell: each must exist, have every column of the summary, and
    /// have no data row with figures that the summary does not sum (its figures would silently
    /// be left out of the summary's totals). Returns, per `sum_of` item, whether its cells can be
    /// taken.
    fn sum_of_sources(&mut self, t: &Table) -> Vec<bool> {
        let plan = self.plan;
        let mut usable = vec![true; t.sum_of.len()];
        for (k, source) in t.sum_of.iter().enumerate() {
            let path = ValuePath::of("sum_of").index(k);
            if t.sum_of[..k].contains(source) {
                usable[k] = false;
                continue;
            }
            let Some(other) = plan.tables.get(source) else {
                self.unknown(
                    &t.id,
                    &path,
                    format!(
                        "table `{}`: `sum_of` names table `{source}`, which does not exist",
                        t.id
                    ),
                    source,
                    plan.tables.keys().map(String::as_str),
                );
                usable[k] = false;
                continue;
            };
            let other = &other.value;
            for col in &t.columns {
                if !other.columns.iter().any(|x| x.id == col.id) {
                    let known: Vec<&str> = other.columns.iter().map(|x| x.id.as_str()).collect();
                    self.err(
                        Code::UnknownReference,
                        &t.id,
                        &path,
                        format!(
                            "table `{}`: column `{}` is summed from table `{source}`, which has no column `{}`",
                            t.id, col.id, col.id
                        ),
                    )
                    .hint = Some(crate::suggest::did_you_mean_or_list(
                        &col.id,
                        &known,
                        "`sum_of` matches columns by id; its columns are: ",
                    ));
                    usable[k] = false;
                }
            }
            self.rows_left_out(t, other, source, &path);
        }
        usable
    }

    /// Tells of each data row of `other` (table `source` of `t`'s `sum_of`) with figures of
    /// its own that `t` does not sum: its figures would be left out of the summary.
    fn rows_left_out(&mut self, t: &Table, other: &Table, source: &str, path: &ValuePath) {
        let summed = |id: &str| {
            t.rows.iter().any(|x| {
                x.id == id && x.kind == RowKind::Data && x.values.is_none() && x.refs.is_empty()
            })
        };
        for row in other.rows.iter().filter(|x| x.kind == RowKind::Data) {
            let has_figures = !row.refs.is_empty()
                || row
                    .values
                    .as_ref()
                    .is_some_and(|v| v.iter().any(Option::is_some));
            if has_figures && !summed(&row.id) {
                let d = self.err(
                Code::Computation,
                &t.id,
                path,
                format!(
                    "table `{}` does not sum row `{}` ({}) of table `{source}`: its figures would be left out of the summary",
                    t.id, row.id, row.label
                ),
            );
                d.hint = Some(if t.rows.iter().any(|x| x.id == row.id) {
                    format!(
                    "`sum_of` sums a data row of the same id that has no `values` and no `refs`; row `{}` of `{}` has its own figures",
                    row.id, t.id
                )
                } else {
                    format!(
                    "`sum_of` matches rows by id: add `{{id: {}, label: {}}}` to the rows of `{}`, or give the row in `{source}` the id of a row the summary has",
                    row.id,
                    crate::yaml_text::quote(&row.label),
                    t.id
                )
                });
            }
        }
    }

    fn computed_row_with_values(&mut self, t: &Table, r: usize) {
        let row = &t.rows[r];
        let kind = row.kind.as_str();
        self.err(
            Code::TableShape,
            &t.id,
            &ValuePath::of("rows").index(r).key("values"),
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
        let path = ValuePath::of("rows").index(r).key("sum");
        match &row.sum {
            None => {
                self.err(
                    Code::TableShape,
                    &t.id,
                    &ValuePath::of("rows").index(r),
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
                    Code::TableShape,
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
                    Code::Computation,
                    &t.id,
                    &path,
                    format!("table `{}`, row `{}`: `sum: []` sums nothing", t.id, row.id),
                )
                .hint = Some("name the rows or groups it sums, or `sum: all`".into());
                Vec::new()
            }
            Some(SumSpec::Of(ids)) => self.sum_of_rows(t, r, ids, &path),
        }
    }

    /// The rows a sum row `r` names (`sum: [ids]`, at `path`): each row once, a group as its
    /// members; a row named twice, the row itself, a row that does not exist, or one counted
    /// twice through a group is an error and left out.
    fn sum_of_rows(&mut self, t: &Table, r: usize, ids: &[String], path: &ValuePath) -> Vec<usize> {
        let row = &t.rows[r];
        let mut terms = Vec::new();
        let mut named: HashMap<&str, usize> = HashMap::new();
        // Each row summed, and the naming that brought it in (a group's id or its own).
        let mut via: HashMap<usize, String> = HashMap::new();
        for (k, id) in ids.iter().enumerate() {
            let term_path = path.index(k);
            if let Some(first) = named.insert(id.as_str(), k) {
                named.insert(id.as_str(), first);
                self.err(
                    Code::Computation,
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
                        Code::Computation,
                        &t.id,
                        &term_path,
                        format!("table `{}`, row `{id}`: a sum cannot include itself", t.id),
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
                    self.err(Code::Computation, &t.id, &term_path, message).hint =
                        Some(DOUBLE_HINT.into());
                    continue;
                }
                via.insert(m, this);
                terms.push(m);
            }
        }
        terms
    }

    fn data_row(&mut self, t: &Table, tf: &TableFigures, r: usize, usable: &[bool]) {
        let row = &t.rows[r];
        if row.sum.is_some() {
            self.err(
                Code::TableShape,
                &t.id,
                &ValuePath::of("rows").index(r).key("sum"),
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
            let mut cells = vec![Vec::new(); ncols];
            for (k, source) in t.sum_of.iter().enumerate() {
                if !usable[k] {
                    continue;
                }
                let path = ValuePath::of("sum_of").index(k);
                for (c, cells) in cells.iter_mut().enumerate() {
                    let cell = CellRef::new(source, &row.id, &t.columns[c].id);
                    match self.resolve(t, row, c, &path, cell, true) {
                        Some(cell) => cells.push(cell),
                        // One report per row and table: a missing row would repeat it per column.
                        None => break,
                    }
                }
            }
            for (c, cells) in cells.into_iter().enumerate() {
                self.figures.exprs[tf.node(r, c)] = Expr::SumOf(cells);
            }
        }
        for (col, target) in &row.refs {
            let path = ValuePath::of("rows").index(r).key("refs").key(col);
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
                        Code::UnknownReference,
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
